/**
 * Shapes shared by every check and diagnosis. Other areas rely on these exactly
 * (remediation re-checks a service with checkService; the web health board reads HealthReport).
 */
export type CheckState = 'up' | 'degraded' | 'down';
export type CheckKind = 'http' | 'tcp' | 'postgres' | 'redis' | 'dns' | 'tls' | 'disk' | 'container' | 'config';

export interface CheckResult {
  service: string;
  kind: CheckKind;
  /** What was checked, with any password in it redacted. */
  target: string;
  state: CheckState;
  latencyMs: number;
  /** The facts behind the state: status code, readiness fields, days to expiry, free bytes... */
  evidence: Record<string, unknown>;
  /** Why it is not up, in words an on-call engineer can act on (redacted). */
  error?: string;
}

export interface ServiceHealth {
  service: string;
  state: CheckState;
  checks: CheckResult[];
}

export interface HealthReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Per-check timeout used by default (services may set their own). */
  timeoutMs: number;
  /** Overall deadline: no check holds the report past it. */
  deadlineMs: number;
  state: CheckState;
  counts: Record<CheckState, number>;
  services: ServiceHealth[];
  /** Services in config with no probe to run (only logs, say). */
  skipped: string[];
}

/** Options every single check accepts. */
export interface CheckOptions {
  /** Hard bound for this one check (default 2000 ms). */
  timeoutMs?: number;
  /** Aborts the check early (the overall deadline). */
  signal?: AbortSignal;
  /**
   * `signal` also fires when timeoutMs has passed, so the check starts no timer of its own:
   * runHealth times every check of a run on one clock started with the run (checks/health.ts).
   */
  signalIncludesTimeout?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 2000;

export const worstState = (states: CheckState[]): CheckState =>
  states.includes('down') ? 'down' : states.includes('degraded') ? 'degraded' : 'up';
