import type { AppContext } from '../app/context.js';
import type { TimerFiring } from '../app/run-timers.js';
import type { WarroomConfig } from '../config/schema.js';
import type { SeverityPolicy } from '../core/severity.js';
import { OutboxWorker } from '../notify/outbox-worker.js';
import { closeMailer } from '../notify/senders.js';
import type { Store } from '../store/db.js';
import { createCoordinationHooks } from './coordination-hooks.js';
import { TimerWorker } from './timer-worker.js';

/** What coordination needs of a server's deps (src/server/deps.ts ServerDeps has all of it). */
export interface CoordinatedDeps {
  store: Store;
  config: WarroomConfig;
  policy: SeverityPolicy;
  now: () => Date;
  hooks: Pick<AppContext, 'onIncidentChange' | 'afterCommit' | 'afterEntry'>;
}

export interface ServerCoordination {
  hooks: CoordinatedDeps['hooks'];
  /** Starts the timer and outbox workers (warroom serve only; the in-process test server does not). */
  start(
    log?: { warn(o: object, msg: string): void; info(o: object, msg: string): void },
    o?: { onFire?: (f: TimerFiring[]) => void },
  ): void;
  stop(): Promise<void>;
  /** Wakes the outbox worker (after a commit that enqueued). */
  wake(): void;
  outbox: OutboxWorker | null;
}

const registry = new WeakMap<CoordinatedDeps, ServerCoordination>();
let servedHere = false;

/** True once this process has run the timer and outbox workers (warroom serve): the CLI's exit-time delivery then stands aside. */
export function isServingCoordination(): boolean {
  return servedHere;
}

/** The coordination runtime of one server: its hooks are shared by every request context. */
export function coordinationFor(deps: CoordinatedDeps): ServerCoordination {
  const existing = registry.get(deps);
  if (existing) return existing;
  let outbox: OutboxWorker | null = null;
  let timers: TimerWorker | null = null;
  const c: ServerCoordination = {
    hooks: {},
    outbox: null,
    wake: () => outbox?.wake(),
    start(log, o = {}) {
      if (outbox) return;
      outbox = new OutboxWorker({
        store: deps.store,
        config: deps.config,
        now: deps.now,
        onError: (e) => log?.warn({ err: e }, 'outbox delivery pass failed; retrying'),
      });
      c.outbox = outbox;
      timers = new TimerWorker({
        store: deps.store,
        config: deps.config,
        policy: deps.policy,
        now: deps.now,
        onEnqueued: () => outbox?.wake(),
        onFire: (f) => {
          o.onFire?.(f);
          log?.info({ timers: f.length, kinds: [...new Set(f.map((x) => x.outcome))] }, 'timers fired');
        },
        onError: (e) => log?.warn({ err: e }, 'timer pass failed; retrying'),
      });
      outbox.start();
      timers.start();
      servedHere = true;
    },
    async stop() {
      await timers?.stop();
      await outbox?.stop();
      timers = null;
      outbox = null;
      c.outbox = null;
      closeMailer();
    },
  };
  const hooks = createCoordinationHooks({ config: deps.config, policy: deps.policy, wake: () => c.wake() });
  c.hooks = { onIncidentChange: hooks.onIncidentChange, afterCommit: hooks.afterCommit };
  registry.set(deps, c);
  return c;
}

/**
 * Chains the coordination hooks after whatever hooks deps already has (SSE fan-out and
 * others), so areas can add theirs without replacing each other's.
 */
export function attachCoordinationHooks(deps: CoordinatedDeps): void {
  const c = coordinationFor(deps);
  const prev = { ...deps.hooks };
  deps.hooks.onIncidentChange = async (trx, ev) => {
    await prev.onIncidentChange?.(trx, ev);
    await c.hooks.onIncidentChange!(trx, ev);
  };
  deps.hooks.afterCommit = (ev) => {
    prev.afterCommit?.(ev);
    c.hooks.afterCommit!(ev);
  };
}
