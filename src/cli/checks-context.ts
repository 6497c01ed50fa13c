import type { AppContext } from '../app/context.js';
import type { Store } from '../store/db.js';
import type { Runtime } from './runtime.js';

/**
 * A context for commands that only probe the outside world (health, diagnose): config and
 * actor, no store. Opening the local store (and migrating it on first use) would cost the
 * engineer time and create a .warroom directory wherever they happen to stand.
 */
export function checksContext(rt: Runtime): AppContext {
  const { config, policy } = rt.config();
  const store = new Proxy(
    {},
    {
      get() {
        throw new Error('this command does not use the store');
      },
    },
  ) as Store;
  return { actor: { name: rt.actorName(), role: 'admin', via: 'cli' }, now: () => new Date(), store, config, policy };
}
