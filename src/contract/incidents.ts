import { z } from 'zod';
import { STATUSES, TIMELINE_KINDS } from '../core/incident.js';
import { SEVERITIES } from '../core/severity.js';

/**
 * The incidents and their timelines on the wire: the API's response schemas (the OpenAPI
 * document is made from them), the MCP tools' outputs and the CLI's --json, which returns the
 * same objects. Tests validate real responses against these. The web app imports the types.
 */
export const timelineEntrySchema = z.object({
  id: z.number().int(),
  incidentId: z.string(),
  at: z.string(),
  author: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  text: z.string(),
  corrects: z.number().int().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const derivedSchema = z.object({
  durationMs: z.number(),
  lastUpdateAt: z.string().nullable(),
  nextUpdateDueAt: z.string().nullable(),
  overdue: z.boolean(),
  responseTargetMet: z.boolean().nullable(),
  timeToAcknowledgeMs: z.number().nullable(),
  timeToResolveMs: z.number().nullable(),
});

export const incidentSchema = z.object({
  id: z.string().regex(/^INC-\d+$/),
  seq: z.number().int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(STATUSES),
  impact: z.string().nullable(),
  summary: z.string().nullable(),
  services: z.array(z.string()),
  roles: z.object({
    commander: z.string().nullable(),
    comms_lead: z.string().nullable(),
    scribe: z.string().nullable(),
    responders: z.array(z.string()),
  }),
  createdBy: z.string(),
  declaredAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  mitigatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  updatedAt: z.string(),
  derived: derivedSchema,
});

export const incidentListSchema = z.object({ incidents: z.array(incidentSchema) });
export const incidentDetailSchema = incidentSchema.extend({ timeline: z.array(timelineEntrySchema) });
export const changeResultSchema = z.object({ incident: incidentSchema, entries: z.array(timelineEntrySchema) });
export const timelineEntriesSchema = z.object({ entries: z.array(timelineEntrySchema) });

export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type Derived = z.output<typeof derivedSchema>;
export type Incident = z.output<typeof incidentSchema>;
export type IncidentList = z.output<typeof incidentListSchema>;
export type IncidentDetail = z.output<typeof incidentDetailSchema>;
/** Every incident verb answers with the incident as it now stands and the entries it wrote. */
export type ChangeResult = z.output<typeof changeResultSchema>;
export type TimelineEntries = z.output<typeof timelineEntriesSchema>;
export type { Severity } from '../core/severity.js';
/** GET /api/v1/severities: the policy in force, one level per severity. */
export type { SeverityLevel } from '../core/severity.js';
export type { Status, TimelineKind, NoteKind, IncidentRole } from '../core/incident.js';
