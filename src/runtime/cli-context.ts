import type { AppContext } from '../app/context.js';
import type { WarroomConfig } from '../config/schema.js';
import type { SeverityPolicy } from '../core/severity.js';
import { openStore, type Store } from '../store/db.js';
import { attachCliCoordination, type CliCoordination } from './cli-delivery.js';

/** The CLI's local store and the delivery of what its commands enqueue. */
export interface LocalStore {
  store: Store;
  coordination: CliCoordination;
}

/**
 * Opens the local store (embedded SQLite, or PostgreSQL with DATABASE_URL) for a CLI command.
 * Messages and timers of local changes go through the outbox and are delivered before exit.
 * (Loaded on use by src/cli/runtime.ts: health and diagnose never open the store.)
 */
export async function openLocalStore(o: {
  config: WarroomConfig;
  policy: SeverityPolicy;
  env: NodeJS.ProcessEnv;
  cwd: string;
  err: (t: string) => void;
}): Promise<LocalStore> {
  const store = await openStore({
    databaseUrl: o.env.DATABASE_URL ?? o.config.database?.url,
    dataDir: o.env.WARROOM_DATA ?? o.config.database?.data_dir ?? `${o.cwd}/.warroom`,
  });
  return { store, coordination: attachCliCoordination({ config: o.config, policy: o.policy, store, err: o.err }) };
}

/** A CLI command's context: the person at the terminal owns the local store, so they act as admin. */
export function localContext(local: LocalStore, o: { config: WarroomConfig; policy: SeverityPolicy; actorName: string }): AppContext {
  return {
    actor: { name: o.actorName, role: 'admin', via: 'cli' },
    now: () => new Date(),
    store: local.store,
    config: o.config,
    policy: o.policy,
    ...local.coordination.hooks,
  };
}
