import { httpUrl, serviceSchema, type ServiceConfig, type WarroomConfig } from '../config/schema.js';
import { notFound, validation } from '../core/errors.js';
import { triageThresholdsSchema, type TriageThresholds } from '../core/triage/rules.js';
import { runHealth } from '../checks/health.js';
import type { HealthThresholds } from '../checks/health.js';
import type { HealthReport } from '../checks/types.js';
import { requireRole, type AppContext } from './context.js';

/** Targets given on the command line or in a request, for the engineer with no config at 3 a.m. */
export interface AdHocTargets {
  urls?: string[];
  tcp?: string[];
  postgres?: string[];
  redis?: string[];
  tls?: string[];
  dns?: string[];
  disk?: string[];
}

export interface HealthInput extends AdHocTargets {
  /** Only these configured services (default: all). */
  services?: string[];
  timeoutMs?: number;
  deadlineMs?: number;
}

export function thresholdsOf(config: WarroomConfig): TriageThresholds {
  return triageThresholdsSchema.parse(config.triage?.thresholds ?? {});
}

export function healthThresholdsOf(t: TriageThresholds): HealthThresholds {
  return {
    tlsWarnDays: t.tls_warn_days,
    diskWarnFreePct: t.disk_free_pct,
    diskCriticalFreePct: Math.min(5, t.disk_free_pct / 2),
    httpSlowMs: t.latency_ms,
  };
}

function adHocName(kind: string, target: string, taken: Set<string>): string {
  let base: string;
  try {
    const u = new URL(target);
    base = u.host || target;
  } catch {
    base = target;
  }
  base = `${kind === 'health' ? '' : `${kind}:`}${base}`.replace(/[^A-Za-z0-9_.:/-]/g, '_');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}#${i}`;
  taken.add(name);
  return name;
}

/**
 * Chooses what to check: ad hoc targets (validated like config) and/or configured services
 * (all, or the ones named). Errors name the option or service.
 */
export function selectServices(config: WarroomConfig, input: HealthInput, what = 'health'): Record<string, ServiceConfig> {
  const configured = config.services ?? {};
  const out: Record<string, ServiceConfig> = {};
  const taken = new Set<string>(Object.keys(configured));
  const adHoc: [keyof AdHocTargets, string][] = [
    ['urls', 'health'],
    ['tcp', 'tcp'],
    ['postgres', 'postgres'],
    ['redis', 'redis'],
    ['tls', 'tls'],
    ['dns', 'dns'],
    ['disk', 'disk'],
  ];
  let anyAdHoc = false;
  for (const [key, kind] of adHoc) {
    for (const target of input[key] ?? []) {
      anyAdHoc = true;
      const flag = key === 'urls' ? 'url' : key;
      // Validate the bare value first so the message is the specific one, not the union's "Invalid input".
      const r =
        kind === 'health'
          ? httpUrl.safeParse(target).success
            ? serviceSchema.safeParse({ health: target })
            : httpUrl.safeParse(target)
          : serviceSchema.safeParse({ [kind]: target });
      if (!r.success) throw validation(`--${flag} ${JSON.stringify(target)}: ${r.error.issues[0].message}`, flag);
      const svc = r.data as ServiceConfig;
      out[adHocName(kind, target, taken)] = svc;
    }
  }
  if (input.services?.length) {
    for (const name of input.services) {
      if (!configured[name])
        throw notFound(`no service "${name}" in warroom.yaml (known: ${Object.keys(configured).join(', ') || 'none'})`);
      out[name] = configured[name];
    }
  } else if (!anyAdHoc) {
    Object.assign(out, configured);
  }
  if (!Object.keys(out).length)
    throw validation(
      `nothing to check: add services to warroom.yaml, or name targets (${what} --url http://host/health/ready, --tcp host:port, --postgres URL, --redis URL)`,
      'services',
    );
  return out;
}

/** `warroom health` and GET /api/v1/health: every probe of every selected service, concurrently. */
export async function runHealthCheck(ctx: AppContext, input: HealthInput = {}): Promise<HealthReport> {
  requireRole(ctx, 'viewer', 'checking health');
  if (input.timeoutMs !== undefined && (input.timeoutMs < 1 || input.timeoutMs > 120_000))
    throw validation('timeout: must be between 1 ms and 2 min', 'timeout');
  if (input.deadlineMs !== undefined && (input.deadlineMs < 1 || input.deadlineMs > 600_000))
    throw validation('deadline: must be between 1 ms and 10 min', 'deadline');
  const services = selectServices(ctx.config, input);
  return runHealth(services, {
    timeoutMs: input.timeoutMs,
    deadlineMs: input.deadlineMs,
    thresholds: healthThresholdsOf(thresholdsOf(ctx.config)),
    now: () => ctx.now(),
  });
}
