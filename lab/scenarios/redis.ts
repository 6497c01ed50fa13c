/** Redis faults: gone, full (with and without errors yet), out of client slots. */
import { fillRedis, fmt, hogRedisClients, readiness, redisMemory, redisRawPing, redisWriteError, smallKeys } from '../faults.js';
import { probePort, sleep } from '../stack.js';
import { MIX, mix } from '../traffic.js';
import type { Scenario } from '../types.js';

export const redisKilled: Scenario = {
  id: 'redis-killed',
  title: 'Redis was killed: carts fail, product pages still work',
  seedPattern: 'Partial failures',
  seedStep: 'Redis 1: connectivity (PING)',
  rootCause: 'redis-server is gone (SIGKILL); the app is unhealthy only because of it',
  names: { app: 'backend', db: 'db', cache: 'cache' },
  app: { readyCacheKey: 'cache' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 2, rps: 5 });
    await ctx.stack.redis.kill();
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 2, rps: 5 });
  },
  async inEffect(ctx) { const s = await probePort(ctx.stack.redis.port); return s === 'refused' ? null : `Redis port is ${s}, not refused`; },
  expect: { rule: 'redis-down', service: 'cache', action: /warroom (health --service|diagnose redis) cache\b/ },
  notBlamed: [{ rule: 'service-unhealthy', service: 'backend' }, { rule: 'dependency-failing', service: 'backend' }, { rule: 'service-not-listening', service: 'backend' },
    { rule: 'error-spike-after-deploy' }, { rule: 'error-rate-high', service: 'backend' }],
};

export const redisOom: Scenario = {
  id: 'redis-oom-feed-prefix',
  title: 'Redis at maxmemory (noeviction): feed:* keys hold the memory, cart writes refused with OOM; no depends_on',
  seedPattern: 'Memory growth',
  seedStep: 'Redis 2/5: memory usage, keyspace',
  rootCause: 'Redis at maxmemory with noeviction; ~7 MiB held by feed:* keys (not cache:*); flushing cache:* would not help',
  names: { app: 'api', db: 'pg', cache: 'sessions' },
  dependsOn: false,
  app: { readyCacheKey: 'cache', readyShape: 'object' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
    await smallKeys(ctx, { 'sess:': 200, 'cache:': 60 });
    ctx.facts.fill = await fillRedis(ctx, 'feed:', { valueBytes: 64 * 1024, targetPct: 100 });
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 2.5, rps: 4 });
  },
  async inEffect(ctx) {
    const e = await redisWriteError(ctx.stack);
    if (!e || !/OOM/.test(e)) return `Redis still takes writes (${e ?? 'SET ok'})`;
    const r = await readiness(ctx);
    return 'status' in r && r.status === 503 && /OOM/.test(JSON.stringify(r.body)) ? null : `readiness does not show the OOM: ${fmt(r)}`;
  },
  expect: { rule: 'redis-memory-full', service: 'sessions', action: /warroom run flush-keys --service sessions --pattern "?feed:\*"?/ },
  notBlamed: [{ rule: 'service-unhealthy', service: 'api' }, { rule: 'dependency-failing', service: 'api' }, { rule: 'redis-down' }, { rule: 'error-spike-after-deploy' }, { rule: 'memory-growth' }],
};

export const redisNearFull: Scenario = {
  id: 'redis-near-full',
  title: 'Redis at ~94 % of maxmemory with noeviction, no errors yet, app still 200',
  seedPattern: 'Gradual degradation',
  rootCause: 'img:* keys fill Redis toward maxmemory; writes will start failing soon; the app looks healthy',
  names: { app: 'web-api', db: 'database', cache: 'cache' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
    // Many small keys and few big ones, as a real keyspace: img:* is ~30 % of the keys and ~90 % of the memory.
    await smallKeys(ctx, { 'sess:': 300 });
    ctx.facts.fill = await fillRedis(ctx, 'img:', { valueBytes: 64 * 1024, targetPct: 93 });
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
  },
  async inEffect(ctx) {
    const m = await redisMemory(ctx.stack);
    ctx.facts.memoryPct = Math.round(m.pct * 10) / 10;
    if (m.pct < 90 || m.pct >= 99.5) return `Redis memory at ${m.pct.toFixed(1)} %, expected 90-99.5 %`;
    const e = await redisWriteError(ctx.stack);
    if (e) return `Redis already refuses writes: ${e}`;
    const r = await readiness(ctx);
    return 'status' in r && r.status === 200 ? null : `app readiness is not 200: ${fmt(r)}`;
  },
  expect: { rule: 'redis-memory-full', service: 'cache', action: /warroom run flush-keys --service cache --pattern "?img:\*"?/ },
  notBlamed: [{ rule: 'service-unhealthy' }, { rule: 'dependency-failing' }, { rule: 'error-rate-high' }, { rule: 'redis-down' }],
};

export const redisClients: Scenario = {
  id: 'redis-clients-exhausted',
  title: 'A leaking worker holds every Redis client slot (maxclients 24): new connections refused',
  seedStep: 'Redis 3: connected clients',
  rootCause: 'maxclients reached: 24 idle connections named queue-worker; the app cannot open new ones; Redis itself is up',
  names: { app: 'backend', db: 'db', cache: 'redis' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
    const admin = ctx.stack.redis.client();
    // The app's own connections drop (as on a Redis restart or a network blip) and must reconnect into a full server.
    await admin.config('SET', 'maxclients', '24');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    admin.disconnect();
    await sleep(100);
    ctx.facts.hogs = await hogRedisClients(ctx, 40, 'queue-worker');
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 2, rps: 4 });
  },
  async inEffect(ctx) {
    const reply = await redisRawPing(ctx.stack.redis.port);
    return /max number of clients/i.test(reply) ? null : `a new client gets "${reply}", not "max number of clients reached"`;
  },
  expect: { rule: 'redis-clients-exhausted', service: 'redis', mentions: /max(imum)? number of clients|maxclients/i, action: /warroom diagnose redis redis\b|CLIENT (LIST|KILL)|queue-worker/ },
  notBlamed: [{ rule: 'redis-down' }, { rule: 'service-unhealthy', service: 'backend' }, { rule: 'dependency-failing', service: 'backend' }, { rule: 'redis-memory-full' }],
};

