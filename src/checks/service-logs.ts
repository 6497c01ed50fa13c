import type { ServiceConfig } from '../config/schema.js';

/** What triage and `diagnose app` need from a service's recent logs. */
export interface ServiceLogSummary {
  available: boolean;
  /** Why there is no analysis (no log source, analyser missing, source unreadable). */
  reason?: string;
  window: string;
  lines: number;
  errors: number;
  errorRatePct: number | null;
  topEndpoint: string | null;
  spike: boolean;
  spikeSummary: string | null;
  summary: string[];
}

/**
 * Reads the service's configured log source for the recent window through the logs area's
 * analyser. Until that analyser is wired in, it says so instead of guessing.
 */
export async function analyzeServiceLogs(_service: string, svc: ServiceConfig, opts: { since: string; now: Date }): Promise<ServiceLogSummary> {
  const empty: ServiceLogSummary = { available: false, window: opts.since, lines: 0, errors: 0, errorRatePct: null, topEndpoint: null, spike: false, spikeSummary: null, summary: [] };
  if (!svc.logs) return { ...empty, reason: 'no log source configured', summary: ['no log source configured for this service'] };
  return { ...empty, reason: 'log analysis is not available in this build', summary: ['log analysis is not available in this build: error rate not measured'] };
}
