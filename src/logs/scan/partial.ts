import { HIST_BUCKETS, mergeHist, percentile } from './histogram.js';
import { detectSpike } from '../spike.js';
import type { MinuteAgg } from './minute-agg.js';
import type { ChangeRecord, ErrorSignature, EndpointLatency, FailingEndpoint, LogAnalysis, MinuteBucket } from '../types.js';

// MinuteAgg has its own file so that spike.ts, which partial.ts calls, need not import partial.ts back.
export type { MinuteAgg } from './minute-agg.js';

/**
 * What one scanner (one worker's byte range, one stream) has counted. Everything merges by
 * adding, min or max, so ranges can be scanned in any order on any thread. Plain data only:
 * it crosses the worker boundary by structured clone.
 */
export interface PartialAnalysis {
  lines: number;
  bytes: number;
  linesInWindow: number;
  malformed: number;
  undated: number;
  formats: Record<string, number>;
  levels: Record<string, number>;
  firstMs: number | null;
  lastMs: number | null;
  errorEvents: number;
  minutes: Map<number, MinuteAgg>;
  endpoints: Map<string, EndpointAgg>;
  signatures: Map<string, SignatureAgg>;
}

export interface EndpointAgg {
  method: string | null;
  path: string;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  hist: Uint32Array | null;
  durCount: number;
  durSum: number;
  durMax: number;
}

export interface SignatureAgg {
  type: string;
  template: string;
  count: number;
  firstMs: number | null;
  lastMs: number | null;
  sample: string;
}

export function emptyPartial(): PartialAnalysis {
  return {
    lines: 0,
    bytes: 0,
    linesInWindow: 0,
    malformed: 0,
    undated: 0,
    formats: {},
    levels: {},
    firstMs: null,
    lastMs: null,
    errorEvents: 0,
    minutes: new Map(),
    endpoints: new Map(),
    signatures: new Map(),
  };
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function addCounts(into: Record<string, number>, from: Record<string, number>) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Folds b into a (a is modified and returned). */
export function mergePartials(a: PartialAnalysis, b: PartialAnalysis): PartialAnalysis {
  a.lines += b.lines;
  a.bytes += b.bytes;
  a.linesInWindow += b.linesInWindow;
  a.malformed += b.malformed;
  a.undated += b.undated;
  addCounts(a.formats, b.formats);
  addCounts(a.levels, b.levels);
  a.firstMs = minOf(a.firstMs, b.firstMs);
  a.lastMs = maxOf(a.lastMs, b.lastMs);
  a.errorEvents += b.errorEvents;
  for (const [k, m] of b.minutes) {
    const t = a.minutes.get(k);
    if (!t) {
      a.minutes.set(k, m);
      continue;
    }
    t.lines += m.lines;
    t.errors += m.errors;
    t.firstErrorMs = minOf(t.firstErrorMs, m.firstErrorMs);
    if (m.secondErrors) {
      if (!t.secondErrors) t.secondErrors = new Uint32Array(60);
      for (let i = 0; i < 60; i++) t.secondErrors[i] += m.secondErrors[i];
    }
    for (const [e, n] of m.endpointErrors) t.endpointErrors.set(e, (t.endpointErrors.get(e) ?? 0) + n);
  }
  for (const [k, e] of b.endpoints) {
    const t = a.endpoints.get(k);
    if (!t) {
      a.endpoints.set(k, e);
      continue;
    }
    mergeEndpoint(t, e);
  }
  for (const [k, s] of b.signatures) {
    const t = a.signatures.get(k);
    if (!t) {
      a.signatures.set(k, s);
      continue;
    }
    t.count += s.count;
    if (s.firstMs !== null && (t.firstMs === null || s.firstMs < t.firstMs)) {
      t.firstMs = s.firstMs;
      t.sample = s.sample;
    }
    t.lastMs = maxOf(t.lastMs, s.lastMs);
  }
  return a;
}

export function mergeEndpoint(t: EndpointAgg, e: EndpointAgg): void {
  t.requests += e.requests;
  t.errors += e.errors;
  addCounts(t.statuses, e.statuses);
  if (e.hist) {
    if (!t.hist) t.hist = new Uint32Array(HIST_BUCKETS);
    mergeHist(t.hist, e.hist);
  }
  t.durCount += e.durCount;
  t.durSum += e.durSum;
  t.durMax = Math.max(t.durMax, e.durMax);
}

export interface FinalizeOptions {
  window?: { since: Date; until: Date } | null;
  changes?: ChangeRecord[];
  redact: (text: string) => string;
  /** How many rows of each list to keep (default 20). */
  top?: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const round = (n: number) => Math.round(n * 100) / 100;
export const endpointName = (method: string | null, path: string) => (method ? `${method} ${path}` : path);

/** Turns the merged counts into the LogAnalysis everyone reads; redacts every string. */
export function finalizeAnalysis(p: PartialAnalysis, opts: FinalizeOptions): LogAnalysis {
  const top = opts.top ?? 20;
  const r = opts.redact;
  const minuteKeys = [...p.minutes.keys()].sort((x, y) => x - y);
  const series: MinuteBucket[] = [];
  if (minuteKeys.length) {
    // Gaps become explicit zero minutes so a chart and the spike baseline see the quiet time.
    const first = minuteKeys[0];
    const last = minuteKeys[minuteKeys.length - 1];
    for (let m = first; m <= last; m++) {
      const agg = p.minutes.get(m);
      series.push({ minute: new Date(m * 60_000).toISOString(), lines: agg?.lines ?? 0, errors: agg?.errors ?? 0 });
    }
  }
  const failing: FailingEndpoint[] = [...p.endpoints.values()]
    .filter((e) => e.errors > 0)
    .sort((a, b) => b.errors - a.errors || a.path.localeCompare(b.path))
    .slice(0, top)
    .map((e) => ({
      endpoint: r(endpointName(e.method, e.path)),
      method: e.method,
      path: r(e.path),
      errors: e.errors,
      requests: e.requests,
      statuses: { ...e.statuses },
    }));
  const signatures: ErrorSignature[] = [...p.signatures.values()]
    .sort((a, b) => b.count - a.count || (a.firstMs ?? 0) - (b.firstMs ?? 0))
    .slice(0, top)
    .map((s) => ({
      type: r(s.type),
      template: r(s.template),
      count: s.count,
      firstSeen: iso(s.firstMs),
      lastSeen: iso(s.lastMs),
      sample: r(s.sample),
    }));
  const latency: EndpointLatency[] = [...p.endpoints.values()]
    .filter((e) => e.hist && e.durCount > 0)
    .sort((a, b) => b.durCount - a.durCount)
    .slice(0, top)
    .map((e) => ({
      endpoint: r(endpointName(e.method, e.path)),
      count: e.durCount,
      // Bucket estimates are capped by the exact maximum so p99 never exceeds max.
      p50: round(Math.min(percentile(e.hist!, e.durCount, 50), e.durMax)),
      p90: round(Math.min(percentile(e.hist!, e.durCount, 90), e.durMax)),
      p95: round(Math.min(percentile(e.hist!, e.durCount, 95), e.durMax)),
      p99: round(Math.min(percentile(e.hist!, e.durCount, 99), e.durMax)),
      max: round(e.durMax),
      mean: round(e.durSum / e.durCount),
    }));
  const spike = detectSpike(minuteKeys.length ? minuteKeys[0] : 0, series, p.minutes, opts.changes ?? [], r);
  return {
    window: opts.window ? { since: opts.window.since.toISOString(), until: opts.window.until.toISOString() } : null,
    totals: {
      lines: p.lines,
      bytes: p.bytes,
      linesInWindow: p.linesInWindow,
      malformed: p.malformed,
      undated: p.undated,
      formats: sortedCounts(p.formats),
      levels: sortedCounts(p.levels),
      firstTimestamp: iso(p.firstMs),
      lastTimestamp: iso(p.lastMs),
    },
    errorEvents: p.errorEvents,
    errorRatePerMinute: series,
    topFailingEndpoints: failing,
    signatures,
    spike,
    latency,
  };
}

function sortedCounts(c: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(c)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}
