import { Redis } from 'ioredis';
import { validation, WarroomError } from '../core/errors.js';
import { findService, formatBytes, onlyKeys, optBool, optString, outcome } from './common.js';
import type { PrepareAction } from './types.js';

export const DEFAULT_MAX_SHARE = 0.5;
export const DEFAULT_BATCH_SIZE = 500;
/** Keys per SCAN call: big enough to be quick, small enough not to stall Redis. */
const SCAN_COUNT = 1000;
const SAMPLE_SIZE = 10;

/**
 * A pattern that matches every key ("*", "**", "*?*"...) is never a "flush non-critical keys":
 * it is FLUSHDB. warroom refuses it outright, --force or not; do that deliberately in redis-cli.
 */
export function matchesEverything(pattern: string): boolean {
  return /^[*?]+$/.test(pattern) && pattern.includes('*');
}

export function checkPattern(p: string): string {
  if (!p) throw validation('pattern: is required, e.g. "cache:*"', 'pattern');
  if (p.length > 1000) throw validation('pattern: too long (at most 1000 characters)', 'pattern');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F]/.test(p)) throw validation('pattern: contains control characters', 'pattern');
  if (matchesEverything(p))
    throw validation(
      `pattern: "${p}" matches every key; warroom never flushes a whole database (use a prefix such as "cache:*")`,
      'pattern',
    );
  return p;
}

function usedMemory(info: string): number | null {
  const m = /^used_memory:(\d+)/m.exec(info);
  return m ? Number(m[1]) : null;
}

function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}/${u.pathname.replace(/^\//, '') || '0'}`;
  } catch {
    return 'redis';
  }
}

/**
 * flush-keys --service NAME --pattern GLOB [--force]: counts matching keys with SCAN (never KEYS,
 * which blocks Redis), shows a sample, refuses a pattern that matches too large a share of the
 * database, then deletes with UNLINK in batches (freed in the background) and reports memory.
 */
export const prepareFlushKeys: PrepareAction = async (env, o) => {
  onlyKeys(o, ['service', 'pattern', 'force'], 'flush-keys');
  const pattern = checkPattern(optString(o, 'pattern', true));
  const force = optBool(o, 'force');
  const { name, svc } = findService(env.config, optString(o, 'service', true));
  if (!svc.redis) throw validation(`service: ${name} has no redis URL in warroom.yaml (services.${name}.redis)`, 'service');
  const maxShare = env.config.remediation?.flush_keys?.max_share ?? DEFAULT_MAX_SHARE;
  const batch = env.config.remediation?.flush_keys?.batch_size ?? DEFAULT_BATCH_SIZE;
  const target = redisTarget(svc.redis);
  // No offline queue and no endless reconnects: an unreachable Redis is an error now, not a hang.
  const redis = new Redis(svc.redis, {
    lazyConnect: true,
    connectTimeout: 5000,
    commandTimeout: 10_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  const close = async () => {
    redis.disconnect();
  };
  try {
    try {
      await redis.connect();
    } catch (e) {
      throw new WarroomError('UNAVAILABLE', `cannot connect to ${name}'s Redis at ${target}: ${(e as Error).message}`);
    }
    const total = await redis.dbsize();
    let matched = 0;
    const sample: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      matched += keys.length;
      for (const k of keys) if (sample.length < SAMPLE_SIZE) sample.push(k);
    } while (cursor !== '0');
    const share = total ? matched / total : 0;
    const memBefore = usedMemory(await redis.info('memory'));
    const facts = {
      service: name,
      redis: target,
      pattern,
      matched,
      total,
      share: Math.round(share * 10000) / 10000,
      maxShare,
      sample: sample.map((k) => env.redact(k)),
      usedMemoryBefore: memBefore,
    };
    if (share > maxShare && !force) {
      throw new WarroomError(
        'FORBIDDEN',
        `refusing to flush "${pattern}" on ${name}: it matches ${matched} of ${total} keys (${(share * 100).toFixed(1)}%, above remediation.flush_keys.max_share ${(maxShare * 100).toFixed(0)}%); pass --force if you are sure`,
        { field: 'pattern', details: facts },
      );
    }
    return {
      plan: {
        action: 'flush-keys',
        target: `${name} ${pattern}`,
        role: 'commander',
        summary: `delete ${matched} of ${total} keys matching "${pattern}" on ${name} (${target})`,
        steps: [
          { kind: 'redis', description: `SCAN 0 MATCH ${JSON.stringify(pattern)} COUNT ${SCAN_COUNT} until the cursor returns to 0` },
          { kind: 'redis', description: `UNLINK the matching keys in batches of ${batch}` },
          {
            kind: 'verify',
            description: `SCAN again to confirm no key matches, and compare used_memory (now ${memBefore === null ? 'unknown' : formatBytes(memBefore)})`,
          },
        ],
        facts,
        warnings: [
          ...(share > maxShare ? [`--force: the pattern matches ${(share * 100).toFixed(1)}% of all keys`] : []),
          ...(matched === 0 ? ['no key matches the pattern now; nothing would be deleted'] : []),
        ],
      },
      close,
      async execute() {
        let deleted = 0;
        let scanned = 0;
        let c = '0';
        const t0 = performance.now();
        let interrupted = false;
        // Keys created between the count and now that match are deleted too: the pattern is what was confirmed.
        do {
          if (env.signal?.aborted) {
            interrupted = true;
            break;
          }
          const [next, keys] = await redis.scan(c, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          c = next;
          scanned += keys.length;
          for (let i = 0; i < keys.length; i += batch) deleted += await redis.unlink(...keys.slice(i, i + batch));
        } while (c !== '0');
        let left = 0;
        let c2 = '0';
        do {
          const [next, keys] = await redis.scan(c2, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          c2 = next;
          left += keys.length;
        } while (c2 !== '0');
        const memAfter = usedMemory(await redis.info('memory'));
        const totalAfter = await redis.dbsize();
        const durationMs = Math.round(performance.now() - t0);
        const mem = `used_memory ${memBefore === null ? '?' : formatBytes(memBefore)} → ${memAfter === null ? '?' : formatBytes(memAfter)}`;
        const lines = [
          `deleted ${deleted} key(s) matching ${JSON.stringify(pattern)} (scanned ${scanned})`,
          `${left} matching key(s) left; ${totalAfter} key(s) in the database`,
          mem,
        ];
        return outcome({
          status: interrupted ? 'interrupted' : 'succeeded',
          output: lines.join('\n'),
          steps: [{ description: `SCAN + UNLINK ${pattern}`, status: interrupted ? 'interrupted' : 'succeeded', durationMs }],
          summary: `${interrupted ? 'interrupted after deleting' : 'deleted'} ${deleted} key(s) matching "${pattern}" on ${name}; ${mem}`,
          error: interrupted ? 'interrupted' : null,
          verification:
            left === 0
              ? { ok: true, detail: `no key matches "${pattern}" any more` }
              : { ok: false, detail: `${left} key(s) still match "${pattern}" (written since, or interrupted)` },
          facts: { deleted, left, totalBefore: total, totalAfter, usedMemoryBefore: memBefore, usedMemoryAfter: memAfter },
        });
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
};
