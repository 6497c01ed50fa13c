import type { Actor, AppContext } from '../app/context.js';
import type { WarroomConfig } from '../config/schema.js';
import type { SeverityPolicy } from '../core/severity.js';
import type { Store } from '../store/db.js';
import { attachCoordinationHooks } from './server-coordination.js';

/** What the server is built from; tests pass their own store and config. */
export interface ServerDeps {
  store: Store;
  config: WarroomConfig;
  policy: SeverityPolicy;
  now: () => Date;
  /** A context with no actor, for authentication itself. */
  base: Pick<AppContext, 'store' | 'now'>;
  /** Builds the per-request use-case context for an actor. */
  contextFor(actor: Actor): AppContext;
  /** In-transaction and after-commit hooks shared by every request (outbox, SSE). */
  hooks: Pick<AppContext, 'onIncidentChange' | 'afterCommit' | 'afterEntry'>;
}

/** The server's composition: one context per request, all sharing the store, the config and the coordination hooks. */
export function createDeps(o: { store: Store; config: WarroomConfig; policy: SeverityPolicy; now?: () => Date }): ServerDeps {
  const now = o.now ?? (() => new Date());
  const deps: ServerDeps = {
    store: o.store,
    config: o.config,
    policy: o.policy,
    now,
    base: { store: o.store, now },
    hooks: {},
    contextFor: (actor) => ({ actor, now, store: o.store, config: o.config, policy: o.policy, ...deps.hooks }),
  };
  // Outbox messages, timers and status posts commit with every incident change (docs/coordination.md).
  attachCoordinationHooks(deps);
  return deps;
}
