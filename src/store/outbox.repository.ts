import { sql, type Selectable } from 'kysely';
import type { ChannelName, OutboxStatus } from '../core/outbox.js';
import type { Db } from './db.js';
import type { OutboxTable } from './schema.js';

/** An outbox row as shown by `warroom outbox --json` and GET /api/v1/outbox. */
export interface OutboxItem {
  id: number;
  key: string;
  channel: ChannelName;
  target: string;
  kind: string;
  incidentId: string | null;
  summary: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

function toOutboxItem(r: Selectable<OutboxTable>): OutboxItem {
  return {
    id: Number(r.id),
    key: r.idem_key,
    channel: r.channel as ChannelName,
    target: r.target,
    kind: r.kind,
    incidentId: r.incident_id,
    summary: r.summary,
    status: r.status as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** A message to enqueue, already redacted and shaped for its channel (src/notify/outbox.ts builds it). */
export interface NewOutboxMessage {
  key: string;
  /** Channel + destination: messages of one lane leave in order. */
  lane: string;
  channel: ChannelName;
  target: string;
  kind: string;
  incidentId: string | null;
  summary: string;
  /** The channel's request body, JSON. */
  payload: string;
}

/** What the worker needs of a pending message to deliver it. */
export interface OutboxDelivery {
  id: number;
  key: string;
  lane: string;
  channel: ChannelName;
  target: string;
  payload: string;
  attempts: number;
  nextAttemptAt: string;
}

function toDelivery(r: Selectable<OutboxTable>): OutboxDelivery {
  return {
    id: Number(r.id),
    key: r.idem_key,
    lane: r.lane,
    channel: r.channel as ChannelName,
    target: r.target,
    payload: r.payload,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
  };
}

/**
 * Inserts messages due now; one whose idempotency key exists already is skipped. Returns the
 * ids of the rows actually inserted.
 */
export async function insertOutboxMessages(trx: Db, messages: NewOutboxMessage[], now: string): Promise<number[]> {
  const rows = messages.map((m) => ({
    idem_key: m.key,
    lane: m.lane,
    channel: m.channel,
    target: m.target,
    kind: m.kind,
    incident_id: m.incidentId,
    summary: m.summary,
    payload: m.payload,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    claimed_by: null,
    claimed_until: null,
    created_at: now,
    sent_at: null,
    updated_at: now,
  }));
  const ids: number[] = [];
  // Chunks keep SQLite under its bound-parameter limit.
  for (let i = 0; i < rows.length; i += 50) {
    const r = await trx
      .insertInto('outbox')
      .values(rows.slice(i, i + 50))
      .onConflict((oc) => oc.column('idem_key').doNothing())
      .returning('id')
      .execute();
    ids.push(...r.map((x) => Number(x.id)));
  }
  return ids;
}

export interface OutboxFilter {
  status?: OutboxStatus | 'all';
  incidentId?: string;
  channel?: string;
  limit?: number;
}

export async function listOutbox(db: Db, f: OutboxFilter = {}): Promise<OutboxItem[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (f.status && f.status !== 'all') q = q.where('status', '=', f.status);
  if (f.incidentId) q = q.where('incident_id', '=', f.incidentId);
  if (f.channel) q = q.where('channel', '=', f.channel);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit ?? 100)
    .execute();
  return rows.map(toOutboxItem);
}

/** The messages whose idempotency key starts with `prefix` (one logical message fanned out to its channels), oldest first. */
export async function listOutboxByKeyPrefix(db: Db, prefix: string): Promise<OutboxItem[]> {
  const rows = await db.selectFrom('outbox').selectAll().where('idem_key', 'like', `${prefix}%`).orderBy('id').execute();
  return rows.map(toOutboxItem);
}

export async function countOutbox(db: Db): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, dead: 0 };
  for (const r of rows) out[r.status as OutboxStatus] = Number(r.n);
  return out;
}

export async function getOutboxItems(db: Db, ids: number[]): Promise<OutboxItem[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
  return rows.map(toOutboxItem);
}

export async function findOutboxItem(db: Db, id: number): Promise<OutboxItem | undefined> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toOutboxItem(row) : undefined;
}

/** Ids of messages enqueued at or after `since` and never attempted yet. */
export async function listUnattemptedIds(db: Db, since: string): Promise<number[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('created_at', '>=', since)
    .where('attempts', '=', 0)
    .execute();
  return rows.map((r) => Number(r.id));
}

/** The PagerDuty targets an incident was paged on (for its acknowledge and resolve follow-ups). */
export async function listPagedTargets(db: Db, incidentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox')
    .select('target')
    .distinct()
    .where('incident_id', '=', incidentId)
    .where('channel', '=', 'pagerduty')
    .execute();
  return rows.map((r) => r.target);
}

/** A message not yet sent becomes due now with a fresh attempt budget (a sent one is left alone). */
export async function resetOutboxItem(db: Db, id: number, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_by: null, claimed_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '!=', 'sent')
    .execute();
}

/**
 * Heads of lanes that are due: the oldest pending row of each lane (channel + destination),
 * and only if nobody holds it. A later message never overtakes an earlier one in its lane.
 */
export async function findDueHeads(db: Db, now: string, limit: number): Promise<OutboxDelivery[]> {
  const rows = await db
    .selectFrom('outbox as o')
    .selectAll('o')
    .where('o.status', '=', 'pending')
    .where('o.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<', now)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox as p')
            .select(sql`1`.as('one'))
            .whereRef('p.lane', '=', 'o.lane')
            .where('p.status', '=', 'pending')
            .whereRef('p.id', '<', 'o.id'),
        ),
      ),
    )
    .orderBy('o.id')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/** The oldest pending message of a lane, due or not. */
export async function findLaneHead(db: Db, lane: string): Promise<OutboxDelivery | undefined> {
  const row = await db
    .selectFrom('outbox')
    .selectAll()
    .where('lane', '=', lane)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? toDelivery(row) : undefined;
}

/** Atomic conditional claim: exactly one worker (of any instance) wins a row until the lease ends. */
export async function claimRow(db: Db, id: number, worker: string, now: string, leaseUntil: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ claimed_by: worker, claimed_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markSent(db: Db, id: number, worker: string, now: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: 'sent',
      sent_at: now,
      attempts: sql`attempts + 1`,
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .execute();
}

/** Records a failed attempt (error already redacted; kept to 1,000 characters): due again at nextAttemptAt, or dead. */
export async function markFailed(
  db: Db,
  id: number,
  worker: string,
  now: string,
  o: { error: string; dead: boolean; nextAttemptAt: string },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set({
      status: o.dead ? 'dead' : 'pending',
      attempts: sql`attempts + 1`,
      last_error: o.error.slice(0, 1000),
      next_attempt_at: o.nextAttemptAt,
      claimed_by: null,
      claimed_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('claimed_by', '=', worker)
    .execute();
}
