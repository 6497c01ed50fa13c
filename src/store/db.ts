import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type QueryResult, type Transaction } from 'kysely';
import { WarroomError } from '../core/errors.js';
import { buildMigrations } from './migrations.js';
import type { Dialect } from './dialect.js';
import type { Database } from './schema.js';
import type { Database as SqliteNative, Statement as SqliteStatement } from 'better-sqlite3';

// Dialect has its own file so that the migrations, which db.ts runs, need not import db.ts back.
export type { Dialect } from './dialect.js';

/**
 * The database handle, or a write transaction (Store.writeTx passes one of the same type), that
 * repositories take first. Code outside src/store imports this alias, never kysely itself.
 */
export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, for messages ("./.warroom/warroom.db" or the redacted URL). */
  location: string;
  /**
   * Runs fn in a write transaction. SQLite uses BEGIN IMMEDIATE so two processes sharing the
   * file serialise instead of dead-locking on a read→write upgrade; PostgreSQL uses a normal
   * transaction and the repositories take row locks with forUpdate().
   */
  writeTx<T>(fn: (trx: Db) => Promise<T>): Promise<T>;
  /**
   * SQLite only: runs one statement at once, synchronously, when no transaction is open on the
   * connection (it then commits on its own, as it would through db), skipping Kysely's
   * connection queue and its promise hops (better-sqlite3 is synchronous anyway). Returns
   * undefined when a transaction is open; the caller then goes through db, which waits for it.
   * Absent on PostgreSQL.
   */
  executeNow?<R>(sqlText: string, parameters: readonly unknown[]): QueryResult<R> | undefined;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL connection URL; when absent the embedded SQLite store is used. */
  databaseUrl?: string;
  /** Folder of the embedded store (default ./.warroom or $WARROOM_DATA). */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const store = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, opts.poolSize ?? 10)
    : await openSqlite(opts.dataDir ?? process.env.WARROOM_DATA ?? '.warroom');
  try {
    await migrate(store);
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  return store;
}

/** The readiness probe: the database answers a trivial query (throws when it does not). */
export async function pingStore(store: Pick<Store, 'db'>): Promise<void> {
  await sql`select 1`.execute(store.db);
}

async function openSqlite(dataDir: string): Promise<Store> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'warroom.db');
  const native = new BetterSqlite3(file);
  native.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (SIGKILL); only a power loss may drop the last commits.
  native.pragma('synchronous = NORMAL');
  native.pragma('busy_timeout = 10000');
  native.pragma('foreign_keys = ON');
  const checkpointer = backgroundCheckpointer(native, file);
  const statements = withStatementCache(native, () => checkpointer.wrote());
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    executeNow<R>(sqlText: string, parameters: readonly unknown[]): QueryResult<R> | undefined {
      // Inside writeTx (BEGIN IMMEDIATE … COMMIT) the statement would join that transaction.
      if (native.inTransaction) return undefined;
      // The same steps as Kysely's SqliteConnection.executeQuery.
      const stmt = statements.prepare(sqlText);
      if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
      const { changes, lastInsertRowid } = stmt.run(parameters);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    },
    async writeTx(fn) {
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (e) {
          await sql`rollback`.execute(conn).catch(() => {});
          throw e;
        }
      });
    },
    async close() {
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Store> {
  const { default: pg } = await import('pg');
  // bigint columns (ids, counters) fit in a JS number for our purposes.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw new WarroomError('UNAVAILABLE', `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return {
    db,
    dialect: 'postgres',
    location: redactUrl(url),
    writeTx: (fn) => db.transaction().execute((trx: Transaction<Database>) => fn(trx)),
    async close() {
      await db.destroy();
    },
  };
}

async function migrate(store: Store): Promise<void> {
  const migrations = buildMigrations(store.dialect);
  // Fast path for every CLI call after the first: all migrations recorded, nothing to do. The
  // Migrator's own check introspects the whole schema, which costs more than the command.
  try {
    const done = await store.db
      .selectFrom('warroom_migrations' as never)
      .select('name' as never)
      .execute();
    const names = new Set(done.map((r) => (r as { name: string }).name));
    if (Object.keys(migrations).every((n) => names.has(n))) return;
  } catch {
    /* a new database: the table does not exist yet */
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'warroom_migrations',
    migrationLockTableName: 'warroom_migrations_lock',
    // Areas add migrations independently; one merged later than a higher-numbered one must still run.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new WarroomError(
      'UNAVAILABLE',
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
}

/**
 * Kysely's SQLite driver prepares every query afresh; preparing dominates a single-row insert.
 * Statements are cached by SQL text (bounded). Reuse is safe: the driver runs one query at a
 * time on its single connection. Every statement runs right after it is prepared here, so
 * onWrite is told of each one that writes.
 */
function withStatementCache(native: SqliteNative, onWrite: () => void, max = 500) {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => native.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (!stmt) {
        stmt = native.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, stmt);
      }
      if (!stmt.readonly) onWrite();
      return stmt;
    },
  };
}

/** Writing statements between two checkpoints (a timeline append writes ~4 WAL pages; SQLite's own default is every 1,000 pages). */
export const CHECKPOINT_EVERY_WRITES = 250;

/**
 * WAL checkpoints off the event loop, for processes that append a lot (the server).
 *
 * SQLite checkpoints from the connection that commits, inside that statement: copying ~1,000
 * pages and two fsyncs, which blocks the event loop (measured here: a timeline append costs
 * ~50 µs of CPU, ~80 µs of wall time once its share of checkpoint waiting is added). After
 * CHECKPOINT_EVERY_WRITES writing statements, a worker thread with its own connection takes
 * over: the main connection stops checkpointing (wal_autocheckpoint = 0) and the worker runs a
 * PASSIVE checkpoint (it never blocks writers) after every CHECKPOINT_EVERY_WRITES more.
 * Durability is unchanged: a commit is in the WAL either way, and closing the store checkpoints.
 * A short-lived CLI never starts the worker; if the worker fails, the main connection
 * checkpoints again as before.
 */
function backgroundCheckpointer(native: SqliteNative, file: string) {
  let worker: Worker | null = null;
  let starting = false;
  let failed = false;
  let busy = false;
  let writes = 0;
  const fallBack = () => {
    failed = true;
    worker = null;
    if (native.open) native.pragma('wal_autocheckpoint = 1000');
  };
  const start = async () => {
    starting = true;
    try {
      const { Worker } = await import('node:worker_threads');
      if (failed || !native.open) return;
      const w = new Worker(CHECKPOINT_WORKER, {
        eval: true,
        workerData: { lib: createRequire(import.meta.url).resolve('better-sqlite3'), file },
      });
      w.unref();
      w.on('message', () => {
        busy = false;
      });
      w.on('error', () => {});
      w.on('exit', () => {
        if (worker === w) fallBack();
      });
      native.pragma('wal_autocheckpoint = 0');
      worker = w;
    } catch {
      fallBack();
    }
  };
  return {
    /** Called for each statement that writes. */
    wrote() {
      if (failed || ++writes < CHECKPOINT_EVERY_WRITES) return;
      writes = 0;
      if (!worker) {
        if (!starting) void start();
        return;
      }
      if (busy) return;
      busy = true;
      worker.postMessage('checkpoint');
    },
    async stop() {
      failed = true;
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}

/** The checkpoint worker (a string, so it needs no file of its own next to the bundled chunks). */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.lib);
const db = new Database(workerData.file, { fileMustExist: true });
parentPort.on('message', () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    /* busy or locked: the next one catches up */
  }
  parentPort.postMessage('done');
});
`;
