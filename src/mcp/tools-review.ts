import { z } from 'zod';
import { showIncident } from '../app/list-incidents.js';
import { postIncidentUpdate } from '../app/post-update.js';
import { addActionItem, listActionItems } from '../app/manage-action-items.js';
import { loadPostmortemModel } from '../app/generate-postmortem.js';
import { buildIncidentView, renderTemplate } from '../core/communication.js';
import { validation } from '../core/errors.js';
import { STATUSES } from '../core/incident.js';
import { ACTION_KINDS } from '../core/postmortem.js';
import { loadTemplate } from '../postmortem/template.js';
import { renderMarkdown } from '../postmortem/render-markdown.js';
import { changeResultSchema } from '../contract/incidents.js';
import { defineTool, type ToolDef } from './tool.js';

const incidentId = z.string().max(20).describe('Incident id, e.g. INC-42');
const argId = (a: Record<string, unknown>) => (typeof a.id === 'string' ? a.id : null);

const updateArgs = {
  id: incidentId,
  status: z.enum(STATUSES).optional().describe('move the status with this update'),
  findings: z.string().min(1).max(10_000).describe('what we know'),
  actions: z.string().min(1).max(10_000).describe('what we are doing'),
  public: z.string().max(2000).optional().describe('public status-page text (makes the update public)'),
  eta: z.string().max(200).optional().describe('estimated resolution, public'),
};

const draftSchema = z.object({
  incidentId: z.string(),
  /** The seed's IC update template, rendered (config templates.ic_update overrides it). */
  internal: z.string(),
  messages: z.array(z.object({ channel: z.string(), target: z.string(), kind: z.string(), summary: z.string(), text: z.string() })),
  statusPage: z.array(z.object({ state: z.string(), title: z.string(), text: z.string() })),
  nextUpdateDueAt: z.string().nullable(),
});

const actionItemSchema = z.object({
  id: z.number().int(),
  incidentId: z.string(),
  title: z.string(),
  owner: z.string(),
  kind: z.string(),
  dueDate: z.string(),
  status: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
  overdue: z.boolean(),
});

export const reviewTools: ToolDef[] = [
  defineTool({
    name: 'draft_update',
    title: 'Draft an incident update',
    effect: 'read',
    description:
      "Draft the IC update from the seed's templates (INCIDENT UPDATE: title, severity, duration, status, findings, actions, next update) and show which channels and status-page posts it would go to. Sends and records nothing; post it with post_update once a human agrees.",
    input: updateArgs,
    output: draftSchema,
    run: async ({ ctx }, a) => {
      const { plan } = await postIncidentUpdate(ctx, a.id, {
        status: a.status,
        findings: a.findings,
        actions: a.actions,
        public: a.public,
        eta: a.eta,
        dry_run: true,
      });
      const inc = await showIncident(ctx, a.id, { kinds: ['update'] });
      const next = plan?.nextUpdateDueAt ?? inc.derived.nextUpdateDueAt;
      const view = buildIncidentView({ ...inc, status: a.status ?? inc.status }, ctx.policy, ctx.now().toISOString(), {
        nextUpdateDueAt: next,
        url: ctx.config.server?.public_url ?? null,
        organization: ctx.config.organization ?? null,
      });
      const internal = renderTemplate('ic_update', { ...view, findings: a.findings, actions: a.actions }, ctx.config.templates ?? {});
      return { incidentId: inc.id, internal, messages: plan?.messages ?? [], statusPage: plan?.statusPage ?? [], nextUpdateDueAt: next };
    },
    incidentOf: argId,
    describe: (a) => `Agent drafted an update for ${String(a.id)} (draft_update)`,
  }),
  defineTool({
    name: 'post_update',
    title: 'Post an incident update',
    effect: 'write',
    description:
      'Post the update: an update entry on the timeline (resets the update-cadence clock), the status move if any, the message to the incident channel and, for SEV1/SEV2 or with public text, the status page.',
    input: updateArgs,
    output: changeResultSchema.extend({}),
    run: async ({ ctx }, a) => {
      const { event } = await postIncidentUpdate(ctx, a.id, {
        status: a.status,
        findings: a.findings,
        actions: a.actions,
        public: a.public,
        eta: a.eta,
      });
      if (!event) throw validation('the update was not posted', 'id');
      const inc = await showIncident(ctx, a.id, { kinds: ['update'] });
      const { timeline: _t, ...incident } = inc;
      return { incident, entries: event.entries };
    },
    incidentOf: argId,
    describe: (a) => `Agent posted an update on ${String(a.id)}${a.status ? ` (status ${String(a.status)})` : ''} (post_update)`,
  }),
  defineTool({
    name: 'generate_postmortem',
    title: 'Draft the post-mortem',
    effect: 'read',
    description:
      "The blameless post-mortem draft in Markdown from the incident's own record (summary, timeline, root cause, contributing factors, what went well, what could be improved, action items, five whys), with clearly marked prompts where people must write. Read-only: it writes no file and does not start the review.",
    input: { id: incidentId },
    output: z.object({
      incidentId: z.string(),
      level: z.string(),
      state: z.string(),
      dueAt: z.string().nullable(),
      template: z.string(),
      markdown: z.string(),
      warnings: z.array(z.record(z.string(), z.unknown())),
    }),
    run: async ({ ctx, baseDir }, a) => {
      const model = await loadPostmortemModel(ctx, a.id);
      const template = loadTemplate(model.postmortem.level, ctx.config, baseDir);
      return {
        incidentId: model.incident.id,
        level: model.postmortem.level,
        state: model.postmortem.state,
        dueAt: model.postmortem.dueAt,
        template: template.path,
        markdown: renderMarkdown(model, template.text),
        warnings: model.warnings as unknown as Record<string, unknown>[],
      };
    },
    incidentOf: argId,
    describe: (a) => `Agent generated the post-mortem draft of ${String(a.id)} (generate_postmortem)`,
  }),
  defineTool({
    name: 'list_action_items',
    title: 'List action items',
    effect: 'read',
    description:
      'Post-incident action items (owner, due date, kind, status), open ones by default; for one incident, one owner, or only overdue ones.',
    input: {
      incident: z.string().max(20).optional(),
      owner: z.string().max(100).optional(),
      status: z.enum(['open', 'done', 'all']).optional(),
      overdue: z.boolean().optional(),
    },
    output: z.object({ items: z.array(actionItemSchema) }),
    run: async ({ ctx }, a) => ({
      items: await listActionItems(ctx, { incident: a.incident, owner: a.owner, status: a.status, overdue: a.overdue }),
    }),
    incidentOf: (a) => (typeof a.incident === 'string' ? a.incident : null),
    describe: (a, r) => `Agent listed the action items of ${String(a.incident)}: ${r ? r.items.length : 0} (list_action_items)`,
  }),
  defineTool({
    name: 'add_action_item',
    title: 'Add an action item',
    effect: 'write',
    description:
      "Add a longer-term fix with an owner and a due date (YYYY-MM-DD, today or later); kind is one of the seed's four: fix, monitoring, test, runbook.",
    input: {
      id: incidentId,
      title: z.string().min(1).max(500),
      owner: z.string().min(1).max(100),
      due: z.string().max(40).describe('YYYY-MM-DD'),
      kind: z.enum(ACTION_KINDS).optional(),
    },
    output: actionItemSchema,
    run: ({ ctx }, a) => addActionItem(ctx, a.id, { title: a.title, owner: a.owner, due: a.due, kind: a.kind }),
    incidentOf: argId,
    describe: (a, r) =>
      `Agent added action item${r ? ` #${r.id}` : ''} "${String(a.title)}" for ${String(a.owner)}, due ${String(a.due)} (add_action_item)`,
  }),
];
