import { z } from 'zod';
import { checkText, NOTE_KINDS, parseIncidentId, type TimelineEntry } from '../core/incident.js';
import { notFound, validation } from '../core/errors.js';
import { appendEntries, findEntry, findIncident } from '../store/incident.repository.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';

export const addEntryInputSchema = z.object({
  text: z.string().max(10_000, 'must be at most 10000 characters'),
  kind: z.enum(NOTE_KINDS).default('note'),
  /** Id of an earlier entry this one corrects; the original stays on the timeline. */
  corrects: z.number().int().positive().nullish(),
  /** When it happened, if earlier than now (ISO 8601). */
  at: z.iso.datetime({ offset: true }).nullish(),
}).strict();
export type AddEntryInput = z.input<typeof addEntryInputSchema>;

/**
 * Appends one entry: a single INSERT on the hot path. The timeline is append-only; a
 * correction is a new entry pointing at the old one.
 */
export async function addTimelineEntry(ctx: AppContext, id: string, input: AddEntryInput, extra: { data?: Record<string, unknown> } = {}): Promise<TimelineEntry> {
  requireRole(ctx, 'responder', 'adding to the timeline');
  const data = parseInput(addEntryInputSchema, input);
  const incidentId = parseIncidentId(id);
  const text = checkText(data.text, 'text');
  const now = ctx.now().toISOString();
  const at = data.at ? new Date(data.at).toISOString() : now;
  if (data.at && Date.parse(at) > Date.parse(now) + 60_000) throw validation('at: must not be in the future', 'at');
  const event = await ctx.store.writeTx(async (trx) => {
    if (data.corrects && !(await findEntry(trx, incidentId, data.corrects))) throw notFound(`entry ${data.corrects} not found on ${incidentId}`);
    let entries: TimelineEntry[];
    try {
      entries = await appendEntries(trx, incidentId, [{ at, author: ctx.actor.name, kind: data.kind, text, corrects: data.corrects ?? null, data: extra.data ?? (ctx.actor.via === 'agent' ? { via: 'agent' } : null) }]);
    } catch (e) {
      if (isForeignKeyError(e)) throw notFound(`incident ${incidentId} not found (see "warroom list --all")`);
      throw e;
    }
    const ev = { type: 'entry' as const, incident: null as never, previous: null, entries, actor: ctx.actor };
    if (ctx.onIncidentChange) {
      const inc = await findIncident(trx, incidentId);
      await ctx.onIncidentChange(trx, { ...ev, incident: inc! });
    }
    return ev;
  });
  if (ctx.afterCommit) {
    const inc = await findIncident(ctx.store.db, incidentId);
    if (inc) ctx.afterCommit({ ...event, incident: inc });
  }
  return event.entries[0];
}

function isForeignKeyError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '23503' || err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || /FOREIGN KEY constraint failed/i.test(err.message ?? '');
}
