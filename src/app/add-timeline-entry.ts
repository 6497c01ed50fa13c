import { z } from 'zod';
import { checkText, NOTE_KINDS, parseIncidentId, type TimelineEntry } from '../core/incident.js';
import { notFound, validation } from '../core/errors.js';
import { appendEntries, appendEntry, findEntry } from '../store/incident.repository.js';
import { parseInput, requireRole, type AppContext } from './context.js';

export const addEntryInputSchema = z
  .object({
    text: z.string().max(10_000, 'must be at most 10000 characters'),
    kind: z.enum(NOTE_KINDS).default('note'),
    /** Id of an earlier entry this one corrects; the original stays on the timeline. */
    corrects: z.number().int().positive().nullish(),
    /** When it happened, if earlier than now (ISO 8601). */
    at: z.iso.datetime({ offset: true }).nullish(),
  })
  .strict();
export type AddEntryInput = z.input<typeof addEntryInputSchema>;

/**
 * Appends one entry: a single INSERT on the hot path. The timeline is append-only; a
 * correction is a new entry pointing at the old one. Plain entries do not run
 * onIncidentChange (nothing durable is sent for a note); afterEntry sees them.
 */
export async function addTimelineEntry(
  ctx: AppContext,
  id: string,
  input: AddEntryInput,
  extra: { data?: Record<string, unknown> } = {},
): Promise<TimelineEntry> {
  requireRole(ctx, 'responder', 'adding to the timeline');
  const data = parseInput(addEntryInputSchema, input);
  const incidentId = parseIncidentId(id);
  const text = checkText(data.text, 'text');
  const now = ctx.now().toISOString();
  const at = data.at ? new Date(data.at).toISOString() : now;
  if (data.at && Date.parse(at) > Date.parse(now) + 60_000) throw validation('at: must not be in the future', 'at');
  const row = {
    at,
    author: ctx.actor.name,
    kind: data.kind,
    text,
    corrects: data.corrects ?? null,
    data: extra.data ?? (ctx.actor.via === 'agent' ? { via: 'agent' } : null),
  };
  // A missing incident shows as a foreign-key failure of the INSERT.
  const orNotFound = (e: unknown) => {
    if (isForeignKeyError(e)) throw notFound(`incident ${incidentId} not found (see "warroom list --all")`);
    throw e;
  };
  let entries: TimelineEntry[];
  if (data.corrects) {
    const corrects = data.corrects;
    entries = await ctx.store.writeTx(async (trx) => {
      if (!(await findEntry(trx, incidentId, corrects))) throw notFound(`entry ${corrects} not found on ${incidentId}`);
      return appendEntries(trx, incidentId, [row]).catch(orNotFound);
    });
  } else {
    // Hot path: one INSERT, atomic on its own; the foreign key proves the incident exists.
    entries = [await appendEntry(ctx.store, incidentId, row).catch(orNotFound)];
  }
  ctx.afterEntry?.(entries[0]);
  return entries[0];
}

function isForeignKeyError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '23503' || err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || /FOREIGN KEY constraint failed/i.test(err.message ?? '');
}
