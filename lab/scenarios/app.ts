/** Faults in the FastAPI process itself: gone, hung, leaking its pool, slow in its own code, recovered. */
import { appPortState, connectionsOf, fmt, logLines, readiness, requestsWithin } from '../faults.js';
import { sleep } from '../stack.js';
import { MIX, mix, times } from '../traffic.js';
import type { Scenario } from '../types.js';

export const appKilled: Scenario = {
  id: 'app-killed',
  title: 'The app process was killed: connections refused',
  seedPattern: '502/503 errors',
  seedStep: 'FastAPI 5: check Python process status',
  rootCause: 'uvicorn died (SIGKILL); nothing listens on its port; PostgreSQL and Redis are fine',
  names: { app: 'backend', db: 'db', cache: 'cache' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 2, rps: 5 });
    await ctx.app.kill();
    await ctx.traffic(MIX.browse, { seconds: 1, rps: 4, timeoutMs: 1000 });
  },
  async inEffect(ctx) {
    const s = await appPortState(ctx);
    return s === 'refused' ? null : `app port is ${s}, not refused`;
  },
  expect: { rule: 'service-not-listening', service: 'backend', action: /warroom run restart --service backend\b/ },
  notBlamed: [{ rule: 'postgres-down' }, { rule: 'redis-down' }, { rule: 'error-spike-after-deploy' }, { rule: 'dependency-failing' }],
};

export const appHanging: Scenario = {
  id: 'app-hanging',
  title: 'The app process is stopped (SIGSTOP): it accepts connections and never answers',
  seedPattern: '502/503 errors',
  rootCause: 'uvicorn is frozen: the kernel still accepts on its listen socket, no request is ever answered',
  names: { app: 'storefront', db: 'pg', cache: 'redis' },
  hangs: true,
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 2, rps: 5 });
    const child = ctx.app.child!;
    child.kill('SIGSTOP');
    ctx.onHeal(() => {
      child.kill('SIGCONT');
    });
    await ctx.traffic(MIX.browse, { seconds: 1, rps: 3, timeoutMs: 1000 });
  },
  async inEffect(ctx) {
    const port = await appPortState(ctx);
    if (port !== 'open') return `app port is ${port}, expected it to accept connections`;
    try {
      const r = await fetch(`${ctx.app.url}/health/live`, { signal: AbortSignal.timeout(1000) });
      return `app answered ${r.status}: it is not hanging`;
    } catch (e) {
      return (e as Error).name === 'TimeoutError' ? null : `app probe failed with ${(e as Error).message}, not a timeout`;
    }
  },
  expect: { rule: 'service-hanging', service: 'storefront', action: /warroom run restart --service storefront\b/ },
  notBlamed: [
    { rule: 'service-not-listening', service: 'storefront' },
    { rule: 'postgres-down' },
    { rule: 'redis-down' },
    { rule: 'error-spike-after-deploy' },
  ],
};

/** Readiness says the pool is empty and PostgreSQL sees exactly POOL_MAX connections of the app: the leak, proven. */
async function poolLeakInEffect(ctx: Parameters<Scenario['inEffect']>[0], poolMax: number, appName: string): Promise<string | null> {
  const r = await readiness(ctx);
  if (!('status' in r) || r.status !== 503) return `readiness is not 503: ${fmt(r)}`;
  const checks = r.body.checks as Record<string, unknown>;
  const db = JSON.stringify(Object.values(checks)[0]);
  if (!/timed out|Timeout/i.test(db)) return `readiness does not report a pool timeout: ${db}`;
  const n = await connectionsOf(ctx.stack, appName);
  if (n !== poolMax) return `PostgreSQL sees ${n} connections of ${appName}, expected the whole pool (${poolMax})`;
  ctx.facts.appConnections = n;
  return null;
}

export const appPoolLeak: Scenario = {
  id: 'app-pool-exhausted-leak',
  title: 'GET /api/products leaks a pooled connection per call (missing async context manager); pool of 4 is empty',
  seedPattern: 'Gradual degradation',
  seedStep: 'PostgreSQL 2: active connections (connection pool exhaustion?)',
  rootCause: "The app's own asyncpg pool (max 4) is exhausted by leaked connections; PostgreSQL itself has plenty of room",
  names: { app: 'api', db: 'orders-db', cache: 'cache' },
  app: { poolMax: 4, faults: ['leak_connections'], readyShape: 'object', appName: 'shop-api' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 3.5, rps: 4 });
  },
  inEffect: (ctx) => poolLeakInEffect(ctx, 4, 'shop-api'),
  expect: { rule: 'app-pool-exhausted', service: 'api', action: /warroom run restart --service api\b/ },
  notBlamed: [
    { rule: 'connection-pool-exhausted' },
    { rule: 'postgres-down' },
    { rule: 'lock-contention' },
    { rule: 'error-spike-after-deploy' },
  ],
};

export const appPoolLeakSmall: Scenario = {
  id: 'app-pool-exhausted-switched-on',
  title: 'The leak starts mid-traffic (fault switch), pool of 3, string readiness, no depends_on',
  seedPattern: 'Gradual degradation',
  rootCause: "The app's own pool (max 3) drained by a leaking endpoint that started leaking a few seconds ago",
  names: { app: 'web-api', db: 'pg', cache: 'sessions' },
  dependsOn: false,
  app: { poolMax: 3, readyShape: 'string', readyDbKey: 'db', readyCacheKey: 'sessions', appName: 'web-api-prod' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 1.5, rps: 4 });
    await ctx.app.fault('leak_connections', true);
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 3, rps: 4 });
  },
  inEffect: (ctx) => poolLeakInEffect(ctx, 3, 'web-api-prod'),
  expect: { rule: 'app-pool-exhausted', service: 'web-api', action: /warroom run restart --service web-api\b/ },
  notBlamed: [
    { rule: 'connection-pool-exhausted' },
    { rule: 'postgres-down' },
    { rule: 'dependency-failing' },
    { rule: 'error-spike-after-deploy' },
  ],
};

export const slowRegression: Scenario = {
  id: 'slow-endpoint-regression',
  title: 'GET /api/products/search got slow (1.6 s) inside the app; fast before; database idle',
  seedPattern: 'Slow responses',
  rootCause: 'A wait added in the search handler (app code), not the database: queries are fast, no locks',
  names: { app: 'backend', db: 'db', cache: 'cache' },
  triage: { currentWindow: '5s' },
  async inject(ctx) {
    // Half the traffic is search, so both windows hold several; the pause keeps the fast ones out of the current window.
    await ctx.traffic(mix(times(MIX.search, 6), MIX.browse), { seconds: 3, rps: 4 });
    await sleep(3000);
    await ctx.app.fault('slow_search', true);
    await ctx.traffic(mix(times(MIX.search, 6), MIX.browse), { seconds: 3, rps: 4 });
  },
  async inEffect(ctx) {
    const search = (older: boolean) => requestsWithin(ctx, 5000, older).filter((l) => l.path === '/api/products/search');
    const fastBefore = search(true).filter((l) => (l.duration_ms ?? 9e9) < 300).length;
    const slowNow = search(false).filter((l) => (l.duration_ms ?? 0) >= 1000).length;
    return fastBefore >= 3 && slowNow >= 3 ? null : `need fast searches before (${fastBefore}) and slow ones now (${slowNow})`;
  },
  expect: {
    rule: 'slow-endpoint',
    service: 'backend',
    mentions: /\/api\/products\/search/,
    action: /warroom (diagnose app|logs analyze --service) backend\b/,
  },
  notBlamed: [{ rule: 'long-running-query' }, { rule: 'lock-contention' }, { rule: 'error-spike-after-deploy' }, { rule: 'postgres-down' }],
};

export const errorsRecovered: Scenario = {
  id: 'errors-recovered',
  title: 'POST /api/orders failed for 3 s, the fault was switched off, clean traffic since',
  rootCause: 'Nothing is broken now: errors stopped more than current_window ago (a note, not a cause)',
  names: { app: 'web-api', db: 'database', cache: 'redis' },
  triage: { currentWindow: '6s' },
  async inject(ctx) {
    await ctx.app.fault('bug_on_orders', true);
    await ctx.traffic(mix(times(MIX.orders, 4), MIX.browse), { seconds: 2.5, rps: 4 });
    await ctx.app.fault('bug_on_orders', false);
    await ctx.traffic(mix(MIX.orders, MIX.browse), { seconds: 7.5, rps: 3 });
  },
  async inEffect(ctx) {
    const errors = logLines(ctx).filter((l) => (l.status ?? 0) >= 500);
    if (errors.length < 3) return `only ${errors.length} errors were logged`;
    const lastMs = Date.now() - Date.parse(errors.at(-1)!.timestamp);
    if (lastMs < 6500) return `the last error is only ${lastMs} ms old, inside the current window`;
    const cleanNow = requestsWithin(ctx, 6000).filter((l) => (l.status ?? 0) < 400).length;
    return cleanNow >= 5 ? null : `only ${cleanNow} clean requests inside the current window`;
  },
  expect: { rule: 'errors-recovered', service: 'web-api', action: /warroom logs analyze --service web-api\b/ },
  notBlamed: [{ rule: 'error-rate-high' }, { rule: 'service-unhealthy' }, { rule: 'error-spike-after-deploy' }],
};
