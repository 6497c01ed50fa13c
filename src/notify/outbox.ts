import type { WarroomConfig } from '../config/schema.js';
import { conflict, notFound, validation } from '../core/errors.js';
import type { Incident } from '../core/incident.js';
import { redactText } from '../core/redact.js';
import type { Severity } from '../core/severity.js';
import type { Db } from '../store/db.js';
import { findOutboxItem, insertOutboxMessages, resetOutboxItem, type OutboxItem } from '../store/outbox.repository.js';
import type { NotifyMessage } from './message.js';
import { planRouteDrafts, type OutboxDraft, type Route } from './routing.js';

// The outbox's rows live in src/store/outbox.repository.ts; re-exported for the callers that read the outbox from here.
export { countOutbox, getOutboxItems, listOutbox, type OutboxFilter, type OutboxItem } from '../store/outbox.repository.js';

/**
 * Inserts drafts; a draft whose idempotency key exists already is skipped (so a retried
 * command, a replayed webhook or a second server instance cannot enqueue a message twice).
 * Returns the ids of the rows actually inserted.
 */
export async function enqueueDrafts(trx: Db, drafts: OutboxDraft[], now: string): Promise<number[]> {
  if (!drafts.length) return [];
  return insertOutboxMessages(
    trx,
    drafts.map((d) => ({
      key: d.key,
      lane: `${d.channel}:${d.target}`,
      channel: d.channel,
      target: d.target,
      kind: d.kind,
      incidentId: d.incidentId,
      // Everything stored is redacted: a pasted token in a finding must not sit in the outbox.
      summary: redactText(d.summary).slice(0, 500),
      payload: redactText(JSON.stringify(d.payload)),
    })),
    now,
  );
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
    kind: n.kind,
    title: redactText(n.title),
    text: redactText(n.text),
    severity: n.severity ?? n.incident?.severity ?? null,
    incidentId: n.incident?.id ?? null,
    url: n.incident && base ? `${base}/incidents/${n.incident.id}` : null,
    facts: n.facts ?? [],
    mentions: [],
    at: n.now,
  };
  return { ids: await enqueueDrafts(trx, planRouteDrafts(config, n.route, m, n.key, { slackChannel: n.slackChannel }), n.now) };
}

/**
 * Manual retry: a dead (or pending) message becomes due now with a fresh attempt budget. A
 * sent message is not sent again (that would be a duplicate).
 */
export async function retryOutboxItem(db: Db, id: number, now: string): Promise<OutboxItem> {
  const row = await findOutboxItem(db, id);
  if (!row) throw notFound(`outbox message ${id} not found (see "warroom outbox --status all")`);
  if (row.status === 'sent') throw conflict(`outbox message ${id} was delivered at ${row.sentAt}; it is not sent twice`);
  await resetOutboxItem(db, id, now);
  return (await findOutboxItem(db, id))!;
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
