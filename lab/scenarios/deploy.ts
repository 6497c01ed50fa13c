/** Deploys: bad ones (errors, a crash on start, a latency regression), and clean ones followed by faults the deploy did not cause. */
import { appPortState, fillRedis, fmt, logLines, readiness, redisWriteError, requestsWithin, smallKeys } from '../faults.js';
import { MIX, mix, times } from '../traffic.js';
import type { LabContext, Scenario } from '../types.js';

/** The deploy happens at the time the app restarts as v2: everything in the log after it is v2's. */
function markDeploy(ctx: LabContext): void {
  ctx.facts.deployedAt = new Date().toISOString();
}

export const badDeploy: Scenario = {
  id: 'bad-deploy',
  title: 'v2 raises KeyError on POST /api/orders; recorded twice (a CI retry); v1 was clean',
  seedPattern: 'Error spike after deploy',
  seedStep: 'FastAPI 1/2/4: application logs, error rate, errors per endpoint',
  rootCause: "Bug in v2: create_order reads payload['sku'], which clients do not send (KeyError); roll back to v1",
  names: { app: 'api', db: 'db', cache: 'cache' },
  app: { version: 'v1', poolMax: 6 },
  async inject(ctx) {
    // v1 went out earlier (outside the triage window) and has served cleanly since.
    await ctx.deploy('v1', '2 hours ago');
    await ctx.traffic(mix(times(MIX.orders, 3), MIX.browse), { seconds: 2.5, rps: 4 });
    await ctx.deploy('v2');
    await ctx.deploy('v2');
    markDeploy(ctx);
    await ctx.redeploy({ version: 'v2', faults: ['bug_on_orders'] });
    await ctx.traffic(mix(times(MIX.orders, 4), MIX.browse), { seconds: 3, rps: 4 });
  },
  async inEffect(ctx) {
    const r = await readiness(ctx);
    if (!('status' in r) || r.body.version !== 'v2') return `app is not serving v2: ${fmt(r)}`;
    const at = Date.parse(ctx.facts.deployedAt as string);
    const before = logLines(ctx).filter((l) => Date.parse(l.timestamp) < at && (l.status ?? 0) >= 500).length;
    const after = logLines(ctx).filter((l) => Date.parse(l.timestamp) >= at && l.exc_type === 'KeyError').length;
    return before === 0 && after >= 3 ? null : `expected no errors before the deploy (${before}) and KeyErrors after it (${after})`;
  },
  expect: { rule: 'error-spike-after-deploy', service: 'api', action: /warroom run rollback --service api --to v1\b/ },
  notBlamed: [{ rule: 'service-not-listening' }, { rule: 'postgres-down' }, { rule: 'redis-down' }, { rule: 'dependency-failing' }],
};

export const deployThenKilled: Scenario = {
  id: 'deploy-then-app-killed',
  title: 'A clean deploy of v2, served fine for a while, then the process was killed',
  seedPattern: '502/503 errors',
  rootCause: 'The app process died after a clean deploy: v2 served without errors; restart it (a rollback would not help)',
  names: { app: 'backend', db: 'pg', cache: 'cache' },
  async inject(ctx) {
    await ctx.deploy('v1', '3 hours ago');
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 1.5, rps: 4 });
    await ctx.deploy('v2');
    await ctx.redeploy({ version: 'v2' });
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 2, rps: 4 });
    await ctx.app.kill();
    await ctx.traffic(MIX.browse, { seconds: 1, rps: 3, timeoutMs: 1000 });
  },
  async inEffect(ctx) {
    const s = await appPortState(ctx);
    if (s !== 'refused') return `app port is ${s}, not refused`;
    const errors = logLines(ctx).filter((l) => (l.status ?? 0) >= 500).length;
    return errors === 0 ? null : `v2 logged ${errors} errors: the deploy was not clean`;
  },
  expect: { rule: 'service-not-listening', service: 'backend', action: /warroom run restart --service backend\b/ },
  notBlamed: [{ rule: 'error-spike-after-deploy' }, { rule: 'postgres-down' }, { rule: 'redis-down' }],
};

export const deployThenRedisFull: Scenario = {
  id: 'deploy-then-redis-full',
  title: 'A clean deploy of v2, then Redis fills up with export:* keys (noeviction) and cart writes fail',
  seedPattern: 'Memory growth',
  rootCause: 'Redis at maxmemory with noeviction, filled by export:* keys of a report job; the deploy is innocent',
  names: { app: 'shop-api', db: 'database', cache: 'sessions' },
  app: { readyCacheKey: 'sessions', readyShape: 'object', cartPrefix: 'basket:' },
  async inject(ctx) {
    await ctx.deploy('v1', '90 minutes ago');
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
    await ctx.deploy('v2');
    await ctx.redeploy({ version: 'v2' });
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
    await smallKeys(ctx, { 'session:': 240, 'cache:': 60 });
    ctx.facts.fill = await fillRedis(ctx, 'export:', { valueBytes: 64 * 1024, targetPct: 100 });
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 2.5, rps: 4 });
  },
  async inEffect(ctx) {
    const e = await redisWriteError(ctx.stack);
    return e && /OOM/.test(e) ? null : `Redis still takes writes (${e ?? 'SET ok'})`;
  },
  expect: { rule: 'redis-memory-full', service: 'sessions', action: /warroom run flush-keys --service sessions --pattern "?export:\*"?/ },
  notBlamed: [{ rule: 'error-spike-after-deploy' }, { rule: 'redis-down' }, { rule: 'service-unhealthy', service: 'shop-api' }],
};

export const deployCrashOnStart: Scenario = {
  id: 'deploy-crash-on-start',
  title: 'v2 crashes on start (ModuleNotFoundError logged with its traceback, exit 3): the port refuses; v1 was clean',
  seedPattern: 'Error spike after deploy',
  seedStep: 'FastAPI 1/5: application logs, process status',
  rootCause:
    'Bug in v2: at start it imports a module the release did not ship, logs the traceback and exits; restarting v2 crashes again, roll back to v1',
  names: { app: 'payments-api', db: 'ledger', cache: 'cache' },
  app: { version: 'v1', appName: 'payments', poolMax: 5 },
  triage: { currentWindow: '10s' },
  async inject(ctx) {
    await ctx.deploy('v1', '2 hours ago');
    await ctx.traffic(mix(MIX.orders, MIX.browse, MIX.cart), { seconds: 2.5, rps: 4 });
    await ctx.deploy('v2');
    markDeploy(ctx);
    // The start fails, so redeploy rejects: the crashed v2 is the app now (same port and log file).
    ctx.facts.startError = await ctx.redeploy({ version: 'v2', faults: ['crash_on_start'] }).then(
      () => null,
      (e: Error) => e.message.split('\n')[0],
    );
    await ctx.traffic(MIX.browse, { seconds: 1, rps: 3, timeoutMs: 1000 });
  },
  async inEffect(ctx) {
    if (!ctx.facts.startError) return 'v2 started: crash_on_start did not crash it';
    const s = await appPortState(ctx);
    if (s !== 'refused') return `app port is ${s}, not refused`;
    ctx.facts.exitCode = ctx.app.child?.exitCode;
    if (!ctx.app.child?.exitCode) return `the v2 process did not exit non-zero (${ctx.app.child?.exitCode})`;
    const at = Date.parse(ctx.facts.deployedAt as string);
    const before = logLines(ctx).filter((l) => Date.parse(l.timestamp) < at && l.level === 'ERROR').length;
    const crash = logLines(ctx).filter((l) => Date.parse(l.timestamp) >= at && l.level === 'ERROR' && l.exc_type === 'ModuleNotFoundError');
    if (before !== 0 || crash.length !== 1)
      return `expected no errors before the deploy (${before}) and one crash line after it (${crash.length})`;
    const age = Date.now() - Date.parse(crash[0].timestamp);
    return age < 8000 ? null : `the crash line is ${age} ms old: too close to the edge of the 10 s current window`;
  },
  expect: {
    rule: 'error-spike-after-deploy',
    service: 'payments-api',
    mentions: /ModuleNotFoundError|shop_pricing_rules_v2/,
    action: /warroom run rollback --service payments-api --to v1\b/,
  },
  notBlamed: [{ rule: 'postgres-down' }, { rule: 'redis-down' }, { rule: 'dependency-failing' }],
  // Refused is true: it may come after the deploy (restarting v2 would crash again), never first.
  tolerate: [{ rule: 'service-not-listening', service: 'payments-api' }],
};

export const slowAfterDeploy: Scenario = {
  id: 'slow-after-deploy',
  title: 'v2 makes GET /api/orders/{id} wait 1.2 s per call (a synchronous enrichment call); fast under v1; no errors, database idle',
  seedPattern: 'Slow responses',
  seedStep: 'FastAPI 1: application logs (latency per endpoint)',
  rootCause:
    'Latency regression in v2: the order look-up handler waits ~1.2 s after its (fast) query; no lock, no long query; roll back to v1',
  names: { app: 'orders-api', db: 'orders-db', cache: 'redis' },
  app: { version: 'v1', appName: 'orders', poolMax: 6 },
  triage: { currentWindow: '5s' },
  async inject(ctx) {
    await ctx.deploy('v1', '4 hours ago');
    await ctx.traffic(mix(times(MIX.orderLookup, 4), MIX.browse), { seconds: 3, rps: 4 });
    await ctx.deploy('v2');
    markDeploy(ctx);
    await ctx.redeploy({ version: 'v2', faults: ['slow_orders'] });
    await ctx.traffic(mix(times(MIX.orderLookup, 4), MIX.browse), { seconds: 4.5, rps: 4 });
  },
  async inEffect(ctx) {
    const r = await readiness(ctx);
    if (!('status' in r) || r.body.version !== 'v2') return `app is not serving v2: ${fmt(r)}`;
    const at = Date.parse(ctx.facts.deployedAt as string);
    const lookups = logLines(ctx).filter((l) => l.path?.startsWith('/api/orders/'));
    const fastBefore = lookups.filter((l) => Date.parse(l.timestamp) < at && (l.duration_ms ?? 9e9) < 300).length;
    const slowAfter = lookups.filter((l) => Date.parse(l.timestamp) >= at && (l.duration_ms ?? 0) >= 1000).length;
    const slowNow = requestsWithin(ctx, 5000).filter((l) => l.path?.startsWith('/api/orders/') && (l.duration_ms ?? 0) >= 1000).length;
    const errors = logLines(ctx).filter((l) => (l.status ?? 0) >= 500).length;
    ctx.facts.lookups = { fastBefore, slowAfter, slowNow, errors };
    return fastBefore >= 5 && slowAfter >= 5 && slowNow >= 3 && errors === 0
      ? null
      : `need fast look-ups before the deploy, slow ones after and now, no errors: ${fmt(ctx.facts.lookups)}`;
  },
  expect: {
    rule: 'slow-after-deploy',
    service: 'orders-api',
    mentions: /\/api\/orders/,
    action: /warroom run rollback --service orders-api --to v1\b/,
  },
  notBlamed: [{ rule: 'error-spike-after-deploy' }, { rule: 'lock-contention' }, { rule: 'long-running-query' }, { rule: 'postgres-down' }],
  tolerate: [{ rule: 'slow-endpoint', service: 'orders-api' }],
};
