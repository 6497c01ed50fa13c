/** Deploys: a bad one, and clean ones followed by faults the deploy did not cause. */
import { appPortState, fillRedis, fmt, logLines, readiness, redisWriteError, smallKeys } from '../faults.js';
import { MIX, mix, times } from '../traffic.js';
import type { LabContext, Scenario } from '../types.js';

/** The deploy happens at the time the app restarts as v2: everything in the log after it is v2's. */
function markDeploy(ctx: LabContext): void { ctx.facts.deployedAt = new Date().toISOString(); }

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
