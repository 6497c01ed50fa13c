import type { ServiceConfig } from '../config/schema.js';
import { redactText } from '../core/redact.js';
import { parseDuration } from '../core/time.js';
import { analyzeServiceLogs as analyzeLogs } from '../logs/analyze.js';
import type { ChangeRecord } from '../logs/types.js';
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
  const empty: ServiceLogSummary = { available: false, window: opts.since, lines: 0, errors: 0, errorRatePct: null, topEndpoint: null, spike: false, spikeSummary: null, summary: [] };
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
      available: true, window: opts.since, lines, errors,
      errorRatePct: lines ? Math.round((errors / lines) * 1000) / 10 : null,
      topEndpoint: top ? top.endpoint : null,
      spike: !!a.spike, spikeSummary: a.spike?.summary ?? null, summary: [],
    };
    s.summary.push(`logs, last ${opts.since}: ${errors} error(s) in ${lines} line(s)${s.errorRatePct !== null ? ` (${s.errorRatePct}%)` : ''}`);
    if (top) s.summary.push(`top failing endpoint: ${top.endpoint} (${top.errors} errors of ${top.requests} requests)`);
    if (a.signatures[0]) s.summary.push(`most frequent error: ${a.signatures[0].type}: ${a.signatures[0].template} (${a.signatures[0].count}×)`);
    if (a.spike) s.summary.push(`spike: ${a.spike.summary}`);
    return s;
  } catch (e) {
    const reason = redactText((e as Error).message);
    return { ...empty, reason, summary: [`logs unavailable: ${reason}`] };
  }
}
