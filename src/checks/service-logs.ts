import type { ServiceConfig } from '../config/schema.js';
import { redactText } from '../core/redact.js';
import { parseDuration } from '../core/time.js';
import { analyzeServiceLogs as analyzeLogs } from '../logs/analyze.js';
import type { ChangeRecord, LogAnalysis } from '../logs/types.js';
import type { LogObservation, LogWindow } from '../core/triage/observations.js';
import { resolveLogFiles } from '../logs/sources/file.js';
import { raceSignal } from './util.js';

/** What triage and `diagnose app` need from a service's recent logs. */
export interface ServiceLogSummary {
  available: boolean;
  /** Why there is no analysis (no log source, source unreadable, too slow). */
  reason?: string;
  /** The window, as given (e.g. 15m). */
  window: string;
  /** Lines inside the window. */
  lines: number;
  /** Error events (ERROR/CRITICAL/FATAL lines or HTTP status >= 500). */
  errors: number;
  /** errors / lines × 100, or null with no lines. */
  errorRatePct: number | null;
  /** The endpoint with the most errors, e.g. "GET /api/orders/:id". */
  topEndpoint: string | null;
  /** Whether the logs analyser saw the error count leave its baseline. */
  spike: boolean;
  spikeSummary: string | null;
  summary: string[];
}

export interface ServiceLogOptions {
  since: string;
  now: Date;
  /** Recorded deploys, so a spike is lined up against the change before it. */
  deploys?: ChangeRecord[];
  redact?: string[];
  /** Bound on reading the source (a wedged Docker or journald must not stall triage). */
  timeoutMs?: number;
}

/** Reads the service's configured log source for the recent window through the logs area's analyser. */
export async function analyzeServiceLogs(name: string, svc: ServiceConfig, opts: ServiceLogOptions): Promise<ServiceLogSummary> {
  const empty: ServiceLogSummary = {
    available: false,
    window: opts.since,
    lines: 0,
    errors: 0,
    errorRatePct: null,
    topEndpoint: null,
    spike: false,
    spikeSummary: null,
    summary: [],
  };
  if (!svc.logs) return { ...empty, reason: 'no log source configured', summary: ['no log source configured for this service'] };
  const timeoutMs = opts.timeoutMs ?? 5000;
  try {
    const since = new Date(opts.now.getTime() - parseDuration(opts.since, 'since'));
    const a = await raceSignal(
      analyzeLogs(svc, { since, until: opts.now }, { deploys: opts.deploys, redact: opts.redact, name }),
      AbortSignal.timeout(timeoutMs),
      () => new Error(`reading the logs took longer than ${timeoutMs} ms`),
    );
    const lines = a.totals.linesInWindow;
    const errors = a.errorEvents;
    const top = a.topFailingEndpoints[0];
    const s: ServiceLogSummary = {
      available: true,
      window: opts.since,
      lines,
      errors,
      errorRatePct: lines ? Math.round((errors / lines) * 1000) / 10 : null,
      topEndpoint: top ? top.endpoint : null,
      spike: !!a.spike,
      spikeSummary: a.spike?.summary ?? null,
      summary: [],
    };
    s.summary.push(
      `logs, last ${opts.since}: ${errors} error(s) in ${lines} line(s)${s.errorRatePct !== null ? ` (${s.errorRatePct}%)` : ''}`,
    );
    if (top) s.summary.push(`top failing endpoint: ${top.endpoint} (${top.errors} errors of ${top.requests} requests)`);
    if (a.signatures[0])
      s.summary.push(`most frequent error: ${a.signatures[0].type}: ${a.signatures[0].template} (${a.signatures[0].count}×)`);
    if (a.spike) s.summary.push(`spike: ${a.spike.summary}`);
    return s;
  } catch (e) {
    const reason = redactText((e as Error).message);
    return { ...empty, reason, summary: [`logs unavailable: ${reason}`] };
  }
}

export interface ObserveLogOptions {
  now: Date;
  /** The whole triage window, in ms. */
  windowMs: number;
  /** What counts as "now", in ms. */
  currentWindowMs: number;
  /** The latest deploy of the service inside the window, to compare its before and after. */
  deployAt?: string | null;
  /** Request paths that are warroom's own probes (the service's health URLs): left out of the statistics. */
  excludePaths?: string[];
  redact?: string[];
  timeoutMs?: number;
}

/** The time slices triage compares: before and now, and before and after the latest deploy. */
export async function observeServiceLogs(name: string, svc: ServiceConfig, o: ObserveLogOptions): Promise<LogObservation> {
  if (!svc.logs) return { available: false, reason: 'no log source configured', before: null, now: null };
  const timeoutMs = o.timeoutMs ?? 5000;
  const at = o.now.getTime();
  const start = at - o.windowMs;
  const cut = Math.max(start, at - o.currentWindowMs);
  const slice = (from: number, to: number) =>
    to > from
      ? analyzeLogs(svc, { since: new Date(from), until: new Date(to) }, { redact: o.redact, name, top: 50, workers: 0 }).then((a) =>
          toWindow(a, from, to, o.excludePaths ?? []),
        )
      : Promise.resolve(null);
  const deployMs = o.deployAt ? Date.parse(o.deployAt) : NaN;
  try {
    const [before, now, afterDeploy, beforeDeploy] = await raceSignal(
      Promise.all([
        slice(start, cut),
        slice(cut, at + 1),
        Number.isFinite(deployMs) ? slice(deployMs, at + 1) : Promise.resolve(null),
        Number.isFinite(deployMs) ? slice(Math.max(start, deployMs - 30 * 60_000), deployMs) : Promise.resolve(null),
      ]),
      AbortSignal.timeout(timeoutMs),
      () => new Error(`reading the logs took longer than ${timeoutMs} ms`),
    );
    // Lines with no time of their own (uvicorn's default text log) fall into every slice: "now" and
    // "before" would be the same whole file. Only the file's last write says whether it is current.
    // (A file last written before a slice began is not read for it at all, so look at whichever slice has lines.)
    const sample = now?.lines ? now : before;
    if (sample && sample.lines > 0 && (sample.undated ?? 0) >= sample.lines && svc.logs.file) {
      let lastWrite = 0;
      try {
        lastWrite = Math.max(0, ...resolveLogFiles([svc.logs.file].flat(), { rotated: false }).map((f) => f.mtimeMs));
      } catch {
        /* unreadable: treated as old */
      }
      const written = lastWrite >= at - o.currentWindowMs;
      const empty = { ...sample, lines: 0, errors: 0, endpoints: [], latency: [], signatures: [] };
      return {
        available: true,
        undated: true,
        before: written ? null : sample,
        now: written ? sample : empty,
        afterDeploy: null,
        beforeDeploy: null,
      };
    }
    return { available: true, before, now, afterDeploy, beforeDeploy };
  } catch (e) {
    return { available: false, reason: redactText((e as Error).message), before: null, now: null };
  }
}

const pathOf = (endpoint: string) => endpoint.replace(/^[A-Z]+ /, '');

/** One analysed slice as the model reads it, warroom's own probe requests taken out of the counts. */
function toWindow(a: LogAnalysis, from: number, to: number, exclude: string[]): LogWindow {
  const excluded = (endpoint: string) => exclude.includes(pathOf(endpoint));
  const probe = a.topFailingEndpoints.filter((e) => excluded(e.endpoint));
  const probeRequests = a.latency.filter((l) => excluded(l.endpoint)).reduce((n, l) => n + l.count, 0);
  const probeErrors = probe.reduce((n, e) => n + e.errors, 0);
  return {
    since: new Date(from).toISOString(),
    until: new Date(Math.min(to, Date.now())).toISOString(),
    lines: Math.max(0, a.totals.linesInWindow - probeRequests),
    errors: Math.max(0, a.errorEvents - probeErrors),
    undated: a.totals.undated,
    endpoints: a.topFailingEndpoints
      .filter((e) => !excluded(e.endpoint))
      .map((e) => ({ endpoint: e.endpoint, requests: e.requests, errors: e.errors, statuses: e.statuses })),
    latency: a.latency.filter((l) => !excluded(l.endpoint)).map((l) => ({ endpoint: l.endpoint, count: l.count, p50: l.p50, p95: l.p95 })),
    signatures: a.signatures.map((s) => ({
      type: s.type,
      template: s.template,
      count: s.count,
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      sample: s.sample,
    })),
  };
}
