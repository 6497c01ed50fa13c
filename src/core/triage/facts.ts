import { formatBytes, formatMs } from '../units.js';
import { applicationMatches, dependencyClosure, kindOfService, matchDependency, type ServiceKind } from './dependencies.js';
import { classifyError, dependencyKindOfText, type ErrorClass } from './error-classes.js';
import type {
  CheckObservation,
  DeployObservation,
  LockNodeObservation,
  LogObservation,
  LogWindow,
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
const round1 = (n: number) => Math.round(n * 10) / 10;
const pct = (a: number, b: number) => (b > 0 ? round1((a / b) * 100) : null);
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

interface ClassCounts {
  pool: number;
  redis: number;
  postgres: number;
  connection: number;
  code: number;
}
const emptyCounts = (): ClassCounts => ({ pool: 0, redis: 0, postgres: 0, connection: 0, code: 0 });

function classCounts(w: LogWindow | null | undefined): ClassCounts {
  const c = emptyCounts();
  if (!w) return c;
  let classified = 0;
  for (const s of w.signatures) {
    c[classifyError(s.type, `${s.template} ${s.sample}`)] += s.count;
    classified += s.count;
  }
  // Error events that carry no signature (an access line with a 5xx) are of unknown class: counted as code.
  c.code += Math.max(0, w.errors - classified);
  return c;
}

const sigKey = (s: { type: string; template: string }) => `${s.type}\u0000${s.template}`;
/** "KeyError: 'sku'", or the bare type when the exception has no message (asyncio's TimeoutError). */
const sigText = (s: { type: string; template: string }) => (s.template.trim() ? `${s.type}: ${s.template}` : s.type).slice(0, 240);

/** The endpoint whose latency rose into the slow range now, against the window before. */
function slowEndpoints(now: LogWindow | null, before: LogWindow | null, thresholdMs: number) {
  if (!now) return [];
  const prev = new Map((before?.latency ?? []).map((l) => [l.endpoint, l]));
  const out: { endpoint: string; p50: number; p95: number; count: number; beforeP50: number | null }[] = [];
  for (const l of now.latency) {
    if (l.count < 2 || l.p50 < thresholdMs) continue;
    const b = prev.get(l.endpoint);
    // Slow by design (as slow before as now) is not a change; a regression is at least 1.5 × its old median.
    if (b && b.count >= 2 && b.p50 * 1.5 > l.p50) continue;
    out.push({ endpoint: l.endpoint, p50: l.p50, p95: l.p95, count: l.count, beforeP50: b && b.count >= 2 ? b.p50 : null });
  }
  return out.sort((a, b) => b.p50 * b.count - a.p50 * a.count);
}

function logFacts(l: LogObservation | undefined, t: TriageThresholds, now: Date, currentWindowMs: number): Facts | undefined {
  if (!l) return undefined;
  if (!l.available) return { available: false, reason: l.reason ?? null };
  const n = l.now;
  const b = l.before;
  const nowCounts = classCounts(n);
  const linesNow = n?.lines ?? 0;
  const errorsNow = n?.errors ?? 0;
  const linesBefore = b?.lines ?? 0;
  const errorsBefore = b?.errors ?? 0;
  const topNow = [...(n?.endpoints ?? [])].filter((e) => e.errors > 0).sort((x, y) => y.errors - x.errors)[0];
  const sigNow = [...(n?.signatures ?? [])].sort((x, y) => y.count - x.count);
  const beforeSigs = new Set((b?.signatures ?? []).map(sigKey));
  const newNow = sigNow.filter((s) => !beforeSigs.has(sigKey(s)));
  const poolSig = sigNow.find((s) => classifyError(s.type, `${s.template} ${s.sample}`) === 'pool');
  const slow = slowEndpoints(n ?? null, b ?? null, t.latency_ms);
  const lastErrorAt =
    [...(b?.signatures ?? []), ...(n?.signatures ?? [])]
      .map((s) => s.lastSeen)
      .filter((x): x is string => !!x)
      .sort()
      .pop() ?? null;
  const rateNow = linesNow ? round1((errorsNow / linesNow) * 100) : null;
  const rateBefore = linesBefore ? round1((errorsBefore / linesBefore) * 100) : null;
  const beforeTop = [...(b?.endpoints ?? [])].filter((e) => e.errors > 0).sort((x, y) => y.errors - x.errors)[0];
  return {
    available: true,
    current_window: formatMs(currentWindowMs),
    current_window_s: Math.round(currentWindowMs / 1000),
    lines_now: linesNow,
    errors_now: errorsNow,
    error_rate_now_pct: rateNow,
    lines_before: linesBefore,
    errors_before: errorsBefore,
    error_rate_before_pct: rateBefore,
    // The names earlier versions used: now they mean the current window.
    window: formatMs(currentWindowMs),
    lines: linesNow,
    errors: errorsNow,
    error_rate_pct: rateNow,
    top_endpoint: topNow?.endpoint ?? null,
    top_endpoint_errors: topNow?.errors ?? 0,
    top_endpoint_requests: topNow?.requests ?? 0,
    top_signature: sigNow[0] ? sigText(sigNow[0]) : null,
    top_signature_count: sigNow[0]?.count ?? 0,
    top_signature_class: sigNow[0] ? classifyError(sigNow[0].type, `${sigNow[0].template} ${sigNow[0].sample}`) : null,
    new_signatures_now: newNow.length,
    new_signature_first: newNow[0] ? sigText(newNow[0]) : null,
    errors_now_by_class: nowCounts,
    pool_errors_now: nowCounts.pool,
    redis_errors_now: nowCounts.redis,
    postgres_errors_now: nowCounts.postgres,
    connection_errors_now: nowCounts.connection,
    code_errors_now: nowCounts.code,
    pool_error_sample: poolSig ? sigText({ type: poolSig.type, template: poolSig.sample || poolSig.template }) : null,
    pool_error_count: poolSig?.count ?? 0,
    slow_endpoint: slow[0]?.endpoint ?? null,
    slow_endpoint_p50_ms: slow[0]?.p50 ?? null,
    slow_endpoint_p95_ms: slow[0]?.p95 ?? null,
    slow_endpoint_p50: slow[0] ? formatMs(slow[0].p50) : null,
    slow_endpoint_before_p50: slow[0]?.beforeP50 != null ? formatMs(slow[0].beforeP50) : null,
    slow_endpoint_requests: slow[0]?.count ?? 0,
    slow_endpoint_count: slow.length,
    slow_endpoints: slow.map((s) => s.endpoint),
    recovered: linesNow > 0 && errorsNow === 0 && errorsBefore >= 3 && (rateBefore ?? 0) >= t.error_rate_pct,
    recovered_top_endpoint: beforeTop?.endpoint ?? null,
    last_error_at: lastErrorAt,
    last_error_ago: lastErrorAt ? formatMs(now.getTime() - Date.parse(lastErrorAt)) : null,
    erroring: errorsNow >= 3 && (rateNow ?? 0) >= t.error_rate_pct,
  };
}

function deployFacts(
  name: string,
  all: DeployObservation[],
  since: string,
  now: Date,
  logs: LogObservation | undefined,
  t: TriageThresholds,
): Facts {
  const mine = all.filter((d) => d.service === name).sort((a, b) => b.at.localeCompare(a.at));
  const recent = mine.find((d) => d.at >= since && d.kind !== 'infra');
  const recentAny = mine.find((d) => d.at >= since);
  if (!recentAny) return { recent: false, count: 0 };
  const d = recent ?? recentAny;
  // The version to go back to is the last one that is not this one: a CI retry records the same version twice.
  const previous = mine.find((x) => x.at < d.at && x.kind !== 'infra' && x.version !== d.version)?.version ?? null;
  const out: Facts = {
    recent: true,
    version: d.version,
    kind: d.kind,
    by: d.by,
    at: d.at,
    minutes_ago: Math.max(0, Math.round((now.getTime() - Date.parse(d.at)) / 60_000)),
    ago: formatMs(Math.max(0, now.getTime() - Date.parse(d.at))),
    previous_version: previous,
    count: mine.filter((x) => x.at >= since).length,
    repeated: mine.filter((x) => x.at >= since && x.version === d.version).length,
    blamed: false,
  };
  const after = logs?.available ? logs.afterDeploy : null;
  if (!after) return out;
  const before = logs?.beforeDeploy ?? null;
  const c = classCounts(after);
  const cb = classCounts(before);
  // A deploy's own errors are bugs in code; a dependency failing after it is the dependency's.
  const codeAfter = c.code;
  const rateAfter = after.lines ? round1((codeAfter / after.lines) * 100) : 0;
  const rateBefore = before?.lines ? round1((cb.code / before.lines) * 100) : 0;
  const beforeSigs = new Set((before?.signatures ?? []).map(sigKey));
  const nowFrom = logs?.now ? Date.parse(logs.now.since) : now.getTime();
  const newSigs = after.signatures.filter(
    (s) => !beforeSigs.has(sigKey(s)) && classifyError(s.type, `${s.template} ${s.sample}`) === 'code',
  );
  const ongoing = newSigs.filter((s) => s.lastSeen && Date.parse(s.lastSeen) >= nowFrom);
  const codeNow = classCounts(logs?.now).code;
  // Latency that rose with the deploy and is still high now: an endpoint slower since it than before it.
  const slowSince = slowEndpoints(after, before, t.latency_ms).filter(
    (x) => x.beforeP50 !== null && (logs?.now?.latency ?? []).some((l) => l.endpoint === x.endpoint && l.p50 >= t.latency_ms),
  );
  Object.assign(out, {
    errors_after: after.errors,
    code_errors_after: codeAfter,
    error_rate_after_pct: rateAfter,
    error_rate_before_pct: rateBefore,
    lines_after: after.lines,
    new_signatures_after: newSigs.length,
    new_signatures_ongoing: ongoing.length,
    new_signature_first: (ongoing[0] ?? newSigs[0]) ? sigText(ongoing[0] ?? newSigs[0]) : null,
    new_signature_count: (ongoing[0] ?? newSigs[0])?.count ?? 0,
    code_errors_now: codeNow,
    slow_endpoint_after: slowSince[0]?.endpoint ?? null,
    slow_endpoint_after_p50: slowSince[0] ? formatMs(slowSince[0].p50) : null,
    slow_endpoint_before_p50: slowSince[0]?.beforeP50 != null ? formatMs(slowSince[0].beforeP50) : null,
    // Blamed only when its errors started after it and still go on now.
    blamed: d.kind !== 'infra' && codeNow > 0 && (ongoing.length > 0 || (rateAfter >= t.error_rate_pct && rateAfter >= 3 * rateBefore + 1)),
  });
  return out;
}

function flatLocks(n: LockNodeObservation[], acc: LockNodeObservation[] = []): LockNodeObservation[] {
  for (const x of n) {
    acc.push(x);
    flatLocks(x.blocks, acc);
  }
  return acc;
}

function postgresFacts(
  name: string,
  d: PostgresObservation,
  check: CheckObservation | undefined,
  t: TriageThresholds,
  services: Record<string, ServiceSpec>,
  dependents: string[],
): Facts {
  const all = flatLocks(d.lockTree);
  const root = d.lockTree[0];
  const waiters = all.filter((x) => x.waitingFor);
  // Lock waiters are the lock's victims, not long queries of their own.
  const longQ = d.longQueries.filter((q) => q.waitEventType !== 'Lock' && !waiters.some((w) => w.pid === q.pid));
  const longest = [...longQ].sort((a, b) => (b.queryAgeS ?? 0) - (a.queryAgeS ?? 0))[0];
  const oldestIdle = [...d.idleInTransaction].sort((a, b) => (b.stateAgeS ?? 0) - (a.stateAgeS ?? 0))[0];
  // Connections by application and user (all states together): who holds the server's slots.
  const holders = new Map<
    string,
    { application: string | null; user: string | null; count: number; states: Record<string, number>; pids: number[]; superuser: boolean }
  >();
  for (const g of d.connectionsByClient) {
    const k = `${g.application ?? ''}\u0000${g.user ?? ''}`;
    const h = holders.get(k) ?? { application: g.application, user: g.user, count: 0, states: {}, pids: [], superuser: false };
    if (g.superuser) h.superuser = true;
    h.count += g.count;
    h.states[g.state ?? 'unknown'] = (h.states[g.state ?? 'unknown'] ?? 0) + g.count;
    h.pids.push(...(g.pids ?? []));
    holders.set(k, h);
  }
  const top = [...holders.values()].sort((a, b) => b.count - a.count)[0];
  const f = d.facts as Record<string, number | undefined>;
  const usable = f.usable_connections ?? null;
  const topService = top ? (Object.keys(services).find((s) => s !== name && applicationMatches(top.application, s)) ?? null) : null;
  const errText = `${d.error ?? ''} ${check?.error ?? ''}`;
  const waitWorst = Math.max(0, ...waiters.map((x) => x.waitingFor?.waitS ?? 0));
  return {
    ...d.facts,
    reachable: d.reachable,
    error: d.error ?? check?.error ?? null,
    state: check?.state ?? (d.reachable ? 'up' : 'down'),
    rejecting: /too many clients|remaining connection slots/i.test(errText),
    auth_failed: /authentication failed|password authentication|no pg_hba|permission denied/i.test(errText),
    top_client: top
      ? `${top.application ?? '(no application_name)'} as ${top.user} (${top.count}: ${Object.entries(top.states)
          .map(([s, c]) => `${c} ${s}`)
          .join(', ')})`
      : null,
    target: check?.target ?? null,
    top_holder_application: top ? (top.application ?? '(no application_name)') : null,
    top_holder_user: top?.user ?? null,
    top_holder_count: top?.count ?? 0,
    top_holder_states: top
      ? Object.entries(top.states)
          .map(([s, c]) => `${c} ${s}`)
          .join(', ')
      : null,
    top_holder_idle: top ? (top.states.idle ?? 0) + (top.states['idle in transaction'] ?? 0) : 0,
    top_holder_pct: top && usable ? pct(top.count, usable) : null,
    top_holder_pid: top?.pids[0] ?? null,
    top_holder_superuser: top?.superuser ?? false,
    top_holder_pids: top?.pids.slice(0, 5) ?? [],
    top_holder_service: topService,
    top_holder_is_dependent: !!topService && dependents.includes(topService),
    holder_count: holders.size,
    root_blocker_pid: root?.pid ?? null,
    root_blocker_state: root?.state ?? null,
    root_blocker_query: root?.query ?? null,
    root_blocker_application: root ? (root.application ?? '(no application_name)') : null,
    root_blocker_user: root?.user ?? null,
    root_blocker_xact_age_s: root?.xactAgeS ?? null,
    root_blocker_xact_age: root?.xactAgeS != null ? formatMs(root.xactAgeS * 1000) : null,
    root_blocker_superuser: root?.superuser === true,
    root_blocker_blocks: root ? flatLocks(root.blocks).length : 0,
    lock_relation: waiters.map((w) => w.waitingFor?.relation).find((x) => x) ?? waiters[0]?.waitingFor?.locktype ?? null,
    blocked_pids: [...new Set(waiters.map((w) => w.pid))].slice(0, 10),
    blocked_applications: [...new Set(waiters.map((w) => w.application ?? '(none)'))].slice(0, 5),
    lock_forming: waiters.length > 0 && waitWorst < t.lock_wait_s,
    longest_lock_wait: formatMs(waitWorst * 1000),
    long_query_count: longQ.length,
    longest_query_s: longest?.queryAgeS ?? 0,
    longest_query_pid: longest?.pid ?? null,
    longest_query: longest?.query ?? null,
    longest_query_application: longest ? (longest.application ?? '(no application_name)') : null,
    longest_query_user: longest?.user ?? null,
    longest_query_superuser: longest?.superuser === true,
    longest_query_age: longest?.queryAgeS != null ? formatMs(longest.queryAgeS * 1000) : null,
    oldest_idle_pid: oldestIdle?.pid ?? null,
    oldest_idle_application: oldestIdle ? (oldestIdle.application ?? '(no application_name)') : null,
    oldest_idle_query: oldestIdle?.query ?? null,
    oldest_idle_superuser: oldestIdle?.superuser === true,
    oldest_idle_age: oldestIdle?.stateAgeS != null ? formatMs(oldestIdle.stateAgeS * 1000) : null,
  };
}

function redisFacts(
  d: RedisObservation,
  check: CheckObservation | undefined,
  now: Date,
  currentWindowMs: number,
  t: TriageThresholds,
): Facts {
  const f = d.facts as Record<string, number | string | undefined>;
  const p = d.prefixes ?? [];
  const sampleBytes = d.sample?.bytes ?? 0;
  const top = p[0];
  const slow = [...d.slowlog].sort((a, b) => b.durationUs - a.durationUs)[0];
  // SLOWLOG keeps entries for ever: only those of the current window are news (SLOWLOG times are whole seconds).
  const recent = d.slowlog.filter(
    (e) => Date.parse(e.at) >= now.getTime() - currentWindowMs - 1000 && e.durationUs >= t.redis_slow_ms * 1000,
  );
  const worst = [...recent].sort((a, b) => b.durationUs - a.durationUs)[0];
  const topClient = d.clients?.[0];
  return {
    ...d.facts,
    reachable: d.reachable,
    error: d.error ?? check?.error ?? null,
    state: check?.state ?? (d.reachable ? 'up' : 'down'),
    target: check?.target ?? null,
    auth_failed: /NOAUTH|WRONGPASS|invalid password|AUTH failed|authentication/i.test(`${d.error ?? ''} ${check?.error ?? ''}`),
    rejecting: /max number of clients reached/i.test(`${d.error ?? ''} ${check?.error ?? ''}`),
    used_memory: typeof f.used_memory_bytes === 'number' ? formatBytes(f.used_memory_bytes) : null,
    maxmemory: typeof f.maxmemory_bytes === 'number' && f.maxmemory_bytes > 0 ? formatBytes(f.maxmemory_bytes) : null,
    evicting_policy: typeof f.maxmemory_policy === 'string' && f.maxmemory_policy !== 'noeviction',
    sampled_keys: d.sample?.keys ?? 0,
    sample_complete: d.sample?.complete ?? false,
    volatile_pct: d.sample?.keys ? pct(d.sample.withTtl, d.sample.keys) : null,
    top_prefix: top?.prefix ?? null,
    top_prefix_pattern: top ? `${top.prefix}*` : null,
    top_prefix_bytes: top?.bytes ?? null,
    top_prefix_memory: top ? formatBytes(top.bytes) : null,
    top_prefix_pct: top && sampleBytes ? pct(top.bytes, sampleBytes) : null,
    top_prefix_keys: top?.keys ?? 0,
    top_prefix_ttl_pct: top?.keys ? pct(top.withTtl, top.keys) : null,
    prefixes: p.slice(0, 5).map((x) => `${x.prefix}* ${formatBytes(x.bytes)} (${x.keys} keys)`),
    slowlog_top_command: slow?.command ?? null,
    slowlog_top_ms: slow ? round1(slow.durationUs / 1000) : null,
    slowlog_top_client: slow ? (slow.clientName ?? slow.client) : null,
    window: formatMs(currentWindowMs),
    slow_commands_now: recent.length,
    slow_command_now: worst?.command ?? null,
    slow_command_now_ms: worst ? round1(worst.durationUs / 1000) : null,
    slow_command_now_took: worst ? formatMs(worst.durationUs / 1000) : null,
    slow_command_now_client: worst ? (worst.clientName ?? worst.client ?? '(unnamed client)') : null,
    top_client_name: topClient ? (topClient.name ?? topClient.addr) : null,
    top_client_count: topClient?.count ?? 0,
  };
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
  for (const [name, deps] of Object.entries(readiness)) {
    for (const d of deps) {
      if (d.ok || !d.service || !d.error) continue;
      const target = out[d.service];
      if (target?.redis && /max number of clients reached/i.test(d.error)) (target.redis as Record<string, unknown>).rejecting = true;
      if (target?.postgres && /too many clients|remaining connection slots/i.test(d.error))
        (target.postgres as Record<string, unknown>).rejecting = true;
      void name;
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

function aggregateByApp(groups: PostgresObservation['connectionsByClient']): { application: string | null; count: number; idle: number }[] {
  const m = new Map<string, { application: string | null; count: number; idle: number }>();
  for (const g of groups) {
    const k = g.application ?? '';
    const x = m.get(k) ?? { application: g.application, count: 0, idle: 0 };
    x.count += g.count;
    if (g.state === 'idle') x.idle += g.count;
    m.set(k, x);
  }
  return [...m.values()];
}

/** Down dependencies at the bottom of the chain: "backend fails because db is down", not "because api is down". */
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
