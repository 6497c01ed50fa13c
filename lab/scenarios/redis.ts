/** Redis faults: gone, full (with and without errors yet), out of client slots, busy with a slow command, and the app's own Redis pool empty. */
import {
  fillRedis,
  fmt,
  hogRedisClients,
  logLines,
  readiness,
  redisClientsNamed,
  redisMemory,
  redisRawPing,
  redisSlowlog,
  redisWriteError,
  requestsWithin,
  slowRedisCommands,
  smallKeys,
} from '../faults.js';
import { probePort, sleep } from '../stack.js';
import { MIX, mix, times } from '../traffic.js';
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
  async inEffect(ctx) {
    const s = await probePort(ctx.stack.redis.port);
    return s === 'refused' ? null : `Redis port is ${s}, not refused`;
  },
  expect: { rule: 'redis-down', service: 'cache', action: /warroom (health --service|diagnose redis) cache\b/ },
  notBlamed: [
    { rule: 'service-unhealthy', service: 'backend' },
    { rule: 'dependency-failing', service: 'backend' },
    { rule: 'service-not-listening', service: 'backend' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'error-rate-high', service: 'backend' },
  ],
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
  notBlamed: [
    { rule: 'service-unhealthy', service: 'api' },
    { rule: 'dependency-failing', service: 'api' },
    { rule: 'redis-down' },
    { rule: 'error-spike-after-deploy' },
    { rule: 'memory-growth' },
  ],
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
  expect: {
    rule: 'redis-clients-exhausted',
    service: 'redis',
    mentions: /max(imum)? number of clients|maxclients/i,
    action: /warroom diagnose redis redis\b|CLIENT (LIST|KILL)|queue-worker/,
  },
  notBlamed: [
    { rule: 'redis-down' },
    { rule: 'service-unhealthy', service: 'backend' },
    { rule: 'dependency-failing', service: 'backend' },
    { rule: 'redis-memory-full' },
  ],
};

export const redisSlowCommand: Scenario = {
  id: 'redis-slow-command',
  title: 'nightly-export runs a 0.4 s EVAL on Redis three times while carts are in use: cart calls wait behind it',
  seedPattern: 'Slow responses',
  seedStep: 'Redis 4: slow log',
  rootCause:
    'A batch client named nightly-export sends a Lua script that keeps Redis busy ~400 ms; Redis runs one command at a time, so cart calls queue behind it; memory, clients and the app are fine',
  names: { app: 'storefront', db: 'orders-db', cache: 'carts' },
  app: { readyCacheKey: 'carts', cartPrefix: 'basket:', appName: 'storefront-web' },
  triage: { currentWindow: '6s' },
  async inject(ctx) {
    await ctx.traffic(mix(times(MIX.cart, 2), MIX.browse), { seconds: 3, rps: 5 });
    const [, took] = await Promise.all([
      ctx.traffic(mix(times(MIX.cart, 3), MIX.browse), { seconds: 3.5, rps: 5 }),
      slowRedisCommands(ctx, 'nightly-export', { ms: 400, times: 3, gapMs: 700 }),
    ]);
    ctx.facts.evalMs = took;
  },
  async inEffect(ctx) {
    const minUs = (ctx.thresholds.redis_slow_ms ?? 100) * 1000;
    const recent = (await redisSlowlog(ctx.stack)).filter((e) => e.at * 1000 >= Date.now() - 7000 && e.us >= minUs);
    ctx.facts.slowlog = recent.map((e) => `${e.name || e.client} ${Math.round(e.us / 1000)} ms ${e.command.slice(0, 30)}`);
    if (!recent.some((e) => e.name === 'nightly-export'))
      return `no SLOWLOG entry of nightly-export >= ${minUs / 1000} ms in the last 7 s: ${fmt(recent)}`;
    if (recent.some((e) => e.name !== 'nightly-export')) return `other clients' commands are slow too: ${fmt(recent)}`;
    const carts = (older: boolean) => requestsWithin(ctx, 4000, older).filter((l) => l.path?.startsWith('/api/cart/'));
    const slowNow = carts(false).filter((l) => (l.duration_ms ?? 0) >= 150).length;
    const slowBefore = carts(true).filter((l) => (l.duration_ms ?? 0) >= 150).length;
    ctx.facts.slowCarts = { now: slowNow, before: slowBefore };
    return slowNow >= 2 && slowNow > slowBefore ? null : `cart calls did not get slower: ${slowNow} >= 150 ms now, ${slowBefore} before`;
  },
  expect: { rule: 'redis-slow-commands', service: 'carts', mentions: /nightly-export/, action: /warroom diagnose redis carts\b/ },
  notBlamed: [{ rule: 'slow-endpoint' }, { rule: 'redis-down' }, { rule: 'redis-memory-full' }, { rule: 'redis-clients-exhausted' }],
};

export const flatReadinessRedisDown: Scenario = {
  id: 'flat-readiness-redis-down',
  title:
    'Redis killed; the readiness payload has its checks as top-level keys ({status, version, uptime_s, database, cache}); no depends_on',
  seedPattern: 'Partial failures',
  seedStep: 'Redis 1: connectivity (PING)',
  rootCause: 'redis-server is gone (SIGKILL); the app reports "cache" down at the top level of its readiness payload only because of it',
  names: { app: 'checkout', db: 'pg', cache: 'kv' },
  dependsOn: false,
  app: { readyShape: 'flat', readyDbKey: 'database', readyCacheKey: 'cache', appName: 'checkout-svc' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 2, rps: 5 });
    await ctx.stack.redis.kill();
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 2, rps: 5 });
  },
  async inEffect(ctx) {
    const s = await probePort(ctx.stack.redis.port);
    if (s !== 'refused') return `Redis port is ${s}, not refused`;
    const r = await readiness(ctx);
    if (!('status' in r) || r.status !== 503 || 'checks' in r.body) return `readiness is not a flat 503: ${fmt(r)}`;
    const cache = r.body.cache as { status?: string } | undefined;
    return cache?.status === 'down' && r.body.database === 'ok'
      ? null
      : `readiness does not show cache down and database ok: ${fmt(r.body)}`;
  },
  expect: { rule: 'redis-down', service: 'kv', action: /warroom (health --service|diagnose redis) kv\b/ },
  notBlamed: [
    { rule: 'dependency-failing' },
    { rule: 'service-unhealthy' },
    { rule: 'service-not-listening', service: 'checkout' },
    { rule: 'error-spike-after-deploy' },
  ],
};

export const redisPoolExhausted: Scenario = {
  id: 'redis-pool-exhausted',
  title:
    'The app\'s redis-py pool (max 8) is held by BLPOPs it never gives back (fault switch): cart calls fail with "Too many connections"; Redis is fine',
  seedPattern: 'Gradual degradation',
  seedStep: 'Redis 3: connected clients',
  rootCause:
    "The app's own Redis connection pool is empty: each cart call takes a connection for a BLPOP on a key nobody pushes and never releases it; Redis has plenty of client slots and answers",
  names: { app: 'cart-api', db: 'db', cache: 'redis-main' },
  app: { appName: 'cart-api-prod', readyShape: 'object', readyCacheKey: 'redis', cartPrefix: 'cart:v2:' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.cart, MIX.browse), { seconds: 1.5, rps: 4 });
    await ctx.app.fault('leak_redis', true);
    ctx.facts.leakOnAt = new Date().toISOString();
    // Two cart calls in three: the first eight take the pool, the rest fail.
    await ctx.traffic(mix(times(MIX.cart, 4), MIX.browse), { seconds: 4, rps: 5 });
  },
  async inEffect(ctx) {
    const e = await redisWriteError(ctx.stack);
    if (e) return `Redis itself refuses a fresh client: ${e}`;
    const held = (await redisClientsNamed(ctx.stack, 'cart-api-prod')).filter((c) => c.cmd === 'blpop').length;
    ctx.facts.blpopHeld = held;
    if (held < 6) return `only ${held} connection(s) of cart-api-prod sit in BLPOP, expected the pool (8)`;
    const r = await readiness(ctx);
    if (!('status' in r) || r.status !== 503 || !/Too many connections/.test(JSON.stringify(r.body)))
      return `readiness does not report the pool: ${fmt(r)}`;
    const at = Date.parse(ctx.facts.leakOnAt as string);
    const failed = logLines(ctx).filter((l) => Date.parse(l.timestamp) >= at && l.path?.startsWith('/api/cart/') && (l.status ?? 0) >= 500);
    const before = logLines(ctx).filter((l) => Date.parse(l.timestamp) < at && (l.status ?? 0) >= 500).length;
    ctx.facts.cartFailures = { before, after: failed.length, last: failed.at(-1)?.timestamp };
    if (before !== 0 || failed.length < 3)
      return `expected no errors before the leak (${before}) and failing cart calls after it (${failed.length})`;
    return Date.now() - Date.parse(failed.at(-1)!.timestamp) < 2000
      ? null
      : `the last cart failure is ${Date.now() - Date.parse(failed.at(-1)!.timestamp)} ms old: it is not failing now`;
  },
  expect: { rule: 'app-pool-exhausted', service: 'cart-api', action: /warroom run restart --service cart-api\b/ },
  notBlamed: [
    { rule: 'redis-down' },
    { rule: 'redis-clients-exhausted' },
    { rule: 'dependency-failing', service: 'cart-api' },
    { rule: 'error-spike-after-deploy' },
  ],
};
