import type { Selectable } from 'kysely';
import type { Db, Dialect } from './db.js';
import type { TimersTable } from './schema.js';

/** A reminder or escalation timer: at most one per (kind, incident), keyed `<kind>:<incident>`. */
export interface Timer {
  id: number;
  key: string;
  incidentId: string;
  kind: string;
  dueAt: string;
  /** Reminders sent (or escalation levels reached) since the timer was last set. */
  count: number;
}

function toTimer(r: Selectable<TimersTable>): Timer {
  return { id: Number(r.id), key: r.key, incidentId: r.incident_id, kind: r.kind, dueAt: r.due_at, count: Number(r.count) };
}

/**
 * Timers due at `now`, soonest first. With lock 'postgres' the rows are locked FOR UPDATE SKIP
 * LOCKED, so a second instance takes other rows instead of waiting (SQLite's BEGIN IMMEDIATE
 * serialises writers anyway).
 */
export async function findDueTimers(trx: Db, now: string, o: { limit: number; lock?: Dialect }): Promise<Timer[]> {
  let q = trx.selectFrom('timers').selectAll().where('due_at', '<=', now).orderBy('due_at').limit(o.limit);
  if (o.lock === 'postgres') q = q.forUpdate().skipLocked();
  return (await q.execute()).map(toTimer);
}

/** Sets (or replaces) the timer of that key. */
export async function upsertTimer(trx: Db, t: Omit<Timer, 'id'>, now: string): Promise<void> {
  await trx
    .insertInto('timers')
    .values({ key: t.key, incident_id: t.incidentId, kind: t.kind, due_at: t.dueAt, count: t.count, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ due_at: t.dueAt, count: t.count, updated_at: now }))
    .execute();
}

export async function deleteTimer(trx: Db, id: number): Promise<void> {
  await trx.deleteFrom('timers').where('id', '=', id).execute();
}

export async function deleteTimerByKey(trx: Db, key: string): Promise<void> {
  await trx.deleteFrom('timers').where('key', '=', key).execute();
}

/** Moves timers to one new due time and count: one UPDATE per 500. */
export async function moveTimers(trx: Db, ids: number[], dueAt: string, count: number, now: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await trx
      .updateTable('timers')
      .set({ due_at: dueAt, count, updated_at: now })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}

/** How many timers were due before `before` (ISO time), and the oldest due time among them. */
export async function countTimersDueBefore(db: Db, before: string): Promise<{ count: number; oldestDueAt: string | null }> {
  const r = await db
    .selectFrom('timers')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('due_at').as('oldest')])
    .where('due_at', '<', before)
    .executeTakeFirst();
  return { count: Number(r?.n ?? 0), oldestDueAt: (r?.oldest as string | null) ?? null };
}
