import { formatBytes, formatMs } from '../units.js';
import { deployFacts } from './facts-deploy.js';
import { logFacts } from './facts-logs.js';
import { aggregateByApp, postgresFacts } from './facts-postgres.js';
import { redisFacts } from './facts-redis.js';
import { applicationMatches, dependencyClosure, kindOfService, matchDependency, type ServiceKind } from './dependencies.js';
import { classifyError, dependencyKindOfText, POSTGRES_REFUSES_CLIENTS, REDIS_REFUSES_CLIENTS, type ErrorClass } from './error-classes.js';
import type {
  CheckObservation,
  DeployObservation,
  LogObservation,
  PostgresObservation,
  RedisObservation,
  ServiceObservation,
  ServiceSpec,
} from './observations.js';
import type { Facts, TriageThresholds } from './rules.js';

/**
 * Observations → facts: one flat object per service, the vocabulary the rules are written in
 * (docs/triage.md lists every fact). Pure: everything it reads was collected before, so a test
 * builds the inputs from plain objects.
 */
export interface TriageObservations {
  services: Record<string, ServiceSpec>;
  health: { services: ServiceObservation[]; skipped?: string[] };
  /** Every recorded deploy and infra change (newest first). */
  deploys: DeployObservation[];
  /** Start of the triage window (ISO). */
  since: string;
  now: Date;
  /** By service name. */
  postgres: Record<string, PostgresObservation>;
  redis: Record<string, RedisObservation>;
  logs: Record<string, LogObservation>;
  thresholds: TriageThresholds;
  /** What counts as "now", in ms. */
  currentWindowMs: number;
  /** Services named on the command line, not in warroom.yaml: warroom's service-based actions do not apply to them. */
  adHoc?: string[];
}

/** A readiness dependency as the app reported it, matched to a configured service where one fits. */
export interface ReadinessDependency {
  key: string;
  verdict: string;
  ok: boolean;
  error: string | null;
  service: string | null;
  kind: 'postgres' | 'redis' | null;
  pool: { size: number | null; idle: number | null; max: number | null; inUse: number | null; waiting: number | null } | null;
}

export interface BuiltFacts {
  facts: Record<string, Facts>;
  /** Direct dependencies of each service: depends_on plus the readiness keys matched to services. */
  dependencies: Record<string, string[]>;
  /** Every service each one depends on, transitively. */
  closure: Record<string, string[]>;
  readiness: Record<string, ReadinessDependency[]>;
}

const OK_VERDICTS = new Set(['ok', 'up', 'pass', 'passing', 'healthy', 'ready', 'true', 'green', 'available', 'connected', 'success']);
const worstOf = (checks: CheckObservation[]) =>
  checks.find((c) => c.state === 'down') ?? checks.find((c) => c.state === 'degraded') ?? checks[0];

export function readinessOf(
  check: CheckObservation | undefined,
  self: string,
  services: Record<string, ServiceSpec>,
): ReadinessDependency[] {
  const r = check?.evidence.readiness as
    | {
        dependencies?: Record<string, string>;
        details?: Record<string, { error: string | null; pool: ReadinessDependency['pool'] }>;
        pool?: ReadinessDependency['pool'];
      }
    | undefined;
  if (!r?.dependencies) return [];
  const out: ReadinessDependency[] = [];
  for (const [key, verdict] of Object.entries(r.dependencies)) {
    const d = r.details?.[key];
    const error = d?.error ?? null;
    const m = matchDependency(key, error ?? verdict, self, services);
    let pool = d?.pool ?? null;
    // A pool reported at the top of the payload belongs to the database check.
    if (!pool && r.pool && m.kind === 'postgres') pool = r.pool;
    out.push({ key, verdict, ok: OK_VERDICTS.has(verdict.split(/[\s:]/)[0]), error, service: m.service, kind: m.kind, pool });
  }
  return out;
}

/** Exhausted: nothing idle and every connection the pool may open is open (or callers are queueing). */
function poolExhausted(p: ReadinessDependency['pool']): boolean {
  if (!p) return false;
  const max = p.max ?? p.size;
  const used = p.inUse ?? (p.size !== null && p.idle !== null ? p.size - p.idle : null);
  if ((p.waiting ?? 0) > 0 && p.idle === 0) return true;
  return p.idle === 0 && max !== null && max > 0 && (p.size === null || p.size >= max) && (used === null || used >= max);
}
/** How the service's own probe failed, the way an engineer says it: refused, hanging, 5xx. */
function probeOutcome(c: CheckObservation | undefined): string | null {
  if (!c) return null;
  const code = c.evidence.code as string | null | undefined;
  const phase = c.evidence.phase as string | undefined;
  if (c.state === 'up' || c.state === 'degraded') {
    const status = c.evidence.status as number | undefined;
    return status !== undefined && status >= 500 ? 'http_5xx' : c.state === 'degraded' ? 'degraded' : 'ok';
  }
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'TIMEOUT' || /within \d+ ms/.test(c.error ?? ''))
    return phase === 'response' || phase === 'body' || /accepts and never answers|did not finish/.test(c.error ?? '')
      ? 'hanging'
      : 'unreachable';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'unreachable';
  const status = c.evidence.status as number | undefined;
  if (status !== undefined) return status >= 500 ? 'http_5xx' : 'http_error';
  return 'failed';
}

export function buildFacts(i: TriageObservations): BuiltFacts {
  const byName = new Map<string, ServiceObservation>(i.health.services.map((s) => [s.service, s]));
  const readiness: Record<string, ReadinessDependency[]> = {};
  const direct: Record<string, string[]> = {};
  for (const [name, svc] of Object.entries(i.services)) {
    const http = worstOf((byName.get(name)?.checks ?? []).filter((c) => c.kind === 'http'));
    readiness[name] = readinessOf(http, name, i.services);
    direct[name] = [
      ...new Set([...(svc.depends_on ?? []), ...readiness[name].map((r) => r.service).filter((s): s is string => !!s)]),
    ].filter((d) => d !== name && i.services[d]);
  }
  // An app that says nothing of its dependencies (no depends_on, no readiness keys: an ad hoc --url
  // beside --postgres and --redis) is taken to use the databases and caches named with it.
  // With several apps and nothing said, which app uses which store is unknown: no edge is guessed.
  const dataStores = Object.keys(i.services).filter((n) => ['postgres', 'redis'].includes(kindOfService(i.services[n])));
  const apps = Object.keys(i.services).filter((n) => kindOfService(i.services[n]) === 'app');
  for (const name of apps) {
    const svc = i.services[name];
    const guess = apps.length === 1 || (i.adHoc ?? []).includes(name);
    if (guess && !direct[name].length && !readiness[name].length && !svc.depends_on) direct[name] = dataStores;
  }
  const closure = dependencyClosure(direct);
  const state = new Map([...byName].map(([n, s]) => [n, s.state]));
  const out: Record<string, Facts> = {};
  for (const [name, svc] of Object.entries(i.services)) {
    const h = byName.get(name);
    const checks = h?.checks ?? [];
    const bad = checks.filter((c) => c.state !== 'up');
    const kind: ServiceKind = kindOfService(svc);
    const dependents = Object.keys(i.services).filter((n) => closure[n]?.includes(name));
    const directDependents = Object.keys(i.services).filter((n) => direct[n]?.includes(name));
    const rootsDown = h && h.state !== 'up' ? rootCauses(name, direct, state) : [];
    const f: Facts = {
      thresholds: i.thresholds,
      service: {
        name,
        kind,
        state: h?.state ?? 'unknown',
        configured: !(i.adHoc ?? []).includes(name),
        restartable: !!(svc.container || svc.restart),
        check_count: checks.length,
        down_checks: checks.filter((c) => c.state === 'down').length,
        degraded_checks: checks.filter((c) => c.state === 'degraded').length,
        failing_checks: bad.map((c) => `${c.kind} ${c.target}`),
        error: bad[0]?.error ?? null,
        depends_on: direct[name],
        declared_depends_on: svc.depends_on ?? [],
        dependents: directDependents,
        dependents_all: dependents,
        dependents_first: directDependents[0] ?? name,
        team: svc.team ?? null,
        root_causes: rootsDown,
        root_causes_count: rootsDown.length,
        root_cause_first: rootsDown[0] ?? null,
        root_cause_error: rootsDown.length ? `${rootsDown[0]}: ${worstOf(byName.get(rootsDown[0])?.checks ?? [])?.error ?? 'down'}` : null,
      },
    };
    const ofKind = (k: string) => checks.filter((c) => c.kind === k);
    const http = worstOf(ofKind('http'));
    if (http) {
      const deps = readiness[name];
      const failing = deps.filter((d) => !d.ok);
      const first = failing[0];
      const outcome = probeOutcome(http);
      const status = (http.evidence.status as number | undefined) ?? null;
      f.http = {
        state: http.state,
        target: http.target,
        status,
        latency_ms: http.latencyMs,
        latency: formatMs(http.latencyMs),
        error: http.error ?? null,
        outcome,
        refused: outcome === 'refused',
        hanging: outcome === 'hanging',
        answered: status !== null,
        slow: status !== null && http.latencyMs >= i.thresholds.latency_ms,
        failing_dependencies: failing.map((d) => d.key),
        failing_dependency_count: failing.length,
        not_json: http.evidence.bodyNotJson === true,
      };
      const pooled = deps.find((d) => d.pool && d.kind !== 'redis') ?? deps.find((d) => d.pool);
      f.readiness = {
        keys: deps.map((d) => d.key),
        failing: failing.map((d) => d.key),
        failing_count: failing.length,
        failing_services: [...new Set(failing.map((d) => d.service).filter(Boolean))],
        unmatched: deps.filter((d) => !d.service).map((d) => d.key),
        // What the payload blames: the matched services, and "key:<name>" for a dependency warroom has no service for.
        failing_via: [...new Set(failing.map((d) => d.service ?? `key:${d.key}`))],
        first_key: first?.key ?? null,
        first_error: first?.error ?? (first ? first.verdict : null),
        first_service: first?.service ?? null,
        first_kind: first?.kind ?? null,
        first_service_kind: first?.service ? kindOfService(i.services[first.service]) : null,
        pool_key: pooled?.key ?? null,
        pool_size: pooled?.pool?.size ?? null,
        pool_idle: pooled?.pool?.idle ?? null,
        pool_max: pooled?.pool?.max ?? null,
        pool_in_use: pooled?.pool?.inUse ?? null,
        pool_waiting: pooled?.pool?.waiting ?? null,
        pool_exhausted: poolExhausted(pooled?.pool ?? null),
        pool_kind: pooled?.kind ?? null,
        // The app's own words for its pool running dry, in a failing check's error text.
        pool_error: failing.some((d) => !!d.error && classifyError('', d.error) === 'pool'),
        // The app's database check timed out (asyncpg's bare TimeoutError): against a healthy, quick database that is its pool.
        db_timeout: failing.some((d) => d.kind === 'postgres' && /time ?out|timed out/i.test(`${d.error ?? ''} ${d.verdict}`)),
      };
    }
    const tcp = worstOf(ofKind('tcp'));
    if (tcp)
      f.tcp = {
        state: tcp.state,
        target: tcp.target,
        error: tcp.error ?? null,
        outcome: probeOutcome(tcp),
        refused: probeOutcome(tcp) === 'refused',
      };
    const dns = worstOf(ofKind('dns'));
    if (dns) f.dns = { state: dns.state, target: dns.target, error: dns.error ?? null };
    const tls = ofKind('tls')
      .filter((c) => typeof c.evidence.daysLeft === 'number')
      .sort((a, b) => (a.evidence.daysLeft as number) - (b.evidence.daysLeft as number));
    const tlsBad = worstOf(ofKind('tls'));
    if (tlsBad) {
      const first = tls[0] ?? tlsBad;
      f.tls = {
        state: tlsBad.state,
        target: first.target,
        min_days_left: first.evidence.daysLeft ?? null,
        valid_to: first.evidence.validTo ?? null,
        issuer: first.evidence.issuer ?? null,
        expired: ofKind('tls').some((c) => c.evidence.expired === true),
        chain_error:
          ofKind('tls')
            .map((c) => c.evidence.chainError)
            .find((x) => x) ?? null,
        hostname_error:
          ofKind('tls')
            .map((c) => c.evidence.hostnameError)
            .find((x) => x) ?? null,
        error: tlsBad.error ?? null,
      };
    }
    const disks = ofKind('disk').filter((c) => typeof c.evidence.freePct === 'number');
    if (disks.length) {
      const minFree = (c: CheckObservation) => Math.min(c.evidence.freePct as number, (c.evidence.inodesFreePct as number) ?? 100);
      const low = disks.reduce((a, b) => (minFree(b) < minFree(a) ? b : a));
      f.disk = {
        state: worstOf(ofKind('disk')).state,
        path: low.target,
        min_free_pct: minFree(low),
        space_free_pct: low.evidence.freePct,
        inodes_free_pct: low.evidence.inodesFreePct ?? null,
        free_human: formatBytes(low.evidence.freeBytes as number),
      };
    } else if (ofKind('disk').length) {
      const d = ofKind('disk')[0];
      f.disk = { state: d.state, path: d.target, error: d.error ?? null };
    }
    const container = worstOf(ofKind('container'));
    if (container) {
      const e = container.evidence;
      f.container = {
        state: container.state,
        target: container.target,
        status: e.status ?? null,
        health: e.health ?? null,
        oom_killed: e.oomKilled ?? null,
        restart_count: e.restartCount ?? null,
        error: container.error ?? null,
      };
    }
    const pg = i.postgres[name];
    if (pg) f.postgres = postgresFacts(name, pg, worstOf(ofKind('postgres')), i.thresholds, i.services, dependents);
    const rd = i.redis[name];
    if (rd) f.redis = redisFacts(rd, worstOf(ofKind('redis')), i.now, i.currentWindowMs, i.thresholds);
    f.deploy = deployFacts(name, i.deploys, i.since, i.now, i.logs[name], i.thresholds);
    const lf = logFacts(i.logs[name], i.thresholds, i.now, i.currentWindowMs);
    if (lf) f.logs = lf;
    out[name] = f;
  }
  // A server that refuses clients says so to the apps using it: their readiness error text is evidence too.
  for (const deps of Object.values(readiness)) {
    for (const d of deps) {
      if (d.ok || !d.service || !d.error) continue;
      const target = out[d.service];
      if (target?.redis && REDIS_REFUSES_CLIENTS.test(d.error)) (target.redis as Record<string, unknown>).rejecting = true;
      if (target?.postgres && POSTGRES_REFUSES_CLIENTS.test(d.error)) (target.postgres as Record<string, unknown>).rejecting = true;
    }
  }
  // What an app sees of its dependencies: enough to tell its own pool from a saturated server or a lock.
  for (const [name] of Object.entries(i.services)) {
    const f = out[name];
    // Which of the app's pools ran dry: the failing readiness check whose error reads as pool exhaustion,
    // the pool the payload's numbers belong to, or what the pool errors in the logs name.
    const rd = f.readiness as Record<string, unknown> | undefined;
    const poolDep = (readiness[name] ?? []).find((d) => !d.ok && d.error && classifyError('', d.error) === 'pool');
    const logSample = (f.logs as Record<string, unknown> | undefined)?.pool_error_sample as string | null | undefined;
    const poolKind =
      poolDep?.kind ??
      (rd?.pool_exhausted ? (rd.pool_kind as string | null) : null) ??
      (logSample ? dependencyKindOfText(logSample) : null);
    f.app_pool = {
      kind: poolKind,
      is_redis: poolKind === 'redis',
      is_postgres: poolKind !== 'redis',
      label: poolKind === 'redis' ? 'Redis' : poolKind === 'postgres' ? 'database' : '',
    };
    const pgDep = closure[name].find((d) => out[d]?.postgres);
    if (pgDep) {
      const p = out[pgDep].postgres as Record<string, unknown>;
      const pg = i.postgres[pgDep];
      const pool = f.readiness as Record<string, unknown> | undefined;
      const groups = pg.connectionsByClient.filter((g) => applicationMatches(g.application, name));
      // Without a matching application_name, a client holding exactly the app's pool size is the app.
      const poolMax = (pool?.pool_max ?? pool?.pool_size) as number | null | undefined;
      const bySize = !groups.length && poolMax ? aggregateByApp(pg.connectionsByClient).find((g) => g.count === poolMax) : undefined;
      // The only client of a database that only this app uses is the app, whatever it calls itself.
      const apps = aggregateByApp(pg.connectionsByClient);
      const users = Object.keys(i.services).filter((n) => n !== pgDep && closure[n]?.includes(pgDep));
      const only = !groups.length && !bySize && apps.length === 1 && users.length === 1 ? apps[0] : undefined;
      const mine = groups.length
        ? {
            application: groups[0].application,
            count: groups.reduce((a, g) => a + g.count, 0),
            idle: groups.filter((g) => g.state === 'idle').reduce((a, g) => a + g.count, 0),
          }
        : (bySize ?? only);
      f.dep_postgres = {
        service: pgDep,
        reachable: p.reachable,
        saturation_pct: p.saturation_pct ?? null,
        blocked_count: p.blocked_count ?? 0,
        long_query_count: p.long_query_count ?? 0,
        rejecting: p.rejecting ?? false,
        top_holder_application: p.top_holder_application ?? null,
        app_application: mine?.application ?? null,
        app_connections: mine?.count ?? null,
        app_connections_idle: mine?.idle ?? null,
        app_all_idle: !!mine && mine.count > 0 && mine.idle === mine.count,
      };
    }
    const rdDep = closure[name].find((d) => out[d]?.redis);
    if (rdDep) {
      const r = out[rdDep].redis as Record<string, unknown>;
      f.dep_redis = { service: rdDep, reachable: r.reachable, memory_used_pct: r.memory_used_pct ?? null, oom_errors: r.oom_errors ?? 0 };
    }
  }
  return { facts: out, dependencies: direct, closure, readiness };
}
function rootCauses(name: string, deps: Record<string, string[]>, state: Map<string, string>, path = new Set<string>()): string[] {
  const out = new Set<string>();
  for (const d of deps[name] ?? []) {
    if (path.has(d) || state.get(d) !== 'down') continue;
    const onPath = new Set([...path, name]);
    const below = rootCauses(d, deps, state, onPath);
    if (below.length) below.forEach((b) => out.add(b));
    // A dependency that is down only because it depends back on us (a cycle) is not a cause.
    else if (!(deps[d] ?? []).some((x) => onPath.has(x) && state.get(x) === 'down')) out.add(d);
  }
  return [...out];
}

export type { ErrorClass };
