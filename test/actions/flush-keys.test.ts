import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../src/app/run-action.js';
import { configSchema, type WarroomConfig } from '../../src/config/schema.js';
import { expectRefusal } from '../helpers/factories.js';
import { matchesEverything } from '../../src/actions/flush-keys.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { tempDir } from '../helpers/cli.js';
import { actionEntries, newIncident } from './helpers.js';

/** The only Redis database these tests may touch. */
const REDIS_URL = 'redis://127.0.0.1:6379/12';

describe('flush-keys against the real Redis (database 12 only)', () => {
  let ts: TempStore;
  let redis: Redis;
  let config: WarroomConfig;

  beforeAll(async () => {
    ts = await createTempStore('sqlite');
    redis = new Redis(REDIS_URL);
    config = configSchema.parse({
      services: { cache: { redis: REDIS_URL } },
      remediation: { flush_keys: { max_share: 0.5, batch_size: 7 } },
    });
  });
  beforeEach(async () => {
    await redis.flushdb();
    const p = redis.pipeline();
    for (let i = 0; i < 40; i++) p.set(`cache:page:${i}`, 'x'.repeat(2000));
    for (let i = 0; i < 50; i++) p.set(`session:${i}`, 'keep me');
    p.set('cache-config', 'not matched: no colon');
    await p.exec();
  });
  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
    await ts.cleanup();
  });

  it('counts with SCAN and shows a sample in the dry run, deleting nothing', async () => {
    const ctx = testContext(ts.store, { config });
    const r = await runAction(ctx, { action: 'flush-keys', options: { service: 'cache', pattern: 'cache:*' }, dry_run: true });
    expect(r.plan!.facts).toMatchObject({ pattern: 'cache:*', matched: 40, total: 91, redis: '127.0.0.1:6379/12' });
    expect((r.plan!.facts.sample as string[]).length).toBe(10);
    expect((r.plan!.facts.sample as string[]).every((k) => k.startsWith('cache:'))).toBe(true);
    expect(r.plan!.steps[0].description).toContain('SCAN 0 MATCH "cache:*"');
    expect(await redis.dbsize()).toBe(91);
  });

  it('deletes only the matching keys in batches with UNLINK, reports memory before and after, and records it', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx, 'Redis full');
    const r = await runAction(ctx, {
      action: 'flush-keys',
      options: { service: 'cache', pattern: 'cache:*' },
      incident: inc,
      confirm: true,
    });
    expect(r.status).toBe('succeeded');
    expect(r.outcome!.facts).toMatchObject({ deleted: 40, left: 0, totalBefore: 91, totalAfter: 51 });
    expect(typeof r.outcome!.facts.usedMemoryBefore).toBe('number');
    expect(typeof r.outcome!.facts.usedMemoryAfter).toBe('number');
    expect(r.outcome!.verification.ok).toBe(true);
    expect(await redis.keys('cache:*')).toEqual([]);
    expect(await redis.get('session:7')).toBe('keep me');
    expect(await redis.get('cache-config')).toBe('not matched: no colon');
    expect(await redis.dbsize()).toBe(51);
    const [entry] = await actionEntries(ctx, inc);
    expect(entry.data).toMatchObject({ action: 'flush-keys', status: 'succeeded', facts: { deleted: 40 } });
    expect(entry.data!.output).toMatch(/used_memory .* → /);
  });

  it('refuses "*" (and other match-everything patterns) even with --force; nothing is deleted and the refusal is recorded', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    for (const pattern of ['*', '**', '*?*']) {
      const e = await expectRefusal(
        runAction(ctx, { action: 'flush-keys', options: { service: 'cache', pattern, force: true }, incident: inc, confirm: true }),
      );
      expect(e).toMatchObject({ code: 'VALIDATION', field: 'pattern' });
      expect(e.message).toContain('matches every key');
    }
    expect(matchesEverything('cache:*')).toBe(false);
    expect(matchesEverything('?')).toBe(false);
    expect(await redis.dbsize()).toBe(91);
    expect((await actionEntries(ctx, inc)).every((x) => (x.data as { status: string }).status === 'refused')).toBe(true);
  });

  it('refuses a pattern above max_share without --force, and goes ahead with --force', async () => {
    const ctx = testContext(ts.store, { config });
    const e = await expectRefusal(
      runAction(ctx, { action: 'flush-keys', options: { service: 'cache', pattern: 'session:*' }, confirm: true }),
    );
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toContain('it matches 50 of 91 keys (54.9%, above remediation.flush_keys.max_share 50%)');
    expect(await redis.dbsize()).toBe(91);
    const r = await runAction(ctx, {
      action: 'flush-keys',
      options: { service: 'cache', pattern: 'session:*', force: true },
      confirm: true,
    });
    expect(r.outcome!.facts).toMatchObject({ deleted: 50 });
    expect(r.plan!.warnings[0]).toContain('--force');
    expect(await redis.dbsize()).toBe(41);
  });

  it('treats shell metacharacters in the pattern literally: no shell runs, only the literally-named key goes', async () => {
    const ctx = testContext(ts.store, { config });
    const dir = tempDir('wr-flush-');
    const evil = `cache:$(touch ${join(dir, 'PWNED')});|xargs rm -rf ~`;
    await redis.set(evil, 'literal');
    await redis.set(`${evil}-2`, 'literal too');
    const r = await runAction(ctx, { action: 'flush-keys', options: { service: 'cache', pattern: `${evil}*` }, confirm: true });
    expect(r.outcome!.facts).toMatchObject({ deleted: 2 });
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(await redis.exists('cache:page:1', 'session:1')).toBe(2);
  });

  it('unknown service and a service without redis are clear errors', async () => {
    const ctx = testContext(ts.store, {
      config: configSchema.parse({ services: { cache: { redis: REDIS_URL }, api: { health: 'http://127.0.0.1:1/health' } } }),
    });
    expect(
      (await expectRefusal(runAction(ctx, { action: 'flush-keys', options: { service: 'nope', pattern: 'a:*' }, confirm: true }))).message,
    ).toMatch(/unknown service "nope"/);
    expect(
      (await expectRefusal(runAction(ctx, { action: 'flush-keys', options: { service: 'api', pattern: 'a:*' }, confirm: true }))).message,
    ).toBe('service: api has no redis URL in warroom.yaml (services.api.redis)');
    expect((await expectRefusal(runAction(ctx, { action: 'flush-keys', options: { service: 'cache' }, confirm: true }))).field).toBe(
      'pattern',
    );
    expect(await redis.dbsize()).toBe(91);
  });
});
