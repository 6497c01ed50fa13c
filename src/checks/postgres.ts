import pg from 'pg';
import { redactText } from '../core/redact.js';
import { checkSignal, describeNetError, result } from './util.js';
import type { CheckOptions, CheckResult } from './types.js';

/** Where a DSN points, without its password: safe to print. */
export function describeDsn(dsn: string): string {
  try {
    const u = new URL(dsn);
    if (u.password) u.password = '';
    return redactText(`${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`);
  } catch {
    return redactText(dsn);
  }
}

/** PostgreSQL error codes an on-call engineer meets at connect time, in words. */
export function describePgError(e: unknown, where: string, timeoutMs: number): string {
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case '28P01':
    case '28000':
      return `authentication failed at ${where}: ${err.message}`;
    case '3D000':
      return `${where}: ${err.message}`;
    case '53300':
      return `${where} refuses new connections: too many clients (max_connections reached)`;
    case '57P03':
      return `${where} is starting up or shutting down (cannot connect now)`;
    case '57014':
      return `${where}: query cancelled by statement_timeout (${timeoutMs} ms)`;
  }
  if (/timeout/i.test(err.message ?? '')) return `no answer from ${where} within ${timeoutMs} ms`;
  if (err.code && /^E[A-Z]+$/.test(err.code)) return describeNetError(e, where, timeoutMs);
  return `${where}: ${redactText(err.message ?? String(e))}`;
}

/**
 * A client for one short look: statement_timeout and lock_timeout so warroom can never
 * be the session that holds things up, and an application_name that says who it is.
 */
export async function connectPostgres(dsn: string, timeoutMs: number, applicationName = 'warroom'): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: dsn,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    lock_timeout: Math.min(timeoutMs, 1000),
    query_timeout: timeoutMs + 500,
    application_name: applicationName,
  });
  // A server-side disconnect after connect emits 'error' on the client; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  return client;
}

/** Connect and SELECT 1; the evidence carries the server version. */
export async function checkPostgres(service: string, dsn: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  const where = describeDsn(dsn);
  let client: pg.Client | undefined;
  const onAbort = () => {
    void client?.end().catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    client = await connectPostgres(dsn, timeoutMs, 'warroom-health');
    if (signal.aborted) throw Object.assign(new Error('timeout'), { code: 'TIMEOUT' });
    const r = await client.query<{ one: number; version: string; recovery: boolean }>(
      "select 1 as one, current_setting('server_version') as version, pg_is_in_recovery() as recovery",
    );
    return result(service, 'postgres', where, 'up', start, { serverVersion: r.rows[0].version, inRecovery: r.rows[0].recovery });
  } catch (e) {
    const code = (e as { code?: string }).code ?? null;
    const msg = signal.aborted ? `no answer from ${where} within ${timeoutMs} ms` : describePgError(e, where, timeoutMs);
    return result(service, 'postgres', where, 'down', start, { code }, msg);
  } finally {
    signal.removeEventListener('abort', onAbort);
    await client?.end().catch(() => {});
  }
}
