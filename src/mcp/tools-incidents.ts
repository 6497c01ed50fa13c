import { z } from 'zod';
import { addTimelineEntry } from '../app/add-timeline-entry.js';
import { changeStatus } from '../app/change-status.js';
import { declareIncident } from '../app/declare-incident.js';
import { listIncidents, showIncident } from '../app/list-incidents.js';
import { presentChange as present } from '../app/present-change.js';
import { listDeploys } from '../app/record-deploy.js';
import { NOTE_KINDS, STATUSES, TIMELINE_KINDS } from '../core/incident.js';
import { SEVERITIES } from '../core/severity.js';
import { parseTimePoint } from '../core/time.js';
import { changeResultSchema, incidentDetailSchema, incidentListSchema, timelineEntrySchema } from '../contract/incidents.js';
import { deployListSchema } from '../contract/deploys.js';
import { redactWith } from '../core/redact.js';
import { defineTool, type ToolDef } from './tool.js';
import { redactArgs } from './record.js';

const incidentId = z.string().max(20).describe('Incident id, e.g. INC-42');

const argId = (a: Record<string, unknown>) => (typeof a.id === 'string' ? a.id : null);

export const incidentTools: ToolDef[] = [
  defineTool({
    name: 'list_incidents',
    title: 'List incidents',
    effect: 'read',
    description:
      'Open incidents, newest first (all=true includes resolved ones), with severity, status, commander and derived facts (next update due, overdue).',
    input: {
      all: z.boolean().optional().describe('include resolved incidents'),
      severity: z.array(z.enum(SEVERITIES)).optional(),
      status: z.array(z.enum(STATUSES)).optional(),
      service: z.string().max(100).optional(),
      limit: z.number().int().min(1).max(500).optional(),
    },
    output: incidentListSchema,
    run: async ({ ctx }, a) => ({ incidents: await listIncidents(ctx, a) }),
  }),
  defineTool({
    name: 'show_incident',
    title: 'Show an incident',
    effect: 'read',
    description: 'One incident with its derived facts and its timeline (optionally only some entry kinds).',
    input: { id: incidentId, kinds: z.array(z.enum(TIMELINE_KINDS)).optional() },
    output: incidentDetailSchema,
    run: ({ ctx }, a) => showIncident(ctx, a.id, { kinds: a.kinds }),
    incidentOf: argId,
    describe: (a) => `Agent read ${String(a.id)} (show_incident)`,
  }),
  defineTool({
    name: 'declare_incident',
    title: 'Declare an incident',
    effect: 'write',
    description:
      "Declare an incident. Severity per the seed's table: SEV1 complete outage, SEV2 major degradation, SEV3 partial, SEV4 minor.",
    input: {
      title: z.string().min(1).max(200),
      severity: z.enum(SEVERITIES),
      impact: z.string().max(10_000).optional().describe('what users are experiencing'),
      commander: z.string().max(100).optional().describe('a person; naming one acknowledges the incident'),
      services: z.array(z.string().max(100)).max(50).optional(),
    },
    output: changeResultSchema,
    run: async ({ ctx }, a) => present(ctx, await declareIncident(ctx, a)),
    incidentOf: (_a, r) => r?.incident.id ?? null,
    describe: (a, r) => `Agent declared ${r?.incident.id ?? 'an incident'}: ${String(a.title)} (${String(a.severity)})`,
  }),
  defineTool({
    name: 'add_timeline_entry',
    title: 'Add a timeline entry',
    effect: 'write',
    description:
      'Append a note, finding, action, decision or detection to the incident timeline (append-only; it is authored by the agent).',
    input: {
      id: incidentId,
      text: z.string().min(1).max(10_000),
      kind: z.enum(NOTE_KINDS).optional().describe('default note'),
    },
    output: timelineEntrySchema,
    run: ({ ctx, transport }, a) =>
      addTimelineEntry(
        ctx,
        a.id,
        { text: a.text, kind: a.kind ?? 'note' },
        {
          data: {
            via: 'agent',
            agent: ctx.actor.name,
            role: ctx.actor.role,
            transport,
            tool: 'add_timeline_entry',
            args: redactArgs({ kind: a.kind ?? 'note' }, redactWith(ctx.config.redact ?? [])),
            ok: true,
          },
        },
      ),
    incidentOf: argId,
    recordsItself: true,
  }),
  defineTool({
    name: 'change_status',
    title: 'Change the status',
    effect: 'write',
    description: 'Move an incident to investigating, identified, mitigating or resolved (resolved ones need a human to reopen).',
    input: { id: incidentId, status: z.enum(STATUSES), note: z.string().max(10_000).optional().describe('why') },
    output: changeResultSchema,
    run: async ({ ctx }, a) => present(ctx, await changeStatus(ctx, a.id, { status: a.status, note: a.note })),
    incidentOf: argId,
    describe: (a) => `Agent changed the status of ${String(a.id)} to ${String(a.status)} (change_status)`,
  }),
  defineTool({
    name: 'list_deploys',
    title: 'Deploy history',
    effect: 'read',
    description: 'Recent deploys, rollbacks and infra changes, newest first: "was there a recent deployment?" (minute 2-3 of the triage).',
    input: {
      service: z.string().max(100).optional(),
      since: z.string().max(60).optional().describe('"1h", "30 minutes ago" or ISO 8601'),
      limit: z.number().int().min(1).max(1000).optional(),
      incident: z.string().max(20).optional().describe("record this call on that incident's timeline"),
    },
    output: deployListSchema,
    run: async ({ ctx }, a) => ({
      deploys: await listDeploys(ctx, {
        service: a.service,
        since: a.since ? parseTimePoint(a.since, ctx.now(), 'since').toISOString() : undefined,
        limit: a.limit ?? 50,
      }),
    }),
    incidentOf: (a) => (typeof a.incident === 'string' ? a.incident : null),
    describe: (a, r) =>
      `Agent listed deploys${a.service ? ` of ${String(a.service)}` : ''}${a.since ? ` since ${String(a.since)}` : ''}: ${r ? r.deploys.length : 0} found (list_deploys)`,
    keep: (r) => ({ deploys: r.deploys.slice(0, 5).map((d) => `${d.service} ${d.version} ${d.kind} at ${d.at}`) }),
  }),
];
