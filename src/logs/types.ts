/**
 * The answer `warroom logs analyze` and triage give about a log window. Every string in it
 * has been redacted. Times are ISO 8601 UTC. The --json output of `logs analyze` is this
 * object (documented in docs/logs.md).
 */
export interface LogAnalysis {
  /** The window the lines were filtered to, when one was given. */
  window: { since: string; until: string } | null;
  totals: {
    /** Every line read (including malformed, continuation and out-of-window lines). */
    lines: number;
    bytes: number;
    /** Lines inside the window (all lines when there is no window). */
    linesInWindow: number;
    /** Lines that could not be read: broken JSON, binary garbage, lines over the size cap. */
    malformed: number;
    /** Lines carrying no timestamp of their own and none to inherit. */
    undated: number;
    /** Lines by recognised format: json, uvicorn, combined (nginx/gunicorn), text, continuation, unrecognized. */
    formats: Record<string, number>;
    /** Lines by level (lower-case; "none" when a line carries no level). */
    levels: Record<string, number>;
    firstTimestamp: string | null;
    lastTimestamp: string | null;
  };
  /** Error events: levels ERROR/CRITICAL/FATAL or HTTP status >= 500; a traceback is part of its event. */
  errorEvents: number;
  /** One entry per minute from the first to the last dated line (gaps filled with zeros). */
  errorRatePerMinute: MinuteBucket[];
  topFailingEndpoints: FailingEndpoint[];
  signatures: ErrorSignature[];
  spike: Spike | null;
  latency: EndpointLatency[];
}

export interface MinuteBucket {
  minute: string;
  lines: number;
  errors: number;
}

export interface FailingEndpoint {
  /** "POST /api/orders/:id" (method omitted when the lines carry none). */
  endpoint: string;
  method: string | null;
  path: string;
  errors: number;
  /** All requests seen for this endpoint (when the lines carry a status or duration). */
  requests: number;
  /** Error events by HTTP status ("none" for error lines without one). */
  statuses: Record<string, number>;
}

export interface ErrorSignature {
  /** Exception type (e.g. KeyError, sqlalchemy.exc.OperationalError) or the level when there is none. */
  type: string;
  /** Message with numbers, ids, hashes, IPs and quoted values masked. */
  template: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** One real (redacted) message of this signature. */
  sample: string;
}

export interface Spike {
  /** Start of the minute where the error count left its baseline. */
  minute: string;
  /** First error event in that minute. */
  startedAt: string;
  errors: number;
  /** Median errors per minute over the preceding minutes. */
  baseline: number;
  /** Endpoint whose errors grew most from the spike on, if any. */
  endpoint: string | null;
  /** The deploy or infra change nearest before the spike (within 2 hours), if any is recorded. */
  change: { id: number; service: string; version: string; kind: string; at: string; by: string; secondsBefore: number } | null;
  summary: string;
}

export interface EndpointLatency {
  endpoint: string;
  count: number;
  /** Milliseconds; histogram estimates within about 2%. */
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** The deploy record the analyser lines spikes up against (matches src/core/deploy.ts Deploy). */
export interface ChangeRecord {
  id: number;
  service: string;
  version: string;
  kind: string;
  at: string;
  by: string;
}
