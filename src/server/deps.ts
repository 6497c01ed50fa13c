import type { Actor, AppContext } from '../app/context.js';
import type { WarroomConfig } from '../config/schema.js';
import type { SeverityPolicy } from '../core/severity.js';
import type { Store } from '../store/db.js';

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
