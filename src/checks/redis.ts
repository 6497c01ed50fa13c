import { Redis } from 'ioredis';
import { describeDsn } from './postgres.js';
import { checkSignal, describeNetError, raceSignal, result } from './util.js';
import type { CheckOptions, CheckResult } from './types.js';

/**
 * A client for one short look: no retries, no offline queue, so a down Redis is an
 * immediate, explained failure rather than a hang.
 */
export function connectRedis(url: string, timeoutMs: number): Redis {
  const r = new Redis(url, {
    lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
    enableReadyCheck: false, connectionName: 'warroom',
  });
  r.on('error', () => {});
  return r;
}

export function describeRedisError(e: unknown, where: string, timeoutMs: number): string {
  const err = e as NodeJS.ErrnoException;
  const m = err.message ?? String(e);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(m)) return `authentication failed at ${where}: ${m.replace(/^ReplyError: /, '')}`;
  if (/Command timed out|ETIMEDOUT|connect ETIMEDOUT/i.test(m)) return `no answer from ${where} within ${timeoutMs} ms`;
  if (/LOADING/.test(m)) return `${where} is loading its dataset into memory`;
  if (err.code && /^E[A-Z]+$/.test(err.code)) return describeNetError(e, where, timeoutMs);
  if (/Connection is closed|Stream isn't writeable/i.test(m)) return `${where} closed the connection`;
  return `${where}: ${m}`;
}

export async function checkRedis(service: string, url: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  const where = describeDsn(url);
  const r = connectRedis(url, timeoutMs);
  try {
    const pong = await raceSignal((async () => { await r.connect(); return r.ping(); })(), signal, () => Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    return result(service, 'redis', where, pong === 'PONG' ? 'up' : 'degraded', start, { reply: pong }, pong === 'PONG' ? undefined : `PING answered ${pong}`);
  } catch (e) {
    return result(service, 'redis', where, 'down', start, { code: (e as NodeJS.ErrnoException).code ?? null }, describeRedisError(e, where, timeoutMs));
  } finally {
    r.disconnect();
  }
}
