import { redactText } from '../core/redact.js';
import { DEFAULT_TIMEOUT_MS, type CheckKind, type CheckOptions, type CheckResult, type CheckState } from './types.js';

/** Combines the per-check timeout with the caller's signal (the overall deadline). */
export function checkSignal(opts: CheckOptions): { signal: AbortSignal; timeoutMs: number } {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (opts.signal && opts.signalIncludesTimeout) return { signal: opts.signal, timeoutMs };
  const t = AbortSignal.timeout(timeoutMs);
  return { signal: opts.signal ? AbortSignal.any([t, opts.signal]) : t, timeoutMs };
}

/** Resolves with the promise, or rejects when the signal fires, whichever is first. */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

export function elapsed(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
}

export function result(
  service: string,
  kind: CheckKind,
  target: string,
  state: CheckState,
  start: bigint,
  evidence: Record<string, unknown>,
  error?: string,
): CheckResult {
  return {
    service,
    kind,
    target: redactText(target),
    state,
    latencyMs: elapsed(start),
    evidence,
    ...(error !== undefined && { error: redactText(error) }),
  };
}

/** Network error codes in words; the raw code stays in the evidence. */
export function describeNetError(e: unknown, where: string, timeoutMs: number): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (nothing listening on that port)`;
    case 'ENOTFOUND':
      return `${where}: host name does not resolve`;
    case 'EAI_AGAIN':
      return `${where}: DNS lookup failed temporarily (resolver unreachable?)`;
    case 'ECONNRESET':
      return `${where} reset the connection`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable (no route)`;
    case 'ETIMEDOUT':
      return `no answer from ${where} within ${timeoutMs} ms`;
    case 'EPIPE':
      return `${where} closed the connection`;
    default:
      return `${where}: ${err?.message ?? String(e)}`;
  }
}

/** Splits "host:port" and "[v6]:port" (the port is optional when a default is given). */
export function splitHostPort(s: string, defaultPort?: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new Error(`cannot read "${s}" as host:port`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`"${s}": expected host:port with a port from 1 to 65535`);
  return { host: m[1], port };
}
