import { z } from 'zod';
import { postUpdate as decide } from '../core/communication.js';
import { parseIncidentId, STATUSES } from '../core/incident.js';
import { getIncident } from '../store/incident.repository.js';
import { planIncidentEffects } from '../notify/effects.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export const postUpdateInputSchema = z
  .object({
    status: z.enum(STATUSES).nullish(),
    findings: z.string().max(10_000, 'must be at most 10000 characters'),
    actions: z.string().max(10_000, 'must be at most 10000 characters'),
    /** Public text for the status page (its description); posting it makes the update public. */
    public: z.string().max(2000, 'must be at most 2000 characters').nullish(),
    /** Estimated resolution, public (e.g. "within 1 hour"). */
    eta: z.string().max(200).nullish(),
    /** Plan only: say what would be sent where, write nothing. */
    dry_run: z.boolean().optional(),
  })
  .strict();
export type PostUpdateInput = z.input<typeof postUpdateInputSchema>;

/** What --dry-run and the API report: one line per message, per public post. */
export interface UpdatePlanView {
  messages: { channel: string; target: string; kind: string; summary: string; text: string }[];
  statusPage: { state: string; title: string; text: string }[];
  nextUpdateDueAt: string | null;
}

/**
 * The commander's update: an 'update' timeline entry (resetting the cadence clock), the status
 * move if any, the internal message to the incident channel and, for SEV1/SEV2 or with public
 * text, the status-page post — all in the change's one transaction (see runtime/coordination-hooks.ts).
 */
export async function postIncidentUpdate(
  ctx: AppContext,
  id: string,
  input: PostUpdateInput,
): Promise<{ event: IncidentEvent | null; plan: UpdatePlanView | null }> {
  requireRole(ctx, 'responder', 'posting an update');
  const data = parseInput(postUpdateInputSchema, input);
  const incidentId = parseIncidentId(id);
  const updateInput = {
    status: data.status ?? null,
    findings: data.findings,
    actions: data.actions,
    publicText: data.public ?? null,
    eta: data.eta ?? null,
  };
  if (data.dry_run) {
    const before = await getIncident(ctx.store.db, incidentId);
    const now = ctx.now().toISOString();
    const change = decide(before, updateInput, ctx.actor.name, now);
    const plan = await planIncidentEffects(ctx.store.db, ctx.config, ctx.policy, {
      incident: change.incident,
      previous: before,
      actor: ctx.actor.name,
      entries: change.entries.map((e, i) => ({ ...e, id: -(i + 1) })),
    });
    const reminder = plan.timers.filter((t) => t.kind === 'reminder').pop();
    return {
      event: null,
      plan: {
        messages: plan.drafts.map((d) => ({
          channel: d.channel,
          target: d.target,
          kind: d.kind,
          summary: d.summary,
          text: describePayload(d.payload),
        })),
        statusPage: plan.statusPosts.map((p) => ({ state: p.state, title: p.title, text: p.text })),
        nextUpdateDueAt: reminder?.dueAt ?? null,
      },
    };
  }
  const event = await mutateIncident(ctx, incidentId, change0(data.status), (inc, now) => decide(inc, updateInput, ctx.actor.name, now));
  return { event, plan: null };
}

const change0 = (status: string | null | undefined) => (status === 'resolved' ? 'resolved' : 'update');

/** A readable text of a stored payload, whichever channel it is for. */
function describePayload(p: unknown): string {
  const o = p as Record<string, unknown>;
  if (typeof o.text === 'string' && typeof o.subject !== 'string') {
    const blocks = o.blocks as { type: string; text?: { text?: string } }[] | undefined;
    const section = blocks?.find((b) => b.type === 'section')?.text?.text;
    return section ?? o.text;
  }
  if (typeof o.subject === 'string') return `${o.subject}\n${String(o.text)}`;
  if (o.payload && typeof o.payload === 'object') return String((o.payload as { summary?: string }).summary ?? '');
  if (Array.isArray(o.attachments))
    return (o.attachments[0] as { content: { body: { text?: string }[] } }).content.body
      .map((b) => b.text)
      .filter(Boolean)
      .join('\n');
  return JSON.stringify(p);
}
