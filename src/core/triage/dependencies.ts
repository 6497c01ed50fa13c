import { dependencyKindOfText } from './error-classes.js';
import type { ServiceSpec } from './observations.js';

/**
 * Which configured service a readiness payload's key stands for. Apps name their checks as they
 * like ("db", "database", "postgres", "primary", "cache", "redis", "sessions"); an SRE matches them
 * by name first, then by kind (the key's words, then the error text), preferring the app's own
 * depends_on. Returns null when nothing configured fits: that dependency has no probe.
 */

export type ServiceKind = 'postgres' | 'redis' | 'app' | 'other';

export function kindOfService(svc: ServiceSpec): ServiceKind {
  if (svc.postgres) return 'postgres';
  if (svc.redis) return 'redis';
  if (svc.health) return 'app';
  return 'other';
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const POSTGRES_KEY = /postgres|database|(^|[^a-z])(db|pg|psql|sql|rds|primary|replica|sqlalchemy|asyncpg)([^a-z]|$)|db$|^db/i;
const REDIS_KEY = /redis|cache|session|valkey|keydb|(^|[^a-z])kv([^a-z]|$)|ratelimit|rate_limit/i;

/** The kind a readiness key (and its error text) points at. */
export function kindOfKey(key: string, errorText?: string | null): 'postgres' | 'redis' | null {
  if (REDIS_KEY.test(key)) return 'redis';
  if (POSTGRES_KEY.test(key)) return 'postgres';
  return errorText ? dependencyKindOfText(errorText) : null;
}

export function matchDependency(
  key: string,
  errorText: string | null,
  self: string,
  services: Record<string, ServiceSpec>,
): { service: string | null; kind: 'postgres' | 'redis' | null } {
  const names = Object.keys(services).filter((n) => n !== self);
  const k = norm(key);
  const exact = names.find((n) => norm(n) === k);
  const kind = kindOfKey(key, errorText);
  if (exact) return { service: exact, kind: (['postgres', 'redis'] as const).find((x) => x === kindOfService(services[exact])) ?? kind };
  if (!kind) {
    // No kind to go by: a service whose name contains the key (or the reverse) is the best guess.
    const near = names.find((n) => k.length >= 3 && (norm(n).includes(k) || k.includes(norm(n))));
    return { service: near ?? null, kind: null };
  }
  const ofKind = names.filter((n) => kindOfService(services[n]) === kind);
  const declared = services[self]?.depends_on ?? [];
  const preferred = ofKind.filter((n) => declared.includes(n));
  const pool = preferred.length ? preferred : ofKind;
  if (pool.length <= 1) return { service: pool[0] ?? null, kind };
  const byName = pool.find((n) => norm(n).includes(k) || k.includes(norm(n)));
  return { service: byName ?? pool[0], kind };
}

/** Does a PostgreSQL application_name belong to this service? ("orders-api" ~ "orders_api", "api-worker-3" ~ "api"). */
export function applicationMatches(application: string | null, service: string): boolean {
  if (!application) return false;
  const a = norm(application);
  const s = norm(service);
  return a.length > 0 && s.length > 0 && (a === s || (s.length >= 3 && a.includes(s)) || (a.length >= 3 && s.includes(a)));
}

/** Every service each service depends on, directly or further down (depends_on and matched readiness keys). */
export function dependencyClosure(direct: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(direct)) {
    const seen = new Set<string>();
    const stack = [...(direct[name] ?? [])];
    while (stack.length) {
      const d = stack.pop()!;
      if (d === name || seen.has(d)) continue;
      seen.add(d);
      stack.push(...(direct[d] ?? []));
    }
    out[name] = [...seen];
  }
  return out;
}
