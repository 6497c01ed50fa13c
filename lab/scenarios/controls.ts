/** Negative controls: nothing is broken, and triage must say nothing is. */
import { fmt, logLines, readiness, requestsWithin } from '../faults.js';
import { MIX, mix, times } from '../traffic.js';
import type { LabContext, Scenario } from '../types.js';

async function readyOk(ctx: LabContext, version?: string): Promise<string | null> {
  const r = await readiness(ctx);
  if (!('status' in r) || r.status !== 200) return `readiness not 200: ${fmt(r)}`;
  if (version && r.body.version !== version) return `app runs ${String(r.body.version)}, expected ${version}`;
  return null;
}

const no5xx = (ctx: LabContext) => {
  const bad = logLines(ctx).filter((l) => (l.status ?? 0) >= 500);
  return bad.length ? `${bad.length} 5xx lines in the app log: ${fmt(bad[0])}` : null;
};

export const healthy: Scenario = {
  id: 'healthy',
  title: 'Healthy stack under normal traffic',
  rootCause: 'Nothing is broken',
  names: { app: 'backend', db: 'db', cache: 'cache' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart, MIX.orders), { seconds: 2.5, rps: 5 });
  },
  async inEffect(ctx) {
    return (await readyOk(ctx)) ?? no5xx(ctx);
  },
  notBlamed: [],
  noFindings: true,
};

export const cleanDeploy: Scenario = {
  id: 'clean-deploy',
  title: 'A clean deploy (v1 → v2) with no errors before or after',
  seedPattern: 'Error spike after deploy',
  rootCause: 'Nothing is broken: v2 was deployed and serves cleanly',
  names: { app: 'api', db: 'pg', cache: 'redis' },
  app: { version: 'v1', poolMax: 8, readyDbKey: 'db', readyCacheKey: 'cache' },
  async inject(ctx) {
    await ctx.deploy('v1', '2 hours ago');
    await ctx.traffic(mix(MIX.browse, MIX.orders, MIX.cart), { seconds: 2, rps: 5 });
    await ctx.deploy('v2');
    await ctx.redeploy({ version: 'v2' });
    await ctx.traffic(mix(MIX.browse, MIX.orders, MIX.cart), { seconds: 2.5, rps: 5 });
  },
  async inEffect(ctx) {
    return (await readyOk(ctx, 'v2')) ?? no5xx(ctx);
  },
  notBlamed: [{ rule: 'error-spike-after-deploy' }],
  noFindings: true,
};

export const slowByDesign: Scenario = {
  id: 'slow-by-design',
  title: 'GET /api/reports/export is slow (~1.3 s) now and always was',
  seedPattern: 'Slow responses',
  rootCause: 'Nothing is broken: the export endpoint is slow by design, before and now alike',
  names: { app: 'web-api', db: 'database', cache: 'sessions' },
  app: { poolMax: 10, readyShape: 'object' },
  triage: { currentWindow: '5s' },
  // Exports are 40 % of the traffic so that both windows hold several of them even on a loaded machine.
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, times(MIX.export, 4)), { seconds: 9, rps: 3 });
  },
  async inEffect(ctx) {
    const slow = (older: boolean) =>
      requestsWithin(ctx, 5000, older).filter((l) => l.path === '/api/reports/export' && (l.duration_ms ?? 0) >= 1000).length;
    const before = slow(true);
    const now = slow(false);
    if (before < 2 || now < 2) return `need slow export requests both before (${before}) and inside (${now}) the current window`;
    return (await readyOk(ctx)) ?? no5xx(ctx);
  },
  notBlamed: [{ rule: 'slow-endpoint' }, { rule: 'long-running-query' }],
  noFindings: true,
};
