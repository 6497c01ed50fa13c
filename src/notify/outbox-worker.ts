import { randomUUID } from 'node:crypto';
import type { WarroomConfig } from '../config/schema.js';
import { redactText } from '../core/redact.js';
import type { Store } from '../store/db.js';
import {
  claimRow,
  findDueHeads,
  findLaneHead,
  getOutboxItems,
  markFailed,
  markSent,
  type OutboxDelivery,
  type OutboxItem,
} from '../store/outbox.repository.js';
import { computeBackoffMs } from './outbox.js';
import { sendOne, type SendRequest, type SendResult } from './senders.js';
import { coordinationSettings } from './settings.js';

export interface OutboxWorkerOptions {
  store: Store;
  config: WarroomConfig;
  now?: () => Date;
  /** Lanes delivered at the same time (default 8: below the PostgreSQL pool of 10, so timers and requests still get connections). */
  concurrency?: number;
  /** Poll interval when nothing woke the worker (default 500 ms). */
  pollMs?: number;
  /** Replaces the real senders (used by nothing in production; kept for the bench's local receivers). */
  send?: (req: SendRequest) => Promise<SendResult>;
  onError?: (e: unknown) => void;
}

/**
 * Delivers the outbox: lane heads only (in order per channel + destination), each claimed
 * with an atomic conditional UPDATE so any number of instances can run this side by side.
 * A failure schedules the next attempt (backoff + jitter) in the row; after max_attempts the
 * message is dead-lettered and its lane moves on.
 */
export class OutboxWorker {
  readonly id = `outbox-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private loop: Promise<void> | null = null;
  private readonly now: () => Date;
  private readonly settings;

  constructor(private readonly o: OutboxWorkerOptions) {
    this.now = o.now ?? (() => new Date());
    this.settings = coordinationSettings(o.config);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Called after a commit that enqueued messages: deliver now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  private readonly inflight = new Set<Promise<void>>();

  private async run(): Promise<void> {
    while (this.running) {
      let started = 0;
      try {
        started = await this.startDue(false);
      } catch (e) {
        this.o.onError?.(e);
      }
      if (started > 0 || !this.running) continue;
      if (this.woken) {
        this.woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.o.pollMs ?? 500);
        this.wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakeUp = null;
      this.woken = false;
    }
    await Promise.all(this.inflight);
  }

  /**
   * Claims due lane heads up to the free concurrency and starts delivering them. The loop does
   * not wait for a slow lane (an SMTP server, a receiver timing out): a page on another lane
   * leaves as soon as it is committed. Each finished delivery wakes the loop for its lane's next message.
   */
  private async startDue(wait: boolean): Promise<number> {
    const capacity = (this.o.concurrency ?? 8) - this.inflight.size;
    if (capacity <= 0) return 0;
    const db = this.o.store.db;
    const heads = await findDueHeads(db, this.now().toISOString(), capacity);
    const started: Promise<void>[] = [];
    for (const row of heads) {
      const claimedAt = this.now();
      const leaseUntil = new Date(claimedAt.getTime() + this.settings.sendTimeoutMs + 15_000).toISOString();
      if (!(await claimRow(db, row.id, this.id, claimedAt.toISOString(), leaseUntil))) continue;
      const p: Promise<void> = this.deliverLane(row)
        .catch((e) => this.o.onError?.(e))
        .finally(() => {
          this.inflight.delete(p);
          this.wake();
        });
      this.inflight.add(p);
      started.push(p);
    }
    if (wait) await Promise.all(started);
    return started.length;
  }

  /** One pass, waiting for what it started (the CLI drain and tests). Returns how many were attempted. */
  async deliverBatch(): Promise<number> {
    return this.startDue(true);
  }

  /**
   * Delivers a claimed head, then keeps going down its lane while the next message is due:
   * one query per message instead of a new lane-head search, which matters when a burst of
   * reminders goes to one webhook.
   */
  private async deliverLane(first: OutboxDelivery): Promise<void> {
    const db = this.o.store.db;
    let row: OutboxDelivery | undefined = first;
    while (row) {
      const advanced = await this.deliverRow(row);
      if (!advanced || this.stopping) return;
      const now = this.now();
      const nowIso = now.toISOString();
      const next = await findLaneHead(db, row.lane);
      if (!next || next.nextAttemptAt > nowIso) return;
      const leaseUntil = new Date(now.getTime() + this.settings.sendTimeoutMs + 15_000).toISOString();
      row = (await claimRow(db, next.id, this.id, nowIso, leaseUntil)) ? next : undefined;
    }
  }

  /** Sends one claimed row and records the outcome; true when the lane may move on (sent or dead). */
  private async deliverRow(row: OutboxDelivery): Promise<boolean> {
    const db = this.o.store.db;
    const id = row.id;
    let r: SendResult;
    const req: SendRequest = { channel: row.channel, target: row.target, payload: row.payload, key: row.key };
    try {
      r = this.o.send ? await this.o.send(req) : await sendOne(this.o.config, req, { timeoutMs: this.settings.sendTimeoutMs });
    } catch (e) {
      r = { ok: false, permanent: false, error: `sender crashed: ${(e as Error).message}` };
    }
    const done = this.now();
    if (r.ok) {
      await markSent(db, id, this.id, done.toISOString());
      return true;
    }
    const attempts = row.attempts + 1;
    const dead = r.permanent || attempts >= this.settings.maxAttempts;
    const delay = Math.max(r.retryAfterMs ?? 0, computeBackoffMs(attempts, this.settings.retryBaseMs, this.settings.retryMaxMs));
    await markFailed(db, id, this.id, done.toISOString(), {
      error: redactText(
        `${r.error}${dead ? (r.permanent ? ' (not retried: the request itself was refused)' : ` (gave up after ${attempts} attempts)`) : ''}`,
      ),
      dead,
      nextAttemptAt: new Date(done.getTime() + delay).toISOString(),
    });
    return dead;
  }

  /**
   * For the CLI without a server: deliver until the given messages are sent or dead, or the
   * deadline passes. Returns their final state.
   */
  async drain(ids: number[], timeoutMs: number): Promise<OutboxItem[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = await getOutboxItems(this.o.store.db, ids);
      const open = items.filter((i) => i.status === 'pending');
      if (!open.length || Date.now() >= deadline) return items;
      const n = await this.deliverBatch();
      if (n === 0) {
        const nextDue = Math.min(...open.map((i) => Date.parse(i.nextAttemptAt ?? '') || Date.now()));
        const wait = Math.max(20, Math.min(nextDue - Date.now(), deadline - Date.now(), 1000));
        if (nextDue - Date.now() > deadline - Date.now()) return getOutboxItems(this.o.store.db, ids);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
