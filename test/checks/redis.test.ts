import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/checks/redis.js';
import { describeSlowCommand, diagnoseRedis, parseRedisInfo } from '../../src/checks/diagnose-redis.js';
import { refusedPort, startRedis } from './peers.js';

/** The shared Redis on 6379 is used only through db index 11; server settings change only on our own instances. */
const SHARED = 'redis://127.0.0.1:6379/11';

describe('diagnose redis on the shared instance (db 11)', () => {
  let r: Redis;
  beforeAll(async () => {
    r = new Redis(SHARED, { maxRetriesPerRequest: 1 });
    await r.flushdb().catch((e) => {
      throw new Error(`Redis is not answering at ${SHARED}: ${e.message}`);
    });
    for (let i = 0; i < 25; i++) await r.set(`cache:item:${i}`, 'v', 'EX', 600);
    await r.set('session:1', 'x');
  });
  afterAll(async () => {
    await r?.flushdb();
    r?.disconnect();
  });

  it('reports PING latency, memory, clients and the keyspace of db11', async () => {
    const d = await diagnoseRedis(SHARED);
    expect(d.reachable).toBe(true);
    expect(d.facts.ping_ms).toBeGreaterThan(0);
    expect(d.facts.used_memory_bytes).toBeGreaterThan(0);
    expect(d.facts.connected_clients).toBeGreaterThanOrEqual(2);
    expect(d.facts.maxclients).toBeGreaterThan(0);
    expect(d.keyspace.db11).toEqual({ keys: 26, expires: 25 });
    expect(d.facts.role).toBe('master');
  });

  it('is a clear finding, not a crash, when nothing listens', async () => {
    const port = await refusedPort();
    const d = await diagnoseRedis(`redis://:pw-in-url-123@127.0.0.1:${port}/0`, { timeoutMs: 1000 });
    expect(d.reachable).toBe(false);
    expect(d.error).toMatch(/connection refused/);
    expect(JSON.stringify(d)).not.toContain('pw-in-url-123');
    const c = await checkRedis('cache', `redis://127.0.0.1:${port}`);
    expect(c.state).toBe('down');
  });
});

describe('a memory-limited Redis of our own', () => {
  let inst: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    // 2 MiB maxmemory with noeviction: writes fail with OOM once full. Every command goes to SLOWLOG.
    inst = await startRedis([
      '--maxmemory',
      '2mb',
      '--maxmemory-policy',
      'noeviction',
      '--slowlog-log-slower-than',
      '0',
      '--slowlog-max-len',
      '128',
    ]);
    const c = new Redis(inst.url, { maxRetriesPerRequest: 0 });
    c.on('error', () => {});
    let oom = false;
    for (let i = 0; i < 400 && !oom; i++) {
      try {
        await c.set(`cache:blob:${i}`, 'x'.repeat(16 * 1024));
      } catch (e) {
        if (/OOM/.test((e as Error).message)) oom = true;
        else throw e;
      }
    }
    if (!oom) throw new Error('the test instance never reported OOM');
    await c.set('auth:token', 'hunter2-super-secret').catch(() => {});
    c.disconnect();
  }, 30_000);
  afterAll(() => inst?.stop());

  it('finds memory full: used vs maxmemory, the policy, refused writes', async () => {
    const d = await diagnoseRedis(inst.url);
    expect(d.reachable).toBe(true);
    expect(d.facts.maxmemory_bytes).toBe(2 * 1024 * 1024);
    expect(d.facts.maxmemory_policy).toBe('noeviction');
    expect(d.facts.memory_used_pct).toBeGreaterThanOrEqual(90);
    expect(d.facts.oom_errors).toBeGreaterThanOrEqual(1);
    expect(d.summary.join('\n')).toMatch(/write\(s\) refused with OOM \(maxmemory reached and the policy is noeviction\)/);
  });

  it('shows SLOWLOG entries with command and key only, never values', async () => {
    const d = await diagnoseRedis(inst.url, { slowlogCount: 50 });
    expect(d.slowlog.length).toBeGreaterThan(0);
    expect(d.facts.slowlog_len).toBeGreaterThan(0);
    expect(d.slowlog.some((e) => /^SET cache:blob:\d+ … \(1 more argument\)$/.test(e.command))).toBe(true);
    expect(JSON.stringify(d)).not.toContain('hunter2-super-secret');
    expect(JSON.stringify(d)).not.toContain('xxxxxxxxxxxxxxxx');
    for (let i = 1; i < d.slowlog.length; i++) expect(d.slowlog[i - 1].durationUs).toBeGreaterThanOrEqual(d.slowlog[i].durationUs);
  });
});

describe('wrong credentials and a full client table', () => {
  let inst: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    inst = await startRedis(['--requirepass', 'right-pass-77', '--maxclients', '3']);
  }, 30_000);
  afterAll(() => inst?.stop());

  it('reports authentication failure without printing the password', async () => {
    const url = `redis://:wrong-pass-99@127.0.0.1:${inst.port}/0`;
    const c = await checkRedis('cache', url);
    expect(c.state).toBe('down');
    expect(c.error).toMatch(/authentication failed/);
    const d = await diagnoseRedis(url);
    expect(d.reachable).toBe(false);
    expect(JSON.stringify([c, d])).not.toContain('wrong-pass-99');
  });

  it('counts rejected connections once maxclients is reached', async () => {
    const url = `redis://:right-pass-77@127.0.0.1:${inst.port}/0`;
    const held: Redis[] = [];
    for (let i = 0; i < 4; i++) {
      const c = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
      c.on('error', () => {});
      held.push(c);
      await c
        .connect()
        .then(() => c.ping())
        .catch(() => {});
    }
    held.pop()!.disconnect();
    held.pop()!.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    const d = await diagnoseRedis(url);
    held.forEach((c) => c.disconnect());
    expect(d.reachable).toBe(true);
    expect(d.facts.rejected_connections).toBeGreaterThanOrEqual(1);
    expect(d.facts.maxclients).toBe(3);
  });
});

describe('pure helpers', () => {
  it('parses INFO sections and hides AUTH arguments', () => {
    expect(parseRedisInfo('# Memory\r\nused_memory:100\r\nmaxmemory:0\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n')).toEqual({
      used_memory: '100',
      maxmemory: '0',
      db0: 'keys=1,expires=0,avg_ttl=0',
    });
    expect(describeSlowCommand(['AUTH', 'user', 'secret'])).toBe('AUTH (arguments hidden)');
    expect(describeSlowCommand(['keys', '*'])).toBe('KEYS *');
  });
});
