/**
 * Scenarios on the second example app (examples/fastapi-sqlalchemy): sync SQLAlchemy 1.4 on
 * psycopg2 with a QueuePool, redis-py for sessions and an invoice cache, uvicorn's default text
 * access log (no time on those lines) plus timed Python logging for errors and tracebacks, and a
 * readiness payload of its own shape on /readyz. Triage has to read all of that without being told.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { connectionsOf, fmt, lockWaiters, pgClient, waitUntil } from '../faults.js';
import { probePort, REPO } from '../stack.js';
import { mix, times, type Req } from '../traffic.js';
import type { LabContext, Scenario } from '../types.js';

const LAB_CTL = join(REPO, 'lab/bin/lab-ctl.mjs');

/** The billing app's endpoints. */
const BILL = {
  list: [{ method: 'GET', path: '/v1/invoices?limit=10', weight: 2 }],
  read: [
    { method: 'GET', path: '/v1/invoices/3', weight: 2 },
    { method: 'GET', path: '/v1/invoices/17', weight: 1 },
  ],
  create: [{ method: 'POST', path: '/v1/invoices', body: { account_id: 5, amount: '19.90' }, weight: 1 }],
  /** Invoices for account 3: the row the lock scenario holds. */
  createLocked: [{ method: 'POST', path: '/v1/invoices', body: { account_id: 3, amount: '42.00' }, weight: 1 }],
  session: [
    { method: 'GET', path: '/v1/session/tok-8f2a', weight: 2 },
    { method: 'POST', path: '/v1/session/tok-8f2a', body: { user: 'mara' }, weight: 1 },
  ],
} satisfies Record<string, Req[]>;

/**
 * The app's service entry as run.ts writes it (with this app's readiness path, /readyz), its
 * description naming the flavor: returned from extraConfig, it replaces run.ts's entry.
 */
function appService(ctx: LabContext, s: Pick<Scenario, 'id' | 'dependsOn'>): Record<string, unknown> {
  const app = ctx.app;
  return {
    [ctx.names.app]: {
      description: `lab app (${s.id}, fastapi-sqlalchemy)`,
      health: `${app.url}${app.readyPath}`,
      ...(s.dependsOn !== false && { depends_on: [ctx.names.db, ctx.names.cache] }),
      timeout: '2s',
      logs: { file: app.logFile },
      restart: [process.execPath, LAB_CTL, ctx.stack.ctlUrl, 'restart'],
      rollback: [process.execPath, LAB_CTL, ctx.stack.ctlUrl, 'rollback', '{version}'],
    },
  };
}

async function readyz(ctx: LabContext, timeoutMs = 4000): Promise<{ status: number; body: Record<string, unknown> } | { error: string }> {
  try {
    const r = await fetch(`${ctx.app.url}${ctx.app.readyPath}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message };
  }
}

/** Where the log file ends now: lines after this offset were written after this moment. */
const logOffset = (ctx: LabContext) => statSync(ctx.app.logFile).size;
const logText = (ctx: LabContext, from = 0, to?: number) => readFileSync(ctx.app.logFile).subarray(from, to).toString('utf8');

/** uvicorn access lines (`INFO:     127.0.0.1:5555 - "GET /v1/x HTTP/1.1" 200 OK`), probes and switches left out. */
function accessLines(text: string): { method: string; path: string; status: number }[] {
  const out: { method: string; path: string; status: number }[] = [];
  for (const m of text.matchAll(/^INFO: +\S+ - "([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/gm))
    if (!/^\/(readyz|livez|internal\/)/.test(m[2])) out.push({ method: m[1], path: m[2], status: Number(m[3]) });
  return out;
}

/** The app's timed ERROR lines (`2026-… ERROR billing: …`) with the exception their traceback ends with. */
function errorEvents(text: string): { at: number; message: string; exc: string }[] {
  const lines = text.split('\n');
  const out: { at: number; message: string; exc: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) ERROR (\S+): (.*)$/.exec(lines[i]);
    if (!m) continue;
    let exc = '';
    for (let j = i + 1; j < lines.length && !/^(\d{4}-\d\d-\d\d |INFO:|WARNING:|ERROR:)/.test(lines[j]); j++)
      if (/^[\w.]+(Error|Exception|Timeout)\b.*:/.test(lines[j])) exc = lines[j];
    out.push({ at: Date.parse(`${m[1]}T${m[2]}.${m[3]}`), message: m[5], exc });
  }
  return out;
}

const server5xx = (text: string) => accessLines(text).filter((l) => l.status >= 500);

export const sqlaPoolLeak: Scenario = {
  id: 'sqla-queuepool-leak',
  title:
    'billing-api (SQLAlchemy QueuePool 3 + overflow 2, pool_timeout 1.5 s) leaks a Session per GET /v1/invoices (switched on mid-traffic): "QueuePool limit … reached"',
  seedPattern: 'Gradual degradation',
  seedStep: 'PostgreSQL 2: active connections (connection pool exhaustion?)',
  rootCause:
    "The app's own SQLAlchemy pool is exhausted: GET /v1/invoices opens a Session and never closes it, so its 5 connections stay checked out (idle in transaction); PostgreSQL has plenty of room and nothing waits on a lock",
  names: { app: 'billing-api', db: 'billing-db', cache: 'session-store' },
  app: { flavor: 'sqlalchemy', appName: 'billing-api-prod', poolMax: 3, maxOverflow: 2, poolTimeoutS: 1.5 },
  extraConfig: (ctx) => ({ services: appService(ctx, sqlaPoolLeak) }),
  async inject(ctx) {
    await ctx.traffic(mix(BILL.list, BILL.read, BILL.session), { seconds: 1.5, rps: 4 });
    ctx.facts.leakOffset = logOffset(ctx);
    await ctx.app.fault('leak_sessions', true);
    // Invoice pages come from the cache; the list and new invoices need the pool.
    await ctx.traffic(mix(times(BILL.list, 3), BILL.create, BILL.read, BILL.session), { seconds: 4.5, rps: 4 });
  },
  async inEffect(ctx) {
    const r = await readyz(ctx);
    if (!('status' in r) || r.status !== 503) return `readiness is not 503: ${fmt(r)}`;
    const db = JSON.stringify(r.body.postgres);
    if (!/QueuePool limit of size 3 overflow 2 reached/.test(db)) return `readiness does not report the QueuePool timeout: ${db}`;
    const n = await connectionsOf(ctx.stack, 'billing-api-prod');
    ctx.facts.appConnections = n;
    if (n !== 5) return `PostgreSQL sees ${n} connections of billing-api-prod, expected the whole pool (5)`;
    const after = logText(ctx, ctx.facts.leakOffset as number);
    const failed = server5xx(after).length;
    const poolErrors = errorEvents(after).filter((e) => /QueuePool limit/.test(e.exc)).length;
    const before = server5xx(logText(ctx, 0, ctx.facts.leakOffset as number)).length;
    ctx.facts.failures = { failed, poolErrors, before };
    return failed >= 3 && poolErrors >= 3 && before === 0
      ? null
      : `expected no 5xx before the leak and QueuePool failures after it: ${fmt(ctx.facts.failures)}`;
  },
  expect: { rule: 'app-pool-exhausted', service: 'billing-api', action: /warroom run restart --service billing-api\b/ },
  notBlamed: [
    { rule: 'connection-pool-exhausted' },
    { rule: 'postgres-down' },
    { rule: 'lock-contention' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'redis-down' },
  ],
  // The leaked Sessions sit idle in their transactions: true, a symptom of the leak, never first.
  tolerate: [{ rule: 'idle-in-transaction', service: 'billing-db' }],
};

export const sqlaRedisKilled: Scenario = {
  id: 'sqla-redis-killed',
  title: 'Redis killed under the billing app: sessions fail (500), invoice pages fall back to the database; no depends_on',
  seedPattern: 'Partial failures',
  seedStep: 'Redis 1: connectivity (PING)',
  rootCause:
    'redis-server is gone (SIGKILL); the session store fails and /readyz reports "cache" failing only because of it; PostgreSQL is fine',
  names: { app: 'invoicing', db: 'pg-main', cache: 'sessions' },
  dependsOn: false,
  app: { flavor: 'sqlalchemy', appName: 'invoicing', readyDbKey: 'postgres', readyCacheKey: 'cache', sessionPrefix: 'websess:' },
  extraConfig: (ctx) => ({ services: appService(ctx, sqlaRedisKilled) }),
  async inject(ctx) {
    await ctx.traffic(mix(BILL.session, BILL.read, BILL.list), { seconds: 2, rps: 5 });
    await ctx.stack.redis.kill();
    await ctx.traffic(mix(times(BILL.session, 2), BILL.read, BILL.list), { seconds: 2, rps: 5 });
  },
  async inEffect(ctx) {
    const s = await probePort(ctx.stack.redis.port);
    if (s !== 'refused') return `Redis port is ${s}, not refused`;
    const r = await readyz(ctx);
    if (!('status' in r) || r.status !== 503) return `readiness is not 503: ${fmt(r)}`;
    const cache = r.body.cache as { status?: string } | undefined;
    if (cache?.status !== 'fail' || (r.body.postgres as { status?: string })?.status !== 'pass')
      return `readiness does not show cache failing and postgres passing: ${fmt(r.body)}`;
    const failed = server5xx(logText(ctx)).filter((l) => l.path.startsWith('/v1/session/')).length;
    return failed >= 3 ? null : `only ${failed} session calls failed`;
  },
  expect: { rule: 'redis-down', service: 'sessions', action: /warroom (health --service|diagnose redis) sessions\b/ },
  notBlamed: [
    { rule: 'service-unhealthy', service: 'invoicing' },
    { rule: 'dependency-failing', service: 'invoicing' },
    { rule: 'service-not-listening', service: 'invoicing' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'error-rate-high', service: 'invoicing' },
    { rule: 'postgres-down' },
  ],
};

/** month-end-close takes accounts row `id` FOR UPDATE in an open transaction and keeps it. */
async function holdAccountLock(ctx: LabContext, applicationName: string, id: number): Promise<number> {
  const c: pg.Client = await pgClient(ctx.stack, applicationName);
  const pid = Number((await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid);
  await c.query('begin');
  await c.query('select id, balance from accounts where id = $1 for update', [id]);
  ctx.onHeal(async () => {
    await c.query('rollback').catch(() => {});
    await c.end().catch(() => {});
  });
  return pid;
}

export const sqlaLockContention: Scenario = {
  id: 'sqla-lock-contention',
  title:
    'month-end-close holds accounts row 3 FOR UPDATE; POST /v1/invoices for that account blocks in its UPDATE and holds the QueuePool (3 + 2)',
  seedPattern: 'Slow responses',
  seedStep: 'PostgreSQL 4: lock contention',
  rootCause:
    "pid N (application month-end-close, role etl) holds a row lock on accounts id=3 in an open transaction; the app's invoice UPDATEs wait on it, and while they wait they hold the app's pool, so other calls time out on the QueuePool too: the lock is the cause, the pool a symptom",
  names: { app: 'ledger-api', db: 'ledger-db', cache: 'cache' },
  app: { flavor: 'sqlalchemy', appName: 'ledger-api', poolMax: 3, maxOverflow: 2, readyDbKey: 'db' },
  extraConfig: (ctx) => ({ services: appService(ctx, sqlaLockContention) }),
  async inject(ctx) {
    await ctx.traffic(mix(BILL.list, BILL.read, BILL.create), { seconds: 1.5, rps: 4 });
    ctx.facts.pid = await holdAccountLock(ctx, 'month-end-close', 3);
    // More invoices for account 3 than the pool has connections: the waiters take the whole pool (5), later calls time out on it.
    await ctx.traffic(mix(times(BILL.createLocked, 6), BILL.list, BILL.read), { seconds: 3.5, rps: 4, timeoutMs: 2000 });
    await waitUntil(
      `a lock wait of ${ctx.thresholds.lock_wait_s + 0.5} s`,
      async () => ((await lockWaiters(ctx.stack))[0]?.wait_s ?? 0) >= ctx.thresholds.lock_wait_s + 0.5,
      (ctx.thresholds.lock_wait_s + 4) * 1000,
    );
  },
  async inEffect(ctx) {
    const w = await lockWaiters(ctx.stack);
    ctx.facts.waiters = w.length;
    if (!w.length) return 'no session waits for a lock in pg_locks';
    if (w[0].wait_s < ctx.thresholds.lock_wait_s) return `the longest lock wait is ${w[0].wait_s.toFixed(1)} s`;
    if (!w.every((x) => x.application_name === 'ledger-api')) return `other sessions wait too: ${fmt(w)}`;
    // The trap: the app's pool is dry too (every connection waits on the lock), and readiness says QueuePool.
    const r = await readyz(ctx);
    if (!('status' in r) || r.status !== 503 || !/QueuePool limit/.test(JSON.stringify(r.body)))
      return `readiness does not show the pool held by the waiters: ${fmt(r)}`;
    return null;
  },
  expect: {
    rule: 'lock-contention',
    service: 'ledger-db',
    action: (f) => new RegExp(`warroom run kill-query --service ledger-db --pid ${String(f.pid)}\\b`),
  },
  notBlamed: [
    { rule: 'app-pool-exhausted' },
    { rule: 'connection-pool-exhausted' },
    { rule: 'postgres-down' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'service-unhealthy', service: 'ledger-api' },
  ],
  tolerate: [
    { rule: 'idle-in-transaction', service: 'ledger-db' },
    { rule: 'long-running-query', service: 'ledger-db' },
  ],
};

export const sqlaBadDeploy: Scenario = {
  id: 'sqla-bad-deploy',
  title: 'v2 of invoice-svc raises AttributeError on POST /v1/invoices (reads payload["customer"]); v1 was clean; text logs',
  seedPattern: 'Error spike after deploy',
  seedStep: 'FastAPI 1/2/4: application logs, error rate, errors per endpoint',
  rootCause:
    "Bug in v2: create_invoice takes the account from payload['customer']['id'], which clients do not send (AttributeError on None); roll back to v1",
  names: { app: 'invoice-svc', db: 'db', cache: 'redis' },
  app: { flavor: 'sqlalchemy', version: 'v1', appName: 'invoice-svc', poolMax: 4, maxOverflow: 4 },
  extraConfig: (ctx) => ({ services: appService(ctx, sqlaBadDeploy) }),
  async inject(ctx) {
    await ctx.deploy('v1', '3 hours ago');
    await ctx.traffic(mix(times(BILL.create, 3), BILL.list, BILL.session), { seconds: 2.5, rps: 4 });
    await ctx.deploy('v2');
    ctx.facts.deployOffset = logOffset(ctx);
    await ctx.redeploy({ version: 'v2', faults: ['bug_on_invoices'] });
    await ctx.traffic(mix(times(BILL.create, 3), BILL.list, BILL.session), { seconds: 3, rps: 4 });
  },
  async inEffect(ctx) {
    const r = await readyz(ctx);
    if (!('status' in r) || r.body.version !== 'v2') return `app is not serving v2: ${fmt(r)}`;
    const at = ctx.facts.deployOffset as number;
    const before = server5xx(logText(ctx, 0, at)).length + errorEvents(logText(ctx, 0, at)).length;
    const after = errorEvents(logText(ctx, at)).filter((e) => e.exc.startsWith('AttributeError')).length;
    const failedPosts = server5xx(logText(ctx, at)).filter((l) => l.method === 'POST' && l.path === '/v1/invoices').length;
    ctx.facts.errors = { before, after, failedPosts };
    return before === 0 && after >= 3 && failedPosts === after
      ? null
      : `expected no errors before the deploy and AttributeErrors (with 500s) after it: ${fmt(ctx.facts.errors)}`;
  },
  expect: { rule: 'error-spike-after-deploy', service: 'invoice-svc', action: /warroom run rollback --service invoice-svc --to v1\b/ },
  notBlamed: [{ rule: 'service-not-listening' }, { rule: 'postgres-down' }, { rule: 'redis-down' }, { rule: 'dependency-failing' }],
};

export const sqlaHealthy: Scenario = {
  id: 'sqla-healthy',
  title: 'The billing app (SQLAlchemy, text logs, /readyz) healthy under normal traffic',
  rootCause: 'Nothing is broken',
  names: { app: 'accounts-api', db: 'primary', cache: 'redis-cache' },
  app: { flavor: 'sqlalchemy', appName: 'accounts-api', readyDbKey: 'database', readyCacheKey: 'redis', invoiceCachePrefix: 'invc:' },
  extraConfig: (ctx) => ({ services: appService(ctx, sqlaHealthy) }),
  async inject(ctx) {
    await ctx.traffic(mix(BILL.list, BILL.read, BILL.create, BILL.session), { seconds: 3, rps: 5 });
  },
  async inEffect(ctx) {
    const r = await readyz(ctx);
    if (!('status' in r) || r.status !== 200) return `readiness not 200: ${fmt(r)}`;
    const text = logText(ctx);
    const bad = server5xx(text).length + errorEvents(text).length;
    return bad ? `${bad} 5xx or ERROR lines in the app log` : null;
  },
  notBlamed: [],
  noFindings: true,
};

export const sqlaCleanDeploy: Scenario = {
  id: 'sqla-clean-deploy',
  title: 'A clean deploy of the billing app (v1 → v2), restart lines and all, no errors before or after',
  seedPattern: 'Error spike after deploy',
  rootCause: 'Nothing is broken: v2 was deployed and serves cleanly (uvicorn shutdown/start-up lines in the log are not errors)',
  names: { app: 'payments', db: 'payments-db', cache: 'kv' },
  app: { flavor: 'sqlalchemy', version: 'v1', appName: 'payments', readyDbKey: 'sql' },
  extraConfig: (ctx) => ({ services: appService(ctx, sqlaCleanDeploy) }),
  async inject(ctx) {
    await ctx.deploy('v1', '2 hours ago');
    await ctx.traffic(mix(BILL.list, BILL.read, BILL.create, BILL.session), { seconds: 2, rps: 5 });
    await ctx.deploy('v2');
    await ctx.redeploy({ version: 'v2' });
    await ctx.traffic(mix(BILL.list, BILL.read, BILL.create, BILL.session), { seconds: 2.5, rps: 5 });
  },
  async inEffect(ctx) {
    const r = await readyz(ctx);
    if (!('status' in r) || r.status !== 200 || r.body.version !== 'v2') return `readiness not 200 on v2: ${fmt(r)}`;
    const text = logText(ctx);
    const bad = server5xx(text).length + errorEvents(text).length;
    return bad ? `${bad} 5xx or ERROR lines in the app log` : null;
  },
  notBlamed: [{ rule: 'error-spike-after-deploy' }],
  noFindings: true,
};
