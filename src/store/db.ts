import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { WarroomError } from '../core/errors.js';
import { buildMigrations } from './migrations.js';
import type { Database } from './schema.js';
import type { Database as SqliteNative, Statement as SqliteStatement } from 'better-sqlite3';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages ("./.warroom/warroom.db" or the redacted URL). */
  location: string;
  /**
   * Runs fn in a write transaction. SQLite uses BEGIN IMMEDIATE so two processes sharing the
   * file serialise instead of dead-locking on a read→write upgrade; PostgreSQL uses a normal
   * transaction and the repositories take row locks with forUpdate().
   */
  writeTx<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
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
  const store = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : await openSqlite(opts.dataDir ?? process.env.WARROOM_DATA ?? '.warroom');
  try {
    await migrate(store);
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  return store;
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  return {
    db, dialect: 'sqlite', location: file,
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
    async close() { await db.destroy(); },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Store> {
  const { default: pg } = await import('pg');
  // bigint columns (ids, counters) fit in a JS number for our purposes.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  pool.on('error', () => { /* an idle client died; the pool replaces it */ });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    throw new WarroomError('UNAVAILABLE', `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  return {
    db, dialect: 'postgres', location: redactUrl(url),
    writeTx: (fn) => db.transaction().execute((trx: Transaction<Database>) => fn(trx)),
    async close() { await db.destroy(); },
  };
}

async function migrate(store: Store): Promise<void> {
  const migrations = buildMigrations(store.dialect);
  // Fast path for every CLI call after the first: all migrations recorded, nothing to do. The
  // Migrator's own check introspects the whole schema, which costs more than the command.
  try {
    const done = await store.db.selectFrom('warroom_migrations' as never).select('name' as never).execute();
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
    throw new WarroomError('UNAVAILABLE', `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
}

/**
 * Kysely's SQLite driver prepares every query afresh; preparing dominates a single-row insert.
 * Statements are cached by SQL text (bounded). Reuse is safe: the driver runs one query at a
 * time on its single connection.
 */
function withStatementCache(native: SqliteNative, max = 500) {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => native.close(),
    prepare(sqlText: string) {
      let stmt = cache.get(sqlText);
      if (!stmt) {
        stmt = native.prepare(sqlText);
        if (SINGLE_ROW_INSERT_RETURNING.test(sqlText)) stmt = readOneRow(stmt);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
  };
}

/** insert … values (one row) returning …: at most one row comes back. */
const SINGLE_ROW_INSERT_RETURNING = /^insert into [^()]+\([^()]*\) values \([^()]*\) returning /i;

/**
 * Kysely reads RETURNING rows with all(), which for an INSERT costs 2.5× a get() in
 * better-sqlite3 (measured: 100 µs vs 40 µs per timeline append). A single-row insert returns
 * at most one row, so all() is answered with get().
 */
function readOneRow(stmt: SqliteStatement): SqliteStatement {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === 'all') {
        return (...params: unknown[]) => {
          const row = target.get(...params);
          return row === undefined ? [] : [row];
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
