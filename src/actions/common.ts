import { validation } from '../core/errors.js';
import type { ServiceConfig, WarroomConfig } from '../config/schema.js';
import { countProbes } from '../checks/health.js';
import type { ActionEnv, ActionOutcome, StepResult, Verification } from './types.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 2 * 60_000;
export const DEFAULT_KILL_GRACE_MS = 5000;
/** Between health probes while waiting for recovery. */
export const HEALTH_POLL_MS = 1000;

export const commandTimeout = (c: WarroomConfig) => c.remediation?.command_timeout ?? DEFAULT_COMMAND_TIMEOUT_MS;
export const healthTimeout = (c: WarroomConfig) => c.remediation?.health_timeout ?? DEFAULT_HEALTH_TIMEOUT_MS;
export const killGrace = (c: WarroomConfig) => c.remediation?.kill_grace ?? DEFAULT_KILL_GRACE_MS;

/** The named service from warroom.yaml, or a VALIDATION error listing the known ones. */
export function findService(config: WarroomConfig, name: unknown, field = 'service'): { name: string; svc: ServiceConfig } {
  if (typeof name !== 'string' || !name.trim()) throw validation(`${field}: is required (a service name from warroom.yaml)`, field);
  const svc = config.services?.[name];
  if (!svc) {
    const known = Object.keys(config.services ?? {});
    throw validation(`${field}: unknown service "${name}" (known: ${known.join(', ') || 'none — add services to warroom.yaml'})`, field);
  }
  return { name, svc };
}

/**
 * Replaces {name} placeholders inside each argument. Each argument stays one argument whatever
 * the value holds (spaces, quotes, $(...)): there is no shell to split or expand it.
 */
export function fillPlaceholders(template: string, values: Record<string, string>, field: string): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, key: string) => {
    if (!(key in values))
      throw validation(
        `${field}: placeholder {${key}} has no value (known: ${
          Object.keys(values)
            .map((k) => `{${k}}`)
            .join(', ') || 'none'
        })`,
        field,
      );
    return values[key];
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Re-checks a service until it is up or the time runs out. Uses the same checks as
 * "warroom health" so "recovered" means the same thing everywhere.
 */
export async function waitHealthy(env: ActionEnv, service: string, svc: ServiceConfig, timeoutMs: number): Promise<Verification> {
  if (!hasHealthChecks(svc)) return { ok: null, detail: `${service} has no health check configured; recovery not verified` };
  const deadline = performance.now() + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const h = await env.checkService(service);
    const failing = h.checks
      .filter((c) => c.state !== 'up')
      .map((c) => `${c.kind} ${c.target}: ${c.state}${c.error ? ` (${c.error})` : ''}`);
    if (h.state === 'up')
      return {
        ok: true,
        detail: `${service} is healthy again (after ${attempts} check${attempts > 1 ? 's' : ''})`,
        facts: { state: h.state, attempts },
      };
    if (env.signal?.aborted)
      return {
        ok: false,
        detail: `interrupted while waiting for ${service} to become healthy (last state ${h.state})`,
        facts: { state: h.state, attempts, failing },
      };
    if (performance.now() + HEALTH_POLL_MS > deadline) {
      return {
        ok: false,
        detail: `${service} did not recover within ${Math.round(timeoutMs / 1000)}s (state ${h.state}: ${failing.join('; ')})`,
        facts: { state: h.state, attempts, failing },
      };
    }
    await sleep(HEALTH_POLL_MS, env.signal);
  }
}

/** Same rule as "warroom health": any configured probe counts. */
export function hasHealthChecks(svc: ServiceConfig): boolean {
  return countProbes(svc) > 0;
}

/** Builds an outcome with the fields every action fills the same way. */
export function outcome(o: Partial<ActionOutcome> & Pick<ActionOutcome, 'status' | 'summary'>): ActionOutcome {
  return {
    exitCode: null,
    output: '',
    steps: [] as StepResult[],
    verification: { ok: null, detail: 'nothing to verify' },
    facts: {},
    error: null,
    ...o,
  };
}

/** Option readers for the loose option bags the CLI and API pass. */
export function optString(o: Record<string, unknown>, key: string, required: true): string;
export function optString(o: Record<string, unknown>, key: string, required?: false): string | undefined;
export function optString(o: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw validation(`${key}: is required`, key);
    return undefined;
  }
  if (typeof v !== 'string') throw validation(`${key}: expected text`, key);
  return v;
}

export function optBool(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw validation(`${key}: expected true or false`, key);
  return v;
}

/** Refuses option keys the action does not know, so a typo never silently changes what runs. */
export function onlyKeys(o: Record<string, unknown>, allowed: string[], action: string): void {
  for (const k of Object.keys(o)) {
    if (o[k] !== undefined && !allowed.includes(k))
      throw validation(`${k}: not an option of ${action} (options: ${allowed.join(', ') || 'none'})`, k);
  }
}

export const formatBytes = (n: number) => {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${u[i]}`;
};
