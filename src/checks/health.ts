import { setMaxListeners } from 'node:events';
import type { ServiceConfig } from '../config/schema.js';
import { checkDisk } from './disk.js';
import { checkHttp } from './http.js';
import { checkTcp } from './tcp.js';
import {
  DEFAULT_TIMEOUT_MS,
  worstState,
  type CheckKind,
  type CheckOptions,
  type CheckResult,
  type CheckState,
  type HealthReport,
  type ServiceHealth,
} from './types.js';
import { result } from './util.js';

export type { CheckResult, HealthReport, ServiceHealth, CheckState } from './types.js';

/** Thresholds the checks judge by (from `triage.thresholds` in warroom.yaml). */
export interface HealthThresholds {
  /** TLS: days before expiry that count as degraded (default 14). */
  tlsWarnDays?: number;
  /** Disk: free % below which a disk is degraded (default 10) and down (default 5). */
  diskWarnFreePct?: number;
  diskCriticalFreePct?: number;
  /**
   * HTTP: latency at or above which an otherwise healthy answer is degraded (default 1000 ms,
   * `triage.thresholds.latency_ms`): the latency triage calls slow, so health agrees with it.
   */
  httpSlowMs?: number;
}

export const DEFAULT_HTTP_SLOW_MS = 1000;

const inWords = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`);

/** An HTTP answer that came at or above the slow threshold is degraded, whatever else it says. */
export function judgeLatency(c: CheckResult, slowMs: number): CheckResult {
  if (c.state === 'down' || c.latencyMs < slowMs) return c;
  const slow = `slow: answered in ${inWords(c.latencyMs)} (threshold ${inWords(slowMs)})`;
  return { ...c, state: 'degraded', evidence: { ...c.evidence, slowThresholdMs: slowMs }, error: c.error ? `${c.error}; ${slow}` : slow };
}

export interface CheckServiceOptions {
  /** Per-check timeout; the service's own `timeout` wins over it. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The signal for a check with this timeout, firing when it has passed or `signal` fires
   * (runHealth's one clock for a run). Without it, each check starts its own timer.
   */
  timeoutSignal?: (timeoutMs: number) => AbortSignal;
  thresholds?: HealthThresholds;
}

/** How many probes a service config declares (0 means nothing to check). */
export function countProbes(svc: ServiceConfig): number {
  return (
    (svc.health ? 1 : 0) +
    (svc.postgres ? 1 : 0) +
    (svc.redis ? 1 : 0) +
    (svc.container ? 1 : 0) +
    (svc.tcp?.length ?? 0) +
    (svc.dns?.length ?? 0) +
    (svc.tls?.length ?? 0) +
    (svc.disk?.length ?? 0)
  );
}

/** Every probe of one service, concurrently; the service is as healthy as its worst check. */
export async function checkService(name: string, svc: ServiceConfig, opts: CheckServiceOptions = {}): Promise<ServiceHealth> {
  const timeoutMs = svc.timeout ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const o: CheckOptions = opts.timeoutSignal
    ? { timeoutMs, signal: opts.timeoutSignal(timeoutMs), signalIncludesTimeout: true }
    : { timeoutMs, signal: opts.signal };
  const t = opts.thresholds ?? {};
  const jobs: Promise<CheckResult>[] = [];
  if (svc.health) jobs.push(checkHttp(name, svc.health, o).then((c) => judgeLatency(c, t.httpSlowMs ?? DEFAULT_HTTP_SLOW_MS)));
  // Modules only some check kinds need (pg and ioredis above all, but also node:tls, the
  // resolver and the Docker client) are loaded when a service uses them: a `warroom health`
  // that checks nothing but URLs starts without them.
  if (svc.postgres) jobs.push(import('./postgres.js').then((m) => m.checkPostgres(name, svc.postgres!, o)));
  if (svc.redis) jobs.push(import('./redis.js').then((m) => m.checkRedis(name, svc.redis!, o)));
  for (const hp of svc.tcp ?? []) jobs.push(checkTcp(name, hp, o));
  for (const h of svc.dns ?? []) jobs.push(import('./dns.js').then((m) => m.checkDns(name, h, o)));
  for (const h of svc.tls ?? []) jobs.push(import('./tls.js').then((m) => m.checkTls(name, h, { ...o, warnDays: t.tlsWarnDays })));
  for (const p of svc.disk ?? [])
    jobs.push(checkDisk(name, p, { ...o, warnFreePct: t.diskWarnFreePct, criticalFreePct: t.diskCriticalFreePct }));
  if (svc.container) jobs.push(import('./container.js').then((m) => m.checkContainer(name, svc.container!, o)));
  if (!jobs.length) {
    const c = result(
      name,
      'config',
      name,
      'degraded',
      process.hrtime.bigint(),
      {},
      'no probes configured: add health, tcp, postgres, redis, dns, tls, disk or container to this service in warroom.yaml',
    );
    return { service: name, state: 'degraded', checks: [c] };
  }
  const checks = await Promise.all(jobs);
  return { service: name, state: worstState(checks.map((c) => c.state)), checks };
}

export interface RunHealthOptions {
  /** Per-check timeout (default 2000 ms). */
  timeoutMs?: number;
  /** Overall deadline (default: the longest per-check timeout + DEADLINE_MARGIN_MS). */
  deadlineMs?: number;
  thresholds?: HealthThresholds;
  now?: () => Date;
}

/**
 * How long after the longest per-check timeout the report is due at the latest. Every check
 * answers its own timeout on time (they share one clock, see runClock), so the deadline only
 * catches checks that cannot be cancelled, such as a getaddrinfo stuck in the thread pool.
 */
export const DEADLINE_MARGIN_MS = 100;

const KIND_ORDER: CheckKind[] = ['http', 'tcp', 'postgres', 'redis', 'dns', 'tls', 'disk', 'container', 'config'];

/**
 * Checks every service at once. A hanging target cannot hold the report past the deadline:
 * each check is aborted by it, and a check that ignores the abort is replaced by a timeout result.
 */
export async function runHealth(services: Record<string, ServiceConfig>, opts: RunHealthOptions = {}): Promise<HealthReport> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const probed = Object.entries(services).filter(([, s]) => countProbes(s) > 0);
  const skipped = Object.entries(services)
    .filter(([, s]) => countProbes(s) === 0)
    .map(([n]) => n);
  const longest = Math.max(timeoutMs, ...probed.map(([, s]) => s.timeout ?? timeoutMs));
  const deadlineMs = opts.deadlineMs ?? longest + DEADLINE_MARGIN_MS;
  const deadline = new AbortController();
  // Every check of every service listens to this one signal; 200 listeners are expected, not a leak.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  const clock = runClock(deadline.signal);
  let services_: ServiceHealth[];
  try {
    services_ = await Promise.all(
      probed.map(([name, svc]) =>
        withDeadline(
          name,
          checkService(name, svc, { timeoutMs, signal: deadline.signal, timeoutSignal: clock.signalFor, thresholds: opts.thresholds }),
          deadline.signal,
          deadlineMs,
        ),
      ),
    );
  } finally {
    clearTimeout(timer);
    clock.stop();
  }
  for (const s of services_) s.checks.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const counts: Record<CheckState, number> = { up: 0, degraded: 0, down: 0 };
  for (const s of services_) counts[s.state]++;
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    timeoutMs,
    deadlineMs,
    state: worstState(services_.map((s) => s.state)),
    counts,
    services: services_,
    skipped,
  };
}

/**
 * One clock for every check of a run: the checks with the same timeout share one timer, started
 * with the run, instead of a timer each from the moment its request is made. Making 200
 * requests takes tens of milliseconds of CPU (more on a busy machine); with a timer per check,
 * the last wedged target would time out that much later, and the whole report with it.
 */
function runClock(deadline: AbortSignal): { signalFor: (timeoutMs: number) => AbortSignal; stop: () => void } {
  const t0 = performance.now();
  const signals = new Map<number, AbortSignal>();
  const timers: NodeJS.Timeout[] = [];
  return {
    signalFor(timeoutMs) {
      let signal = signals.get(timeoutMs);
      if (!signal) {
        const c = new AbortController();
        signal = c.signal;
        setMaxListeners(0, signal);
        const timedOut = () => c.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
        timers.push(setTimeout(timedOut, Math.max(0, t0 + timeoutMs - performance.now())));
        if (deadline.aborted) c.abort(deadline.reason);
        else deadline.addEventListener('abort', () => c.abort(deadline.reason), { once: true });
        signals.set(timeoutMs, signal);
      }
      return signal;
    },
    stop: () => timers.forEach(clearTimeout),
  };
}

function withDeadline(name: string, p: Promise<ServiceHealth>, signal: AbortSignal, deadlineMs: number): Promise<ServiceHealth> {
  return new Promise((resolve) => {
    const late = () => {
      const c = result(
        name,
        'config',
        name,
        'down',
        process.hrtime.bigint(),
        { deadlineMs },
        `checks did not finish before the overall deadline of ${deadlineMs} ms`,
      );
      resolve({ service: name, state: 'down', checks: [c] });
    };
    if (signal.aborted) return late();
    // Give aborted checks a moment to report their own, more precise, timeout (and cancel that
    // moment when they do, or the process outlives the report by it).
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      grace = setTimeout(late, 50);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(grace);
    };
    p.then(
      (v) => {
        settle();
        resolve(v);
      },
      () => {
        settle();
        late();
      },
    );
  });
}
