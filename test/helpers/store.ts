import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.js';
import type { AppContext, Actor } from '../../src/app/context.js';
import { buildSeverityPolicy } from '../../src/core/severity.js';
import type { WarroomConfig } from '../../src/config/schema.js';

/** The machine's PostgreSQL (trust auth). Tests fail loudly when it is not running. */
export const PG_ADMIN_URL = process.env.WARROOM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

export interface TempStore {
  store: Store;
  /** For PostgreSQL: the URL of the private database; for SQLite: the data dir. */
  url: string;
  dataDir?: string;
  cleanup(): Promise<void>;
}

/** A private PostgreSQL database for one test file; dropped by dropPgDatabase. */
export async function createPgDatabase(prefix = 'wr_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect().catch((e) => {
    throw new Error(
      `PostgreSQL is not answering at ${PG_ADMIN_URL} (${e.message}). Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  });
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

export async function createTempStore(dialect: TestDialect): Promise<TempStore> {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'warroom-test-'));
    const store = await openStore({ dataDir });
    return {
      store,
      url: dataDir,
      dataDir,
      async cleanup() {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const db = await createPgDatabase();
  const store = await openStore({ databaseUrl: db.url });
  return {
    store,
    url: db.url,
    async cleanup() {
      await store.close();
      await db.drop();
    },
  };
}

export const adminActor: Actor = { name: 'tester', role: 'admin', via: 'cli' };

/** A use-case context over a store, with a controllable clock. */
export function testContext(store: Store, opts: { actor?: Actor; config?: WarroomConfig; now?: () => Date } = {}): AppContext {
  const config = opts.config ?? {};
  return { actor: opts.actor ?? adminActor, now: opts.now ?? (() => new Date()), store, config, policy: buildSeverityPolicy() };
}
