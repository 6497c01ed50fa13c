import type { AppContext } from '../app/context.js';
import { findStaleTimers } from '../app/run-timers.js';
import type { WarroomConfig } from '../config/schema.js';
import { redactText } from '../core/redact.js';
import type { SeverityPolicy } from '../core/severity.js';
import type { Store } from '../store/db.js';
import { listUnattemptedIds } from '../store/outbox.repository.js';
import { OutboxWorker } from '../notify/outbox-worker.js';
import type { OutboxItem } from '../notify/outbox.js';
import { coordinationSettings } from '../notify/settings.js';
import { createCoordinationHooks } from './coordination-hooks.js';

/** What a CLI command delivered before exiting (the `delivery` object of --json outputs). */
export interface DeliveryReport {
  sent: OutboxItem[];
  /** Still pending: failed once and scheduled for retry, or not reached before the wait ended. */
  queued: OutboxItem[];
  dead: OutboxItem[];
}

export interface CliCoordination {
  hooks: Pick<AppContext, 'onIncidentChange' | 'afterCommit'>;
  /** Delivers what this process enqueued, waiting at most coordination.cli_wait. */
  deliverNow(all?: boolean): Promise<DeliveryReport>;
  /** At exit: deliver what is left, print a report to stderr, warn about timers nobody runs. */
  finish(): Promise<void>;
}

/**
 * Teams that use only the CLI on the embedded store still get their messages: the command
 * that caused them delivers them before it exits (bounded), then says what is still queued.
 */
export function attachCliCoordination(o: {
  config: WarroomConfig;
  policy: SeverityPolicy;
  store: Store;
  err: (t: string) => void;
  now?: () => Date;
}): CliCoordination {
  const hooks = createCoordinationHooks({ config: o.config, policy: o.policy });
  // Messages other use cases enqueue directly (enqueueNotification: post-mortem summaries,
  // review reminders) are delivered too: everything this process enqueued since it started.
  const startedAt = new Date(Date.now() - 1000).toISOString();
  const deliverNow = async (all = false): Promise<DeliveryReport> => {
    const ids = hooks.takeEnqueued();
    if (all) {
      for (const id of await listUnattemptedIds(o.store.db, startedAt)) if (!ids.includes(id)) ids.push(id);
    }
    if (!ids.length) return { sent: [], queued: [], dead: [] };
    const worker = new OutboxWorker({ store: o.store, config: o.config });
    const items = await worker.drain(ids, coordinationSettings(o.config).cliWaitMs);
    return {
      sent: items.filter((i) => i.status === 'sent'),
      queued: items.filter((i) => i.status === 'pending'),
      dead: items.filter((i) => i.status === 'dead'),
    };
  };
  return {
    hooks: {
      onIncidentChange: hooks.onIncidentChange,
      afterCommit: hooks.afterCommit,
    },
    deliverNow,
    async finish() {
      // Inside `warroom serve` the server's own workers deliver (and stopping them must not wait on this).
      if ((await import('./server-coordination.js')).isServingCoordination()) return;
      const text = formatDeliveryReport(await deliverNow(true));
      if (text) o.err(text);
      // Any local command notices reminders nobody sends (the team runs no server).
      const stale = await findStaleTimers(o.store.db, (o.now ?? (() => new Date()))());
      if (stale.count)
        o.err(
          `warning: ${stale.count} reminder/escalation timer${stale.count > 1 ? 's are' : ' is'} overdue since ${stale.oldestDueAt} and no "warroom serve" is firing them; start "warroom serve" (it sends due reminders and retries the outbox).`,
        );
    },
  };
}

const where = (i: OutboxItem) => `${i.channel}${i.target === 'webhook' ? '' : ` ${i.target}`}`;

export function formatDeliveryReport(r: DeliveryReport): string {
  const lines: string[] = [];
  if (r.sent.length)
    lines.push(`Delivered ${r.sent.length} message${r.sent.length > 1 ? 's' : ''}: ${[...new Set(r.sent.map(where))].join(', ')}`);
  if (r.queued.length)
    lines.push(
      `Queued ${r.queued.length} (will retry; run "warroom serve" to keep delivering, "warroom outbox" to see them):\n${r.queued.map((i) => `  #${i.id} ${where(i)}: ${i.lastError ?? 'not sent yet'}`).join('\n')}`,
    );
  if (r.dead.length)
    lines.push(
      `Failed ${r.dead.length} (dead-lettered; fix the channel, then "warroom outbox retry ID"):\n${r.dead.map((i) => `  #${i.id} ${where(i)}: ${i.lastError ?? ''}`).join('\n')}`,
    );
  return redactText(lines.join('\n'));
}

/** Stale timers, for commands that want to tell the user even when they changed nothing. */
export async function staleTimerWarning(ctx: AppContext): Promise<string | null> {
  const stale = await findStaleTimers(ctx.store.db, ctx.now());
  return stale.count
    ? `${stale.count} reminder/escalation timer${stale.count > 1 ? 's are' : ' is'} overdue since ${stale.oldestDueAt} and no "warroom serve" is firing them`
    : null;
}
