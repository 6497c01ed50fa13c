/** PostgreSQL faults: stopped, locks (long, forming, with slowness), long queries, idle transactions, another client's connections. */
import {
  activity,
  appRoleConnectError,
  connectionsOf,
  hogConnections,
  holdRowLock,
  idleInTransaction,
  lockWaiters,
  longQuery,
  requestsWithin,
  waitUntil,
} from '../faults.js';
import { probePort, sleep } from '../stack.js';
import { MIX, mix, times } from '../traffic.js';
import type { LabContext, Scenario } from '../types.js';

const killQuery = (db: string) => (f: Record<string, unknown>) =>
  new RegExp(`warroom run kill-query --service ${db} --pid ${String(f.pid)}\\b`);

/** Waits (bounded) until the longest lock wait passes minS: the traffic's timing alone does not guarantee it. */
async function waitForLockWait(ctx: LabContext, minS: number): Promise<void> {
  await waitUntil(`a lock wait of ${minS} s`, async () => ((await lockWaiters(ctx.stack))[0]?.wait_s ?? 0) >= minS, (minS + 3) * 1000);
}

async function waiterAtLeast(ctx: LabContext, minS: number): Promise<string | null> {
  const w = await lockWaiters(ctx.stack);
  ctx.facts.waiters = w.length;
  if (!w.length) return 'no session waits for a lock in pg_locks';
  return w[0].wait_s >= minS ? null : `the longest lock wait is ${w[0].wait_s.toFixed(1)} s, expected >= ${minS} s`;
}

export const postgresStopped: Scenario = {
  id: 'postgres-stopped',
  title: 'PostgreSQL was stopped (fast shutdown); no depends_on: readiness key "postgres"',
  seedPattern: '502/503 errors',
  seedStep: 'PostgreSQL 1: connectivity (pg_isready)',
  rootCause: 'The database server is down; every database-backed endpoint fails and readiness is 503 because of it',
  names: { app: 'api', db: 'database', cache: 'cache' },
  dependsOn: false,
  app: { readyDbKey: 'postgres' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 2, rps: 4 });
    await ctx.stack.pg.stop();
    await ctx.traffic(mix(MIX.browse, MIX.orders, MIX.cart), { seconds: 2, rps: 4 });
  },
  async inEffect(ctx) {
    const s = await probePort(ctx.stack.pg.port);
    return s === 'refused' ? null : `PostgreSQL port is ${s}, not refused`;
  },
  expect: { rule: 'postgres-down', service: 'database', action: /warroom (health --service|diagnose postgres) database\b/ },
  notBlamed: [
    { rule: 'service-unhealthy', service: 'api' },
    { rule: 'dependency-failing', service: 'api' },
    { rule: 'connection-pool-exhausted' },
    { rule: 'app-pool-exhausted' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'service-not-listening', service: 'api' },
  ],
};

export const lockContention: Scenario = {
  id: 'lock-contention',
  title: 'batch-repricer holds products row 1 in an open transaction; POST /api/orders blocks and drains the pool of 4',
  seedPattern: 'Slow responses',
  seedStep: 'PostgreSQL 4: lock contention',
  rootCause: 'pid N (application batch-repricer) holds a row lock on products id=1; orders wait on it and hold the app pool',
  names: { app: 'backend', db: 'pg', cache: 'cache' },
  app: { poolMax: 4, readyShape: 'object' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 1.5, rps: 4 });
    ctx.facts.pid = (await holdRowLock(ctx, 'batch-repricer', 1)).pid;
    await ctx.traffic(mix(times(MIX.ordersLocked, 3), MIX.browse), { seconds: 3, rps: 3, timeoutMs: 1500 });
    await waitForLockWait(ctx, ctx.thresholds.lock_wait_s + 0.5);
  },
  inEffect: (ctx) => waiterAtLeast(ctx, ctx.thresholds.lock_wait_s),
  expect: { rule: 'lock-contention', service: 'pg', action: killQuery('pg') },
  notBlamed: [
    { rule: 'app-pool-exhausted' },
    { rule: 'connection-pool-exhausted' },
    { rule: 'postgres-down' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'service-unhealthy', service: 'backend' },
  ],
  // The blocker is also idle in its transaction, and the waiting UPDATEs are long-running: true, but not the cause.
  tolerate: [
    { rule: 'idle-in-transaction', service: 'pg' },
    { rule: 'long-running-query', service: 'pg' },
  ],
};

export const lockForming: Scenario = {
  id: 'lock-forming',
  title: 'A row lock held for a moment: one order waits, well below lock_wait_s',
  rootCause:
    'A lock forming: inventory-sync holds products row 1 in an open transaction and an order already waits on it, still below the 6 s lock_wait_s threshold (issue 14: a lock under lock_wait_s must not be silent)',
  names: { app: 'web-api', db: 'db', cache: 'sessions' },
  triage: { thresholds: { lock_wait_s: 6, idle_in_transaction_s: 8 } },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 2, rps: 4 });
    await holdRowLock(ctx, 'inventory-sync', 1);
    // One order that will wait on the lock; it completes when the heal releases it.
    void ctx.traffic(MIX.ordersLocked, { seconds: 0.1, rps: 10, timeoutMs: 10_000 });
    await sleep(600);
  },
  async inEffect(ctx) {
    const w = await lockWaiters(ctx.stack);
    if (!w.length) return 'no session waits for the lock';
    return w[0].wait_s < 3 ? null : `the wait is already ${w[0].wait_s.toFixed(1)} s`;
  },
  expect: { rule: 'lock-contention', service: 'db', mentions: /forming/, action: /warroom run kill-query --service db --pid \d+/ },
  notBlamed: [{ rule: 'idle-in-transaction' }, { rule: 'long-running-query' }, { rule: 'app-pool-exhausted' }],
};

export const lockAndSlowness: Scenario = {
  id: 'lock-and-slowness',
  title: 'A job takes products row 1 again and again for ~2.5 s: POST /api/orders is slow, then blocked now',
  seedPattern: 'Slow responses',
  rootCause: 'Repeated row locks on products id=1 by price-updater explain slow POST /api/orders; no app regression',
  names: { app: 'shop-api', db: 'pg', cache: 'cache' },
  app: { poolMax: 12 },
  triage: { currentWindow: '20s' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.ordersLocked), { seconds: 1.5, rps: 3 });
    // Cycles of lock-hold-release: orders that arrive during a hold finish when it ends (slow, but 201).
    for (let i = 0; i < 2; i++) {
      const hold = await holdRowLock(ctx, 'price-updater', 1);
      await ctx.traffic(mix(MIX.ordersLocked, MIX.browse), { seconds: 2.5, rps: 2, timeoutMs: 6000 });
      await hold.release();
      await sleep(200);
    }
    ctx.facts.pid = (await holdRowLock(ctx, 'price-updater', 1)).pid;
    void ctx.traffic(MIX.ordersLocked, { seconds: 0.5, rps: 4, timeoutMs: 10_000 });
    await waitForLockWait(ctx, ctx.thresholds.lock_wait_s + 0.5);
  },
  async inEffect(ctx) {
    const slowOrders = requestsWithin(ctx, 20_000).filter(
      (l) => l.path === '/api/orders' && l.status === 201 && (l.duration_ms ?? 0) >= 1000,
    ).length;
    if (slowOrders < 2) return `only ${slowOrders} slow POST /api/orders lines in the log`;
    return waiterAtLeast(ctx, ctx.thresholds.lock_wait_s);
  },
  expect: { rule: 'lock-contention', service: 'pg', action: killQuery('pg') },
  notBlamed: [{ rule: 'slow-endpoint' }, { rule: 'app-pool-exhausted' }, { rule: 'error-spike-after-deploy' }],
  tolerate: [
    { rule: 'idle-in-transaction', service: 'pg' },
    { rule: 'long-running-query', service: 'pg' },
  ],
};

export const longRunningQuery: Scenario = {
  id: 'long-running-query',
  title: 'nightly-report runs a query for minutes; it blocks nobody',
  seedPattern: 'Slow responses',
  seedStep: 'PostgreSQL 3: long-running queries',
  rootCause: 'A long query (pid N, nightly-report) is running past long_query_s; nothing waits on it',
  names: { app: 'api', db: 'database', cache: 'cache' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 1, rps: 4 });
    ctx.facts.pid = await longQuery(ctx, 'nightly-report');
    await ctx.traffic(mix(MIX.browse, MIX.cart, MIX.orders), { seconds: 4.5, rps: 4 });
  },
  async inEffect(ctx) {
    const a = await activity(ctx.stack, ctx.facts.pid as number);
    return a && a.state === 'active' && a.age_s >= ctx.thresholds.long_query_s
      ? null
      : `pid ${String(ctx.facts.pid)} is ${a ? `${a.state} for ${a.age_s.toFixed(1)} s` : 'gone'}`;
  },
  expect: { rule: 'long-running-query', service: 'database', action: killQuery('database') },
  notBlamed: [
    { rule: 'lock-contention' },
    { rule: 'app-pool-exhausted' },
    { rule: 'service-unhealthy', service: 'api' },
    { rule: 'slow-endpoint' },
  ],
};

export const idleInTx: Scenario = {
  id: 'idle-in-transaction',
  title: 'billing-worker opened a transaction and went quiet',
  seedPattern: 'Gradual degradation',
  rootCause: 'pid N (billing-worker) is idle in transaction past idle_in_transaction_s; it holds a snapshot, nobody waits yet',
  names: { app: 'backend', db: 'orders-db', cache: 'redis' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 1, rps: 4 });
    ctx.facts.pid = await idleInTransaction(ctx, 'billing-worker');
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 4.5, rps: 4 });
  },
  async inEffect(ctx) {
    const a = await activity(ctx.stack, ctx.facts.pid as number);
    return a && a.state === 'idle in transaction' && a.age_s >= ctx.thresholds.idle_in_transaction_s
      ? null
      : `pid ${String(ctx.facts.pid)} is ${a ? `${a.state} for ${a.age_s.toFixed(1)} s` : 'gone'}`;
  },
  expect: { rule: 'idle-in-transaction', service: 'orders-db', action: killQuery('orders-db') },
  notBlamed: [{ rule: 'lock-contention' }, { rule: 'long-running-query' }, { rule: 'app-pool-exhausted' }],
};

export const connectionsHogged: Scenario = {
  id: 'pg-connections-hogged',
  title: 'reporting-etl holds every non-reserved PostgreSQL connection; the app cannot grow its pool',
  seedPattern: 'Gradual degradation',
  seedStep: 'PostgreSQL 2: active connections',
  rootCause:
    "Another client (application_name reporting-etl, role etl) holds max_connections minus the reserved slots; the app's pool cannot open connections",
  names: { app: 'storefront', db: 'db', cache: 'cache' },
  app: { poolMax: 8, readyShape: 'object' },
  async inject(ctx) {
    await ctx.traffic(MIX.browse, { seconds: 1, rps: 4 });
    ctx.facts.hogs = await hogConnections(ctx, 'reporting-etl');
    await ctx.traffic(mix(MIX.browse, MIX.export, MIX.orders), { seconds: 3, rps: 5 });
  },
  async inEffect(ctx) {
    const e = await appRoleConnectError(ctx.stack);
    if (!e || !/too many clients|connection slots/i.test(e)) return `the app role can still connect (${e ?? 'ok'})`;
    const n = await connectionsOf(ctx.stack, 'reporting-etl');
    return n >= ctx.stack.pg.maxConnections - 3 - 8 ? null : `reporting-etl holds only ${n} connections`;
  },
  expect: {
    rule: 'connection-pool-exhausted',
    service: 'db',
    mentions: /reporting-etl/,
    action: /warroom (diagnose postgres db|run kill-query --service db)\b/,
  },
  notBlamed: [
    { rule: 'app-pool-exhausted' },
    { rule: 'postgres-down' },
    { rule: 'service-unhealthy', service: 'storefront' },
    { rule: 'error-spike-after-deploy' },
  ],
  tolerate: [{ rule: 'idle-in-transaction', service: 'db' }],
};
