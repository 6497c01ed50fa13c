import { formatDuration } from '../core/time.js';
import type { MinuteAgg } from './scan/minute-agg.js';
import type { ChangeRecord, MinuteBucket, Spike } from './types.js';

/** How far back a change may be and still be named as the likely cause. */
const CHANGE_LOOKBACK_MS = 2 * 3_600_000;
/** Minutes of history a baseline is taken from. */
const BASELINE_MINUTES = 10;
/** A spike needs this many minutes of history before it. */
const MIN_HISTORY = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Errors a minute may hold before it counts as leaving the baseline. */
function thresholdFor(expected: number): number {
  return Math.max(expected * 2, expected + 4 * Math.sqrt(expected) + 3);
}

/**
 * Finds the first minute whose error count left the baseline of the minutes before it, then
 * the second the rise began (a CUSUM over per-second counts of that minute and the one before),
 * the endpoint whose errors grew most, and the recorded change nearest before the rise.
 * The baseline is a rate: when traffic doubles, errors may double without being a spike.
 */
export function detectSpike(
  firstMinute: number,
  series: MinuteBucket[],
  minutes: Map<number, MinuteAgg>,
  changes: ChangeRecord[],
  redact: (s: string) => string,
): Spike | null {
  for (let i = MIN_HISTORY; i < series.length; i++) {
    const hist = series.slice(Math.max(0, i - BASELINE_MINUTES), i);
    const baseErrors = hist.reduce((a, b) => a + b.errors, 0);
    const baseLines = hist.reduce((a, b) => a + b.lines, 0);
    const cur = series[i];
    const expected = baseLines > 0 && cur.lines > 0 ? (baseErrors / baseLines) * cur.lines : median(hist.map((h) => h.errors));
    if (cur.errors <= thresholdFor(expected)) continue;
    const minuteKey = firstMinute + i;
    const baselinePerMinute = median(hist.map((h) => h.errors));
    const onsetMs = findOnset(minuteKey, minutes, baselinePerMinute);
    const endpoint = growingEndpoint(firstMinute, i, hist.length, series.length, minutes);
    const change = nearestChangeBefore(changes, onsetMs);
    const at = new Date(onsetMs).toISOString();
    const what = endpoint ? `errors on ${endpoint}` : 'errors';
    const rate = `${Math.round(baselinePerMinute)}/min → ${cur.errors}/min`;
    const summary = change
      ? change.secondsBefore >= 0
        ? `${what} started ${formatDuration(change.secondsBefore * 1000)} after ${change.kind} ${change.version} of ${change.service} (${rate}, from ${at})`
        : `${what} started ${formatDuration(-change.secondsBefore * 1000)} before ${change.kind} ${change.version} of ${change.service} was recorded (clock skew?) (${rate}, from ${at})`
      : `${what} rose from ${rate} at ${at}; no deploy or infra change recorded in the ${CHANGE_LOOKBACK_MS / 3_600_000} hours before`;
    return {
      minute: new Date(Math.floor(onsetMs / 60_000) * 60_000).toISOString(),
      startedAt: at,
      errors: cur.errors,
      baseline: Math.round(baselinePerMinute * 100) / 100,
      endpoint: endpoint ? redact(endpoint) : null,
      change,
      summary: redact(summary),
    };
  }
  return null;
}

function findOnset(minuteKey: number, minutes: Map<number, MinuteAgg>, baselinePerMinute: number): number {
  const cur = minutes.get(minuteKey);
  const prev = minutes.get(minuteKey - 1);
  // With no errors to speak of before, the rise starts at the first error of the spike minute.
  if (baselinePerMinute < 1 && cur?.firstErrorMs != null) return cur.firstErrorMs;
  const seconds: number[] = [];
  for (const agg of [prev, cur]) for (let s = 0; s < 60; s++) seconds.push(agg?.secondErrors?.[s] ?? 0);
  const expected = baselinePerMinute / 60;
  const k = expected * 1.5 + 0.5;
  const h = 4 * Math.sqrt(Math.max(baselinePerMinute, 1)) + 3;
  let sum = 0;
  let lastZero = 0;
  for (let t = 0; t < seconds.length; t++) {
    sum = Math.max(0, sum + seconds[t] - k);
    if (sum === 0) lastZero = t + 1;
    else if (sum > h) return (minuteKey - 1) * 60_000 + Math.min(lastZero, seconds.length - 1) * 1000;
  }
  return minuteKey * 60_000;
}

function growingEndpoint(
  firstMinute: number,
  spikeIdx: number,
  histLen: number,
  total: number,
  minutes: Map<number, MinuteAgg>,
): string | null {
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  for (let i = spikeIdx - histLen; i < total; i++) {
    const agg = minutes.get(firstMinute + i);
    if (!agg) continue;
    const into = i < spikeIdx ? before : after;
    for (const [e, n] of agg.endpointErrors) into.set(e, (into.get(e) ?? 0) + n);
  }
  let best: string | null = null;
  let bestGain = 0;
  const afterMinutes = Math.max(1, total - spikeIdx);
  for (const [e, n] of after) {
    const gain = n / afterMinutes - (before.get(e) ?? 0) / Math.max(1, histLen);
    if (gain > bestGain) {
      bestGain = gain;
      best = e;
    }
  }
  return best;
}

function nearestChangeBefore(changes: ChangeRecord[], onsetMs: number): Spike['change'] {
  let best: ChangeRecord | null = null;
  let bestAt = -Infinity;
  for (const c of changes) {
    const at = Date.parse(c.at);
    // A minute of grace: deploy clocks and log clocks are rarely in perfect step.
    if (Number.isNaN(at) || at > onsetMs + 60_000 || onsetMs - at > CHANGE_LOOKBACK_MS) continue;
    if (at > bestAt) {
      best = c;
      bestAt = at;
    }
  }
  if (!best) return null;
  return {
    id: best.id,
    service: best.service,
    version: best.version,
    kind: best.kind,
    at: new Date(bestAt).toISOString(),
    by: best.by,
    secondsBefore: Math.round((onsetMs - bestAt) / 1000),
  };
}
