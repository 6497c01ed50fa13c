import { Redis } from 'ioredis';
import { describeDsn } from './postgres.js';
import { checkSignal, describeNetError, raceSignal, result } from './util.js';
import type { CheckOptions, CheckResult } from './types.js';

/**
 * A client for one short look: no retries, no offline queue, so a down Redis is an
 * immediate, explained failure rather than a hang.
 *
 * disconnectTimeout 0: disconnect() ends the socket and destroys it on the next turn of the
 * event loop. ioredis's default waits up to 2 s for the socket's 'close' before destroying it,
 * on a timer that keeps the process alive: after a refused connect the socket has already
 * closed, so nothing clears that timer, and a peer that accepts and never reads never closes;
 * either way every command lingered 2 s after printing its answer.
 */
export function connectRedis(url: string, timeoutMs: number): Redis & { lastError?: Error } {
  const r: Redis & { lastError?: Error } = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    connectionName: 'warroom',
    disconnectTimeout: 0,
  });
  // connect() rejects with a bare "Connection is closed"; the cause (refused, WRONGPASS) arrives as an event.
  r.on('error', (e: Error) => {
    r.lastError = e;
  });
  return r;
}

/**
 * ioredis rejects connect() with a bare "Connection is closed"; the cause (refused, WRONGPASS)
 * arrives as an 'error' event, sometimes just after the rejection.
 */
export async function causeOf(r: { lastError?: Error }, e: unknown): Promise<unknown> {
  if (!/Connection is closed|Stream isn't writeable/.test((e as Error)?.message ?? '')) return e;
  if (!r.lastError) await new Promise((res) => setTimeout(res, 25));
  return r.lastError ?? e;
}

export function describeRedisError(e: unknown, where: string, timeoutMs: number): string {
  const err = e as NodeJS.ErrnoException;
  const m = err.message ?? String(e);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(m))
    return `authentication failed at ${where}: ${m.replace(/^ReplyError: /, '')}`;
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
    const pong = await raceSignal(
      (async () => {
        await r.connect();
        return r.ping();
      })(),
      signal,
      () => Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }),
    );
    return result(
      service,
      'redis',
      where,
      pong === 'PONG' ? 'up' : 'degraded',
      start,
      { reply: pong },
      pong === 'PONG' ? undefined : `PING answered ${pong}`,
    );
  } catch (e) {
    const cause = await causeOf(r, e);
    return result(
      service,
      'redis',
      where,
      'down',
      start,
      { code: (cause as NodeJS.ErrnoException).code ?? null },
      describeRedisError(cause, where, timeoutMs),
    );
  } finally {
    r.disconnect();
  }
}
