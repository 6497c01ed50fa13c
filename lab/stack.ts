/**
 * The lab's own stack on loopback: a PostgreSQL cluster (initdb into a temp dir, run as the
 * postgres OS user), a redis-server, and the example FastAPI app under Debian's python3. Nothing
 * here touches the machine's shared PostgreSQL (5432) or Redis (6379). Every process is a child
 * of this one and is killed, and every temp dir removed, on close() and on process exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';

/** The checkout: found by walking up, since the bench runs this code bundled into bench/out/. */
function findRepo(from: string): string {
  for (let d = from; ; d = resolve(d, '..')) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'examples/fastapi-app/app.py'))) return d;
    if (resolve(d, '..') === d) throw new Error(`triage lab: no warroom checkout above ${from}`);
  }
}
export const REPO = findRepo(import.meta.dirname);
export const APP_DIR = join(REPO, 'examples/fastapi-app');
/** The second example app: sync SQLAlchemy 1.4 + psycopg2 (QueuePool), redis-py, uvicorn's text access log. */
export const SQLA_APP_DIR = join(REPO, 'examples/fastapi-sqlalchemy');
export const PG_BIN = '/usr/lib/postgresql/15/bin';
/** Debian's python3 has fastapi, uvicorn, asyncpg, redis, sqlalchemy and psycopg2; the python3 first on PATH may not. */
export const PYTHON = '/usr/bin/python3';
export const FAULT_TOKEN = 'lab-fault-token';
/** The sqlalchemy app's admin token (its fault switch takes it as a bearer token). */
export const ADMIN_TOKEN = 'lab-admin-token';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Missing tools fail the lab loudly: a lab that silently skips proves nothing. */
export function requireTools(): void {
  const missing: string[] = [];
  for (const f of [`${PG_BIN}/initdb`, `${PG_BIN}/postgres`, PYTHON]) if (!existsSync(f)) missing.push(f);
  if (spawnSync('redis-server', ['--version']).status !== 0) missing.push('redis-server (on PATH)');
  const py = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, asyncpg, redis, sqlalchemy, psycopg2'], { encoding: 'utf8' });
  if (py.status !== 0)
    missing.push(`python modules fastapi uvicorn asyncpg redis sqlalchemy psycopg2 for ${PYTHON}: ${py.stderr.trim().split('\n').at(-1)}`);
  if (!existsSync(join(REPO, 'dist'))) missing.push('dist/ (run "npm run build": the lab runs the built CLI bin/warroom.js)');
  if (missing.length) throw new Error(`triage lab cannot run, missing: ${missing.join('; ')}`);
}

export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Resolves when a TCP connect to the port succeeds ('open'), is refused ('refused') or hangs past timeoutMs. */
export function probePort(port: number, timeoutMs = 1000): Promise<'open' | 'refused' | 'timeout' | 'error'> {
  return new Promise((r) => {
    const s = connect({ host: '127.0.0.1', port });
    const t = setTimeout(() => {
      s.destroy();
      r('timeout');
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      r('open');
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      r(e.code === 'ECONNREFUSED' ? 'refused' : 'error');
    });
  });
}

function osUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`triage lab: no "${name}" OS user to run PostgreSQL as`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((r) => {
    const t = setTimeout(() => r(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      r(true);
    });
  });
}

function run(argv: string[], opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): void {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', uid: opts.uid, gid: opts.gid, env: opts.env, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

/** Every live lab process and dir, for the exit handler: a failed test must not leave them behind. */
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
const mounts = new Set<string>();
function reapAll(): void {
  for (const c of live) {
    try {
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  mounts.clear();
  for (const d of dirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  dirs.clear();
}
let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', reapAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(sig, () => {
      reapAll();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[sig]);
    });
}
export function track(c: ChildProcess): ChildProcess {
  live.add(c);
  c.once('exit', () => live.delete(c));
  return c;
}
export function trackDir(d: string): string {
  dirs.add(d);
  return d;
}
export function trackMount(m: string): void {
  mounts.add(m);
}
export function untrackMount(m: string): void {
  mounts.delete(m);
}

export const DB_NAME = 'shop';
/** The app's role and the hog's role are not superusers: max_connections binds them, while warroom (postgres) keeps the reserved slots. */
export const APP_ROLE = 'shop';
export const HOG_ROLE = 'etl';

export class Postgres {
  readonly data: string;
  port = 0;
  child: ChildProcess | null = null;
  private readonly ids = osUser('postgres');
  constructor(
    readonly dir: string,
    readonly maxConnections: number,
  ) {
    this.data = join(dir, 'pgdata');
  }

  url(user = 'postgres', db = DB_NAME): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${db}`;
  }

  async init(): Promise<void> {
    mkdirSync(this.data, { recursive: true, mode: 0o700 });
    chownSync(this.data, this.ids.uid, this.ids.gid);
    run([`${PG_BIN}/initdb`, '-D', this.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...this.ids,
      env: { PATH: process.env.PATH, LC_ALL: 'C' },
    });
    this.port = await freePort();
    await this.start();
    const admin = new pg.Client({ connectionString: this.url('postgres', 'postgres') });
    await admin.connect();
    try {
      // One statement per call: CREATE DATABASE cannot share the implicit transaction of a multi-statement query.
      for (const q of [`create role ${APP_ROLE} login`, `create role ${HOG_ROLE} login`, `create database ${DB_NAME} owner ${APP_ROLE}`])
        await admin.query(q);
    } finally {
      await admin.end();
    }
    const c = new pg.Client({ connectionString: this.url(APP_ROLE) });
    await c.connect();
    try {
      await c.query(`
        create table products (id serial primary key, name text not null, price numeric(10,2) not null, stock int not null);
        create table orders (id serial primary key, product_id int not null references products(id), qty int not null, total numeric(12,2) not null,
                             user_name text not null, created_at timestamptz not null default now());
        insert into products (name, price, stock) select 'product ' || g, (g * 3.5)::numeric(10,2), 1000000 from generate_series(1, 40) g;
        insert into orders (product_id, qty, total, user_name) select 1 + (g % 40), 1, 9.99, 'seed-' || g from generate_series(1, 200) g;
        grant select, update on products to ${HOG_ROLE}; grant select on orders to ${HOG_ROLE};
        -- The sqlalchemy app's tables (it would create them itself; seeded here so every scenario starts alike).
        create table accounts (id serial primary key, name varchar not null, balance numeric(12,2) not null default 0,
                               invoice_count int not null default 0);
        create table invoices (id serial primary key, account_id int not null references accounts(id), amount numeric(12,2) not null,
                               status varchar not null default 'open', created_at timestamptz not null default now());
        insert into accounts (name, balance) select 'account ' || g, 0 from generate_series(1, 20) g;
        insert into invoices (account_id, amount) select 1 + (g % 20), (g * 1.25)::numeric(12,2) from generate_series(1, 120) g;
        grant select, update on accounts to ${HOG_ROLE}; grant select on invoices to ${HOG_ROLE};`);
    } finally {
      await c.end();
    }
  }

  async start(): Promise<void> {
    const child = spawn(
      `${PG_BIN}/postgres`,
      [
        '-D',
        this.data,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.data}`,
        '-c',
        `max_connections=${this.maxConnections}`,
        '-c',
        'superuser_reserved_connections=3',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'shared_buffers=16MB',
        '-c',
        'log_min_messages=warning',
        '-c',
        'log_min_error_statement=panic',
      ],
      { ...this.ids, env: { PATH: process.env.PATH, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    track(child);
    let err = '';
    child.stderr!.on('data', (d) => {
      if (err.length < 20_000) err += d;
    });
    this.child = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited ${child.exitCode}: ${err}`);
      const c = new pg.Client({ connectionString: this.url('postgres', 'postgres'), connectionTimeoutMillis: 1000 });
      try {
        await c.connect();
        await c.end();
        return;
      } catch {
        await c.end().catch(() => {});
      }
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${err}`);
      await sleep(100);
    }
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Fast shutdown (SIGINT): what "pg_ctl stop -m fast" does; immediate (SIGQUIT) if it hangs. */
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    c.kill('SIGINT');
    if (!(await waitExit(c, 10_000))) {
      c.kill('SIGQUIT');
      await waitExit(c, 5000);
    }
  }

  /** Runs SQL as the superuser on the app database (lab bookkeeping, never through the app). */
  async admin<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 3000, application_name: 'lab-admin' });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }
}

export const REDIS_MAXMEMORY = 8 * 1024 * 1024;
export const REDIS_MAXCLIENTS = 200;

export class RedisServer {
  port = 0;
  child: ChildProcess | null = null;
  constructor(readonly dir: string) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--maxmemory',
        String(REDIS_MAXMEMORY),
        '--maxmemory-policy',
        'noeviction',
        '--maxclients',
        String(REDIS_MAXCLIENTS),
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    let out = '';
    child.stdout!.on('data', (d) => {
      if (out.length < 20_000) out += d;
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}: ${out}`);
      if ((await probePort(this.port, 500)) === 'open') {
        const r = this.client();
        try {
          if ((await r.ping()) === 'PONG') return;
        } catch {
          /* loading */
        } finally {
          r.disconnect();
        }
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not start: ${out}`);
      await sleep(50);
    }
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  client(name = 'lab-admin'): Redis {
    return new Redis({
      host: '127.0.0.1',
      port: this.port,
      connectionName: name,
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: true,
      connectTimeout: 2000,
    });
  }

  async kill(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    c.kill('SIGKILL');
    await waitExit(c, 5000);
  }

  /** Back to the lab's settings with no data, between scenarios. */
  async reset(): Promise<void> {
    if (!this.running) await this.start();
    const r = this.client();
    try {
      await r.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await r.flushall();
      await r.config('SET', 'maxmemory', String(REDIS_MAXMEMORY));
      await r.config('SET', 'maxmemory-policy', 'noeviction');
      await r.config('SET', 'maxclients', String(REDIS_MAXCLIENTS));
      await r.config('RESETSTAT');
      await r.slowlog('RESET');
    } finally {
      r.disconnect();
    }
  }
}

export interface AppOptions {
  /**
   * Which example app: 'asyncpg' (examples/fastapi-app: asyncpg pool, JSON logs, /health/ready) or
   * 'sqlalchemy' (examples/fastapi-sqlalchemy: SQLAlchemy QueuePool on psycopg2, uvicorn's text
   * access log plus timed Python logging, /readyz with flat keys). Default 'asyncpg'.
   */
  flavor?: 'asyncpg' | 'sqlalchemy';
  version?: string;
  poolMax?: number;
  appName?: string;
  readyDbKey?: string;
  readyCacheKey?: string;
  readyShape?: 'string' | 'object' | 'flat';
  cartPrefix?: string;
  faults?: string[];
  acquireTimeoutS?: number;
  /** sqlalchemy: QueuePool max_overflow (poolMax is pool_size) and pool_timeout. */
  maxOverflow?: number;
  poolTimeoutS?: number;
  /** sqlalchemy: the session store's and the invoice cache's key prefixes. */
  sessionPrefix?: string;
  invoiceCachePrefix?: string;
  /** Keep the port (a restart or redeploy of the same service). */
  port?: number;
}

export class App {
  child: ChildProcess | null = null;
  out = '';
  constructor(
    readonly port: number,
    readonly logFile: string,
    readonly opts: Required<Omit<AppOptions, 'port'>>,
  ) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid(): number {
    return this.child?.pid ?? -1;
  }
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }
  /** The readiness path warroom's config probes, and the liveness path the lab waits on at start. */
  get readyPath(): string {
    return this.opts.flavor === 'sqlalchemy' ? '/readyz' : '/health/ready';
  }
  get livePath(): string {
    return this.opts.flavor === 'sqlalchemy' ? '/livez' : '/health/live';
  }

  async start(stack: Stack): Promise<void> {
    const child = this.opts.flavor === 'sqlalchemy' ? this.spawnSqlalchemy(stack) : this.spawnAsyncpg(stack);
    track(child);
    this.child = child;
    this.out = '';
    const keep = (d: Buffer) => {
      this.out = (this.out + d).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const deadline = Date.now() + 30_000;
    // The sqlalchemy app writes everything to its log file once it runs: a failed start is told there.
    const why = () => (this.opts.flavor === 'sqlalchemy' ? `${this.out}${readFileSync(this.logFile, 'utf8').slice(-4000)}` : this.out);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`uvicorn exited ${child.exitCode}: ${why()}`);
      try {
        if ((await fetch(`${this.url}${this.livePath}`, { signal: AbortSignal.timeout(1000) })).ok) return;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) throw new Error(`uvicorn did not start: ${why()}`);
      await sleep(100);
    }
  }

  /**
   * examples/fastapi-sqlalchemy as a default uvicorn deployment runs it: access log on, level info,
   * the process's stdout/stderr appended to the log file (the app redirects them to LOG_FILE).
   */
  private spawnSqlalchemy(stack: Stack): ChildProcess {
    const o = this.opts;
    return spawn(PYTHON, ['-m', 'uvicorn', 'app:app', '--app-dir', SQLA_APP_DIR, '--host', '127.0.0.1', '--port', String(this.port)], {
      env: {
        PATH: process.env.PATH,
        LC_ALL: 'C.UTF-8',
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        // SQLAlchemy 1.4 no longer takes the "postgres://" alias.
        DATABASE_URL: stack.pg.url(APP_ROLE).replace(/^postgres:/, 'postgresql+psycopg2:'),
        REDIS_URL: stack.redis.url,
        APP_NAME: o.appName,
        APP_VERSION: o.version,
        POOL_SIZE: String(o.poolMax),
        MAX_OVERFLOW: String(o.maxOverflow),
        POOL_TIMEOUT_S: String(o.poolTimeoutS),
        READY_DB_KEY: o.readyDbKey,
        READY_CACHE_KEY: o.readyCacheKey,
        SESSION_PREFIX: o.sessionPrefix,
        INVOICE_CACHE_PREFIX: o.invoiceCachePrefix,
        LOG_FILE: this.logFile,
        FAULTS: o.faults.join(','),
        ADMIN_TOKEN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private spawnAsyncpg(stack: Stack): ChildProcess {
    const o = this.opts;
    return spawn(
      PYTHON,
      [
        '-m',
        'uvicorn',
        'app:app',
        '--app-dir',
        APP_DIR,
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--no-access-log',
        '--log-level',
        'warning',
      ],
      {
        env: {
          PATH: process.env.PATH,
          LC_ALL: 'C.UTF-8',
          PYTHONUNBUFFERED: '1',
          PYTHONDONTWRITEBYTECODE: '1',
          DATABASE_URL: stack.pg.url(APP_ROLE),
          REDIS_URL: stack.redis.url,
          CHECK_TIMEOUT_S: '1.0',
          ACQUIRE_TIMEOUT_S: String(o.acquireTimeoutS),
          REQUEST_ACQUIRE_TIMEOUT_S: '2.5',
          POOL_MAX: String(o.poolMax),
          APP_VERSION: o.version,
          APP_NAME: o.appName,
          LOG_FILE: this.logFile,
          READY_DB_KEY: o.readyDbKey,
          READY_CACHE_KEY: o.readyCacheKey,
          READY_SHAPE: o.readyShape,
          CART_PREFIX: o.cartPrefix,
          FAULTS: o.faults.join(','),
          FAULT_TOKEN,
          EXPORT_S: '1.3',
          SLOW_SEARCH_S: '1.6',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    if (!(await waitExit(c, 3000))) {
      c.kill('SIGKILL');
      await waitExit(c, 3000);
    }
  }

  async kill(): Promise<void> {
    const c = this.child;
    if (!c || !this.running) return;
    c.kill('SIGKILL');
    await waitExit(c, 5000);
  }

  async fault(name: string, enabled: boolean): Promise<void> {
    const sqla = this.opts.flavor === 'sqlalchemy';
    const r = await fetch(sqla ? `${this.url}/internal/faults/${name}?on=${enabled}` : `${this.url}/__fault/${name}?enabled=${enabled}`, {
      method: 'POST',
      headers: sqla ? { authorization: `Bearer ${ADMIN_TOKEN}` } : { 'x-fault-token': FAULT_TOKEN },
      signal: AbortSignal.timeout(3000),
    });
    if (!r.ok) throw new Error(`fault switch ${name}=${enabled}: HTTP ${r.status} ${await r.text()}`);
  }
}

/**
 * The whole lab stack. One per lab run: scenarios reuse PostgreSQL and Redis (reset between
 * them) and get a fresh app each. A loopback control endpoint lets the configured restart and
 * rollback commands (lab/bin/lab-ctl.mjs) restart the current app, so those actions are real.
 */
export class Stack {
  readonly dir: string;
  readonly pg: Postgres;
  readonly redis: RedisServer;
  app: App | null = null;
  ctlUrl = '';
  private ctl: Server | null = null;
  private appSeq = 0;

  constructor(readonly maxConnections = 30) {
    installExitHandlers();
    this.dir = trackDir(mkdtempSync(join(tmpdir(), 'warroom-lab-')));
    // The postgres user must reach its data dir inside ours.
    chmodSync(this.dir, 0o711);
    this.pg = new Postgres(this.dir, maxConnections);
    this.redis = new RedisServer(join(this.dir, 'redis'));
  }

  static async start(maxConnections = 30): Promise<Stack> {
    requireTools();
    const s = new Stack(maxConnections);
    try {
      await Promise.all([s.pg.init(), s.redis.start()]);
      await s.startControl();
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  private async startControl(): Promise<void> {
    this.ctl = createHttpServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const done = (code: number, text: string) => {
        res.statusCode = code;
        res.end(`${text}\n`);
      };
      if (req.method !== 'POST' || !this.app) return done(404, 'no app');
      const version = u.searchParams.get('version');
      const opts: AppOptions = { ...this.app.opts, port: this.app.port };
      // A rollback runs the old version: the faults the bad version shipped with go with it.
      if (u.pathname === '/rollback' && version) {
        opts.version = version;
        opts.faults = [];
      } else if (u.pathname !== '/restart') return done(404, 'unknown');
      this.restartApp(opts).then(
        () => done(200, 'ok'),
        (e: Error) => done(500, e.message),
      );
    });
    await new Promise<void>((r) => this.ctl!.listen(0, '127.0.0.1', () => r()));
    this.ctlUrl = `http://127.0.0.1:${(this.ctl.address() as { port: number }).port}`;
  }

  /** A fresh app (new port, new log file unless given) for a scenario. */
  async startApp(opts: AppOptions = {}, logFile?: string): Promise<App> {
    if (this.app) await this.app.stop();
    const port = opts.port ?? (await freePort());
    const file = logFile ?? join(this.dir, `app-${++this.appSeq}.log`);
    writeFileSync(file, '', { flag: 'a' });
    const sqla = opts.flavor === 'sqlalchemy';
    const app = new App(port, file, {
      flavor: opts.flavor ?? 'asyncpg',
      version: opts.version ?? 'v1',
      poolMax: opts.poolMax ?? (sqla ? 3 : 6),
      appName: opts.appName ?? (sqla ? 'billing-api' : 'shop-api'),
      readyDbKey: opts.readyDbKey ?? (sqla ? 'postgres' : 'database'),
      readyCacheKey: opts.readyCacheKey ?? (sqla ? 'cache' : 'redis'),
      readyShape: opts.readyShape ?? 'string',
      cartPrefix: opts.cartPrefix ?? 'cart:',
      faults: opts.faults ?? [],
      acquireTimeoutS: opts.acquireTimeoutS ?? 1.0,
      maxOverflow: opts.maxOverflow ?? 2,
      poolTimeoutS: opts.poolTimeoutS ?? 1.5,
      sessionPrefix: opts.sessionPrefix ?? 'sess:',
      invoiceCachePrefix: opts.invoiceCachePrefix ?? 'inv:',
    });
    this.app = app;
    await app.start(this);
    return app;
  }

  /** The same service again (same port and log file), e.g. a deploy of a new version. */
  async restartApp(opts: AppOptions): Promise<App> {
    const old = this.app;
    if (!old) throw new Error('no app to restart');
    await old.stop();
    return this.startApp({ ...old.opts, ...opts, port: old.port }, old.logFile);
  }

  /** Heals everything a scenario may have broken, so the next one starts clean. */
  async reset(): Promise<void> {
    if (this.app) {
      await this.app.stop();
      this.app = null;
    }
    if (!this.pg.running) await this.pg.start();
    await this.pg.admin(
      `select pg_terminate_backend(pid) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    await this.redis.reset();
  }

  async close(): Promise<void> {
    await this.app?.stop().catch(() => {});
    await this.redis.kill().catch(() => {});
    await this.pg.stop().catch(() => {});
    this.ctl?.closeAllConnections();
    await new Promise<void>((r) => (this.ctl ? this.ctl.close(() => r()) : r()));
    rmSync(this.dir, { recursive: true, force: true });
    dirs.delete(this.dir);
  }
}
