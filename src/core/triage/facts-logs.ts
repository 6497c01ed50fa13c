/** Log facts: the current window against the one before it, by error class and endpoint latency. */
import { formatMs, round1 } from '../units.js';
import { classifyError } from './error-classes.js';
import type { LogObservation, LogWindow } from './observations.js';
import type { Facts, TriageThresholds } from './rules.js';

export interface ClassCounts {
  pool: number;
  redis: number;
  postgres: number;
  connection: number;
  code: number;
}
export const emptyCounts = (): ClassCounts => ({ pool: 0, redis: 0, postgres: 0, connection: 0, code: 0 });

export function classCounts(w: LogWindow | null | undefined): ClassCounts {
  const c = emptyCounts();
  if (!w) return c;
  let classified = 0;
  for (const s of w.signatures) {
    c[classifyError(s.type, `${s.template} ${s.sample}`)] += s.count;
    classified += s.count;
  }
  // Error events that carry no signature (an access line with a 5xx) are of unknown class: counted as code.
  c.code += Math.max(0, w.errors - classified);
  return c;
}

export const sigKey = (s: { type: string; template: string }) => `${s.type}\u0000${s.template}`;
/** "KeyError: 'sku'", or the bare type when the exception has no message (asyncio's TimeoutError). */
export const sigText = (s: { type: string; template: string }) => (s.template.trim() ? `${s.type}: ${s.template}` : s.type).slice(0, 240);

/** The endpoint whose latency rose into the slow range now, against the window before. */
export function slowEndpoints(now: LogWindow | null, before: LogWindow | null, thresholdMs: number) {
  if (!now) return [];
  const prev = new Map((before?.latency ?? []).map((l) => [l.endpoint, l]));
  const out: { endpoint: string; p50: number; p95: number; count: number; beforeP50: number | null }[] = [];
  for (const l of now.latency) {
    if (l.count < 2 || l.p50 < thresholdMs) continue;
    const b = prev.get(l.endpoint);
    // Slow by design (as slow before as now) is not a change; a regression is at least 1.5 × its old median.
    if (b && b.count >= 2 && b.p50 * 1.5 > l.p50) continue;
    out.push({ endpoint: l.endpoint, p50: l.p50, p95: l.p95, count: l.count, beforeP50: b && b.count >= 2 ? b.p50 : null });
  }
  return out.sort((a, b) => b.p50 * b.count - a.p50 * a.count);
}

export function logFacts(l: LogObservation | undefined, t: TriageThresholds, now: Date, currentWindowMs: number): Facts | undefined {
  if (!l) return undefined;
  if (!l.available) return { available: false, reason: l.reason ?? null };
  const n = l.now;
  const b = l.before;
  const nowCounts = classCounts(n);
  const linesNow = n?.lines ?? 0;
  const errorsNow = n?.errors ?? 0;
  const linesBefore = b?.lines ?? 0;
  const errorsBefore = b?.errors ?? 0;
  const topNow = [...(n?.endpoints ?? [])].filter((e) => e.errors > 0).sort((x, y) => y.errors - x.errors)[0];
  const sigNow = [...(n?.signatures ?? [])].sort((x, y) => y.count - x.count);
  const beforeSigs = new Set((b?.signatures ?? []).map(sigKey));
  const newNow = sigNow.filter((s) => !beforeSigs.has(sigKey(s)));
  const poolSig = sigNow.find((s) => classifyError(s.type, `${s.template} ${s.sample}`) === 'pool');
  const slow = slowEndpoints(n ?? null, b ?? null, t.latency_ms);
  const lastErrorAt =
    [...(b?.signatures ?? []), ...(n?.signatures ?? [])]
      .map((s) => s.lastSeen)
      .filter((x): x is string => !!x)
      .sort()
      .pop() ?? null;
  const rateNow = linesNow ? round1((errorsNow / linesNow) * 100) : null;
  const rateBefore = linesBefore ? round1((errorsBefore / linesBefore) * 100) : null;
  const beforeTop = [...(b?.endpoints ?? [])].filter((e) => e.errors > 0).sort((x, y) => y.errors - x.errors)[0];
  return {
    available: true,
    current_window: formatMs(currentWindowMs),
    current_window_s: Math.round(currentWindowMs / 1000),
    lines_now: linesNow,
    errors_now: errorsNow,
    error_rate_now_pct: rateNow,
    lines_before: linesBefore,
    errors_before: errorsBefore,
    error_rate_before_pct: rateBefore,
    // The names earlier versions used: now they mean the current window.
    window: formatMs(currentWindowMs),
    lines: linesNow,
    errors: errorsNow,
    error_rate_pct: rateNow,
    top_endpoint: topNow?.endpoint ?? null,
    top_endpoint_errors: topNow?.errors ?? 0,
    top_endpoint_requests: topNow?.requests ?? 0,
    top_signature: sigNow[0] ? sigText(sigNow[0]) : null,
    top_signature_count: sigNow[0]?.count ?? 0,
    top_signature_class: sigNow[0] ? classifyError(sigNow[0].type, `${sigNow[0].template} ${sigNow[0].sample}`) : null,
    new_signatures_now: newNow.length,
    new_signature_first: newNow[0] ? sigText(newNow[0]) : null,
    errors_now_by_class: nowCounts,
    pool_errors_now: nowCounts.pool,
    redis_errors_now: nowCounts.redis,
    postgres_errors_now: nowCounts.postgres,
    connection_errors_now: nowCounts.connection,
    code_errors_now: nowCounts.code,
    pool_error_sample: poolSig ? sigText({ type: poolSig.type, template: poolSig.sample || poolSig.template }) : null,
    pool_error_count: poolSig?.count ?? 0,
    slow_endpoint: slow[0]?.endpoint ?? null,
    slow_endpoint_p50_ms: slow[0]?.p50 ?? null,
    slow_endpoint_p95_ms: slow[0]?.p95 ?? null,
    slow_endpoint_p50: slow[0] ? formatMs(slow[0].p50) : null,
    slow_endpoint_before_p50: slow[0]?.beforeP50 != null ? formatMs(slow[0].beforeP50) : null,
    slow_endpoint_requests: slow[0]?.count ?? 0,
    slow_endpoint_count: slow.length,
    slow_endpoints: slow.map((s) => s.endpoint),
    recovered: linesNow > 0 && errorsNow === 0 && errorsBefore >= 3 && (rateBefore ?? 0) >= t.error_rate_pct,
    recovered_top_endpoint: beforeTop?.endpoint ?? null,
    last_error_at: lastErrorAt,
    last_error_ago: lastErrorAt ? formatMs(now.getTime() - Date.parse(lastErrorAt)) : null,
    erroring: errorsNow >= 3 && (rateNow ?? 0) >= t.error_rate_pct,
  };
}
