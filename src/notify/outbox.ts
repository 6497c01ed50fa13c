import { sql, type Kysely, type Selectable } from 'kysely';
import type { WarroomConfig } from '../config/schema.js';
import { conflict, notFound, validation } from '../core/errors.js';
import type { Incident } from '../core/incident.js';
import { redactText } from '../core/redact.js';
import type { Severity } from '../core/severity.js';
import type { Database, OutboxTable } from '../store/schema.js';
import type { ChannelName, NotifyMessage } from './message.js';
import { planRouteDrafts, type OutboxDraft, type Route } from './routing.js';

type Db = Kysely<Database>;

export const OUTBOX_STATUSES = ['pending', 'sent', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

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

export function toOutboxItem(r: Selectable<OutboxTable>): OutboxItem {
  return {
    id: Number(r.id), key: r.idem_key, channel: r.channel as ChannelName, target: r.target, kind: r.kind, incidentId: r.incident_id,
    summary: r.summary, status: r.status as OutboxStatus, attempts: Number(r.attempts),
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at,
  };
}

/**
 * Inserts drafts; a draft whose idempotency key exists already is skipped (so a retried
 * command, a replayed webhook or a second server instance cannot enqueue a message twice).
 * Returns the ids of the rows actually inserted.
 */
export async function enqueueDrafts(trx: Db, drafts: OutboxDraft[], now: string): Promise<number[]> {
  if (!drafts.length) return [];
  const rows = drafts.map((d) => ({
    idem_key: d.key, lane: `${d.channel}:${d.target}`, channel: d.channel, target: d.target, kind: d.kind, incident_id: d.incidentId,
    // Everything stored is redacted: a pasted token in a finding must not sit in the outbox.
    summary: redactText(d.summary).slice(0, 500), payload: redactText(JSON.stringify(d.payload)),
    status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, claimed_by: null, claimed_until: null,
    created_at: now, sent_at: null, updated_at: now,
  }));
  const ids: number[] = [];
  // Chunks keep SQLite under its bound-parameter limit.
  for (let i = 0; i < rows.length; i += 50) {
    const r = await trx.insertInto('outbox').values(rows.slice(i, i + 50)).onConflict((oc) => oc.column('idem_key').doNothing()).returning('id').execute();
    ids.push(...r.map((x) => Number(x.id)));
  }
  return ids;
}

/** What other areas pass to enqueueNotification (documented at the top of docs/coordination.md). */
export interface NotificationInput {
  route: Route;
  /** A label shown in `warroom outbox`, e.g. postmortem_published. */
  kind: string;
  /** Idempotency key of the logical message; each channel appends its own suffix. */
  key: string;
  title: string;
  text: string;
  incident?: Incident | null;
  severity?: Severity | null;
  /** Overrides the Slack channel (with a bot token), e.g. config.postmortem.channel. */
  slackChannel?: string | null;
  facts?: [string, string][];
  /** ISO time (ctx.now().toISOString()). */
  now: string;
}

/**
 * Sends a message to a routed channel through the durable outbox. Call it inside the write
 * transaction of the change it reports, so the message exists if and only if the change does.
 */
export async function enqueueNotification(trx: Db, config: WarroomConfig, n: NotificationInput): Promise<{ ids: number[] }> {
  if (!n.key.trim()) throw validation('key: an idempotency key is required', 'key');
  const base = config.server?.public_url?.replace(/\/+$/, '');
  const m: NotifyMessage = {
    kind: n.kind, title: redactText(n.title), text: redactText(n.text), severity: n.severity ?? n.incident?.severity ?? null,
    incidentId: n.incident?.id ?? null, url: n.incident && base ? `${base}/incidents/${n.incident.id}` : null,
    facts: n.facts ?? [], mentions: [], at: n.now,
  };
  return { ids: await enqueueDrafts(trx, planRouteDrafts(config, n.route, m, n.key, { slackChannel: n.slackChannel }), n.now) };
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
  const rows = await q.orderBy('id', 'desc').limit(f.limit ?? 100).execute();
  return rows.map(toOutboxItem);
}

export async function countOutbox(db: Db): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const out: Record<OutboxStatus, number> = { pending: 0, sent: 0, dead: 0 };
  for (const r of rows) out[r.status as OutboxStatus] = Number(r.n);
  return out;
}

export async function getOutboxItems(db: Db, ids: number[]): Promise<OutboxItem[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
  return rows.map(toOutboxItem);
}

/**
 * Manual retry: a dead (or pending) message becomes due now with a fresh attempt budget. A
 * sent message is not sent again (that would be a duplicate).
 */
export async function retryOutboxItem(db: Db, id: number, now: string): Promise<OutboxItem> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`outbox message ${id} not found (see "warroom outbox --status all")`);
  if (row.status === 'sent') throw conflict(`outbox message ${id} was delivered at ${row.sent_at}; it is not sent twice`);
  await db.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_by: null, claimed_until: null, updated_at: now })
    .where('id', '=', id).where('status', '!=', 'sent').execute();
  const after = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toOutboxItem(after);
}

/**
 * Heads of lanes that are due: the oldest pending row of each lane (channel + destination),
 * and only if nobody holds it. A later message never overtakes an earlier one in its lane.
 */
export async function findDueHeads(db: Db, now: string, limit: number): Promise<Selectable<OutboxTable>[]> {
  return db.selectFrom('outbox as o').selectAll('o')
    .where('o.status', '=', 'pending')
    .where('o.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<', now)]))
    .where(({ not, exists, selectFrom }) => not(exists(
      selectFrom('outbox as p').select(sql`1`.as('one')).whereRef('p.lane', '=', 'o.lane').where('p.status', '=', 'pending').whereRef('p.id', '<', 'o.id'),
    )))
    .orderBy('o.id').limit(limit).execute();
}

/** Atomic conditional claim: exactly one worker (of any instance) wins a row until the lease ends. */
export async function claimRow(db: Db, id: number, worker: string, now: string, leaseUntil: string): Promise<boolean> {
  const r = await db.updateTable('outbox').set({ claimed_by: worker, claimed_until: leaseUntil })
    .where('id', '=', id).where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markSent(db: Db, id: number, worker: string, now: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'sent', sent_at: now, attempts: sql`attempts + 1`, claimed_by: null, claimed_until: null, last_error: null, updated_at: now })
    .where('id', '=', id).where('claimed_by', '=', worker).execute();
}

export async function markFailed(db: Db, id: number, worker: string, now: string, o: { error: string; dead: boolean; nextAttemptAt: string }): Promise<void> {
  await db.updateTable('outbox').set({
    status: o.dead ? 'dead' : 'pending', attempts: sql`attempts + 1`, last_error: redactText(o.error).slice(0, 1000),
    next_attempt_at: o.nextAttemptAt, claimed_by: null, claimed_until: null, updated_at: now,
  }).where('id', '=', id).where('claimed_by', '=', worker).execute();
}

/**
 * Exponential backoff with "equal jitter", computed per attempt and stored in the row:
 * half the capped exponential delay is fixed, half is random, so retries from many messages
 * spread out instead of hammering a recovering receiver at the same instant.
 */
export function computeBackoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
