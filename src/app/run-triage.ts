import type { ServiceConfig } from '../config/schema.js';
import { notFound, validation } from '../core/errors.js';
import { parseIncidentId } from '../core/incident.js';
import { redactText } from '../core/redact.js';
import type { Severity } from '../core/severity.js';
import { BUILT_IN_RULES, evaluateRules, mergeRules, suggestSeverity, type Facts, type Finding, type TriageRule, type TriageThresholds } from '../core/triage/rules.js';
import { runHealth } from '../checks/health.js';
import { diagnosePostgres, type LockNode, type PostgresDiagnosis } from '../checks/diagnose-postgres.js';
import { diagnoseRedis, type RedisDiagnosis } from '../checks/diagnose-redis.js';
import { formatBytes } from '../checks/disk.js';
import { analyzeServiceLogs, type ServiceLogSummary } from '../checks/service-logs.js';
import type { CheckResult, CheckState, HealthReport, ServiceHealth } from '../checks/types.js';
import { findIncident } from '../store/incident.repository.js';
import { addTimelineEntry } from './add-timeline-entry.js';
import { requireRole, type AppContext } from './context.js';
import { listDeploys, type Deploy } from './record-deploy.js';
import { healthThresholdsOf, selectServices, thresholdsOf, type AdHocTargets } from './run-health.js';

export interface TriageInput extends AdHocTargets {
  /** Put the findings and a link to the report on this incident's timeline. */
  incident?: string;
  services?: string[];
  /** Log files to read for the ad hoc targets (`triage --logs <file>`, repeatable). */
  logFiles?: string[];
  timeoutMs?: number;
  /** Where the full report can be read (an output dir), for the timeline entry. */
  reportLocation?: string;
}

export interface TriageReport {
  id: number | null;
  createdAt: string;
  actor: string;
  incident: string | null;
  durationMs: number;
  /** Worst service state. */
  state: CheckState;
  suggestedSeverity: Severity | null;
  findings: Finding[];
  /** Recent changes: deploys and infra changes inside the window. */
  recentChanges: Deploy[];
  windowMs: number;
  health: HealthReport;
  diagnoses: {
    postgres: Record<string, PostgresDiagnosis>;
    redis: Record<string, RedisDiagnosis>;
    logs: Record<string, ServiceLogSummary>;
  };
  /** The facts each rule was evaluated against, per service (what a team rule can read). */
  facts: Record<string, Facts>;
  rulesEvaluated: number;
  summary: string[];
}

const DEFAULT_WINDOW_MS = 3_600_000;

/**
 * Minutes 1 to 4 of the seed's workflow in one call: health of every service, recent changes,
 * quick PostgreSQL / Redis / log diagnostics, then the rules. Everything runs concurrently and
 * is bounded by the check timeout, so a hanging dependency cannot stall the triage.
 */
export async function runTriage(ctx: AppContext, input: TriageInput = {}): Promise<TriageReport> {
  requireRole(ctx, 'responder', 'running triage');
  const t0 = performance.now();
  const incidentId = input.incident ? parseIncidentId(input.incident) : null;
  if (incidentId && !(await findIncident(ctx.store.db, incidentId))) throw notFound(`incident ${incidentId} not found (see "warroom list --all")`);
  if (input.timeoutMs !== undefined && (input.timeoutMs < 1 || input.timeoutMs > 60_000)) throw validation('timeout: must be between 1 ms and 1 min', 'timeout');
  const services = selectServices(ctx.config, input, 'triage');
  const thresholds = thresholdsOf(ctx.config);
  const timeoutMs = input.timeoutMs ?? 2000;
  const windowMs = ctx.config.triage?.window ?? DEFAULT_WINDOW_MS;
  const now = ctx.now();
  const since = new Date(now.getTime() - windowMs).toISOString();

  // Diagnose each distinct database once, even when several services share it.
  const pgTargets = distinct(services, 'postgres');
  const redisTargets = distinct(services, 'redis');
  const diagTimeout = Math.max(timeoutMs, 1000);
  // The logs analyser lines a spike up against the change before it.
  const allDeploys = await listDeploys(ctx, { limit: 500 });
  const recentDeploysFor = (service: string) => allDeploys.filter((d) => d.service === service);
  const [health, deploys, pgList, redisList, logList] = await Promise.all([
    runHealth(services, { timeoutMs, thresholds: healthThresholdsOf(thresholds), now: () => ctx.now() }),
    allDeploys,
    Promise.all(pgTargets.map(([, url]) => diagnosePostgres(url, { timeoutMs: diagTimeout, longQueryMs: thresholds.long_query_s * 1000 }))),
    Promise.all(redisTargets.map(([, url]) => diagnoseRedis(url, { timeoutMs: diagTimeout }))),
    Promise.all(Object.entries(services).filter(([, s]) => s.logs).map(async ([n, s]) => [n, await analyzeServiceLogs(n, s, { since: '15m', now, deploys: recentDeploysFor(n), redact: ctx.config.redact, timeoutMs: Math.max(timeoutMs * 2, 3000) })] as const)),
  ]);
  const pgByUrl = new Map(pgTargets.map(([, url], i) => [url, pgList[i]]));
  const redisByUrl = new Map(redisTargets.map(([, url], i) => [url, redisList[i]]));
  const logs = Object.fromEntries(logList);
  const recentChanges = deploys.filter((d) => d.at >= since);

  const facts = buildFacts({ services, health, deploys, since, now, pgByUrl, redisByUrl, logs, thresholds });
  const rules: TriageRule[] = mergeRules(BUILT_IN_RULES, ctx.config.triage);
  const findings = evaluateRules(rules, facts);
  const report: TriageReport = {
    id: null, createdAt: now.toISOString(), actor: ctx.actor.name, incident: incidentId,
    durationMs: 0, state: health.state, suggestedSeverity: suggestSeverity(findings), findings, recentChanges, windowMs, health,
    diagnoses: {
      postgres: Object.fromEntries(Object.entries(services).filter(([, s]) => s.postgres).map(([n, s]) => [n, pgByUrl.get(s.postgres!)!])),
      redis: Object.fromEntries(Object.entries(services).filter(([, s]) => s.redis).map(([n, s]) => [n, redisByUrl.get(s.redis!)!])),
      logs,
    },
    facts, rulesEvaluated: rules.length, summary: [],
  };
  report.summary = summarizeTriage(report);
  report.durationMs = Math.round(performance.now() - t0);

  // Stored redacted: the report holds query texts and error messages from the systems it looked at.
  const stored = JSON.parse(redactText(JSON.stringify(report))) as TriageReport;
  const row = await ctx.store.db.insertInto('triage_reports').values({
    created_at: report.createdAt, actor: ctx.actor.name, incident_id: incidentId, state: report.state,
    suggested_severity: report.suggestedSeverity, finding_count: findings.length, report: JSON.stringify(stored),
  }).returning('id').executeTakeFirstOrThrow();
  stored.id = Number(row.id);
  if (incidentId) await postToTimeline(ctx, incidentId, stored, input.reportLocation);
  return stored;
}

function distinct(services: Record<string, ServiceConfig>, kind: 'postgres' | 'redis'): [string, string][] {
  const seen = new Map<string, string>();
  for (const [n, s] of Object.entries(services)) if (s[kind] && !seen.has(s[kind]!)) seen.set(s[kind]!, n);
  return [...seen.entries()].map(([url, n]) => [n, url]);
}

const MAX_TIMELINE_FINDINGS = 10;

async function postToTimeline(ctx: AppContext, incidentId: string, r: TriageReport, location?: string): Promise<void> {
  for (const f of r.findings.slice(0, MAX_TIMELINE_FINDINGS)) {
    const text = `Triage [${f.severity}] ${f.service}: ${f.title} — ${f.cause}. First action: ${f.action}`;
    await addTimelineEntry(ctx, incidentId, { kind: 'finding', text: redactText(text).slice(0, 2000) }, { data: { triage: r.id, rule: f.rule, service: f.service, severity: f.severity } });
  }
  const base = ctx.config.server?.public_url?.replace(/\/+$/, '');
  const links = [base ? `${base}/api/v1/triage/${r.id}` : `warroom triage --show ${r.id}`, location].filter(Boolean).join(', ');
  const more = r.findings.length > MAX_TIMELINE_FINDINGS ? ` (${r.findings.length - MAX_TIMELINE_FINDINGS} more in the report)` : '';
  const text = r.findings.length
    ? `Triage #${r.id}: ${r.findings.length} finding(s)${more}, suggested ${r.suggestedSeverity}; services ${r.health.counts.up} up, ${r.health.counts.degraded} degraded, ${r.health.counts.down} down. Full report: ${links}`
    : `Triage #${r.id}: no findings; all ${r.health.services.length} services ${r.state}. Full report: ${links}`;
  await addTimelineEntry(ctx, incidentId, { kind: 'finding', text }, { data: { triage: r.id } });
}

interface FactInputs {
  services: Record<string, ServiceConfig>;
  health: HealthReport;
  deploys: Deploy[];
  since: string;
  now: Date;
  pgByUrl: Map<string, PostgresDiagnosis>;
  redisByUrl: Map<string, RedisDiagnosis>;
  logs: Record<string, ServiceLogSummary>;
  thresholds: TriageThresholds;
}

const worstOf = (checks: CheckResult[]) => checks.find((c) => c.state === 'down') ?? checks.find((c) => c.state === 'degraded') ?? checks[0];

/** Down dependencies at the bottom of the chain: "backend fails because db is down", not "because api is down". */
function rootCauses(name: string, deps: Record<string, string[]>, state: Map<string, CheckState>, path = new Set<string>()): string[] {
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

/** Flattens everything collected into one fact object per service: the vocabulary of the rules. */
export function buildFacts(i: FactInputs): Record<string, Facts> {
  const byName = new Map<string, ServiceHealth>(i.health.services.map((s) => [s.service, s]));
  const state = new Map<string, CheckState>([...byName].map(([n, s]) => [n, s.state]));
  const deps = Object.fromEntries(Object.entries(i.services).map(([n, s]) => [n, s.depends_on ?? []]));
  const out: Record<string, Facts> = {};
  for (const [name, svc] of Object.entries(i.services)) {
    const h = byName.get(name);
    const checks = h?.checks ?? [];
    const bad = checks.filter((c) => c.state !== 'up');
    const roots = h && h.state !== 'up' ? rootCauses(name, deps, state) : [];
    const dependents = Object.entries(deps).filter(([, ds]) => ds.includes(name)).map(([n]) => n);
    const f: Facts = {
      thresholds: i.thresholds,
      service: {
        name, state: h?.state ?? 'unknown', check_count: checks.length,
        down_checks: checks.filter((c) => c.state === 'down').length, degraded_checks: checks.filter((c) => c.state === 'degraded').length,
        failing_checks: bad.map((c) => `${c.kind} ${c.target}`), error: bad[0]?.error ?? null,
        depends_on: svc.depends_on ?? [], root_causes: roots, root_causes_count: roots.length, root_cause_first: roots[0] ?? null,
        root_cause_error: roots.length ? `${roots[0]}: ${worstOf(byName.get(roots[0])?.checks ?? [])?.error ?? 'down'}` : null,
        dependents, dependents_first: dependents[0] ?? name, team: svc.team ?? null,
      },
    };
    const kind = (k: CheckResult['kind']) => checks.filter((c) => c.kind === k);
    const http = worstOf(kind('http'));
    if (http) {
      const failing = (http.evidence.failingDependencies as string[] | undefined) ?? [];
      f.http = { state: http.state, target: http.target, status: http.evidence.status ?? null, latency_ms: http.latencyMs, error: http.error ?? null, failing_dependencies: failing, failing_dependency_count: failing.length };
    }
    const tcp = worstOf(kind('tcp'));
    if (tcp) f.tcp = { state: tcp.state, target: tcp.target, error: tcp.error ?? null };
    const dns = worstOf(kind('dns'));
    if (dns) f.dns = { state: dns.state, target: dns.target, error: dns.error ?? null };
    const tls = kind('tls').filter((c) => typeof c.evidence.daysLeft === 'number').sort((a, b) => (a.evidence.daysLeft as number) - (b.evidence.daysLeft as number));
    const tlsBad = worstOf(kind('tls'));
    if (tlsBad) {
      const first = tls[0] ?? tlsBad;
      f.tls = {
        state: tlsBad.state, target: first.target, min_days_left: first.evidence.daysLeft ?? null, valid_to: first.evidence.validTo ?? null, issuer: first.evidence.issuer ?? null,
        expired: kind('tls').some((c) => c.evidence.expired === true),
        chain_error: kind('tls').map((c) => c.evidence.chainError).find((x) => x) ?? null,
        hostname_error: kind('tls').map((c) => c.evidence.hostnameError).find((x) => x) ?? null,
        error: tlsBad.error ?? null,
      };
    }
    const disks = kind('disk').filter((c) => typeof c.evidence.freePct === 'number');
    if (disks.length) {
      const low = disks.reduce((a, b) => (Math.min(b.evidence.freePct as number, (b.evidence.inodesFreePct as number) ?? 100) < Math.min(a.evidence.freePct as number, (a.evidence.inodesFreePct as number) ?? 100) ? b : a));
      f.disk = {
        state: worstOf(kind('disk')).state, path: low.target, min_free_pct: Math.min(low.evidence.freePct as number, (low.evidence.inodesFreePct as number) ?? 100),
        space_free_pct: low.evidence.freePct, inodes_free_pct: low.evidence.inodesFreePct ?? null, free_human: formatBytes(low.evidence.freeBytes as number),
      };
    } else if (kind('disk').length) {
      const d = kind('disk')[0];
      f.disk = { state: d.state, path: d.target, error: d.error ?? null };
    }
    const container = worstOf(kind('container'));
    if (container) {
      const e = container.evidence;
      f.container = { state: container.state, target: container.target, status: e.status ?? null, health: e.health ?? null, oom_killed: e.oomKilled ?? null, restart_count: e.restartCount ?? null, error: container.error ?? null };
    }
    if (svc.postgres) {
      const d = i.pgByUrl.get(svc.postgres);
      const check = worstOf(kind('postgres'));
      if (d) f.postgres = postgresFacts(d, check);
    }
    if (svc.redis) {
      const d = i.redisByUrl.get(svc.redis);
      const check = worstOf(kind('redis'));
      if (d) f.redis = { ...d.facts, reachable: d.reachable, error: d.error ?? null, state: check?.state ?? (d.reachable ? 'up' : 'down') };
    }
    const mine = i.deploys.filter((d) => d.service === name);
    const recent = mine.find((d) => d.at >= i.since);
    f.deploy = recent
      ? { recent: true, version: recent.version, kind: recent.kind, by: recent.by, at: recent.at, minutes_ago: Math.max(0, Math.round((i.now.getTime() - Date.parse(recent.at)) / 60_000)), previous_version: mine.find((d) => d.at < recent.at && d.kind !== 'infra')?.version ?? null, count: mine.filter((d) => d.at >= i.since).length }
      : { recent: false, count: 0 };
    const l = i.logs[name];
    if (l) f.logs = { available: l.available, window: l.window, lines: l.lines, errors: l.errors, error_rate_pct: l.errorRatePct, top_endpoint: l.topEndpoint, spike: l.spike, spike_summary: l.spikeSummary };
    out[name] = f;
  }
  return out;
}

function postgresFacts(d: PostgresDiagnosis, check: CheckResult | undefined): Facts {
  const flat = (n: LockNode[], acc: LockNode[] = []): LockNode[] => { for (const x of n) { acc.push(x); flat(x.blocks, acc); } return acc; };
  const root = d.lockTree[0];
  const longest = [...d.longQueries].sort((a, b) => (b.queryAgeS ?? 0) - (a.queryAgeS ?? 0))[0];
  const oldestIdle = [...d.idleInTransaction].sort((a, b) => (b.stateAgeS ?? 0) - (a.stateAgeS ?? 0))[0];
  const top = d.connectionsByClient[0];
  return {
    ...d.facts, reachable: d.reachable, error: d.error ?? null, state: check?.state ?? (d.reachable ? 'up' : 'down'),
    top_client: top ? `${top.application ?? '(no application_name)'} as ${top.user} (${top.count} ${top.state})` : null,
    root_blocker_pid: root?.pid ?? null, root_blocker_state: root?.state ?? null, root_blocker_query: root?.query ?? null,
    root_blocker_blocks: root ? flat(root.blocks).length : 0,
    longest_query_pid: longest?.pid ?? null, longest_query: longest?.query ?? null,
    oldest_idle_pid: oldestIdle?.pid ?? null, oldest_idle_application: oldestIdle?.application ?? null, oldest_idle_query: oldestIdle?.query ?? null,
  };
}

function summarizeTriage(r: TriageReport): string[] {
  const out: string[] = [];
  const c = r.health.counts;
  out.push(`${r.health.services.length} service(s): ${c.up} up, ${c.degraded} degraded, ${c.down} down`);
  out.push(r.recentChanges.length ? `${r.recentChanges.length} change(s) in the last ${Math.round(r.windowMs / 60_000)} min: ${r.recentChanges.slice(0, 5).map((d) => `${d.service} ${d.version} (${d.kind}, ${d.at})`).join('; ')}` : `no deploys or infra changes recorded in the last ${Math.round(r.windowMs / 60_000)} min`);
  out.push(r.findings.length ? `${r.findings.length} finding(s), suggested severity ${r.suggestedSeverity}` : 'no findings');
  return out;
}

export interface TriageListItem { id: number; createdAt: string; actor: string; incident: string | null; state: string; suggestedSeverity: string | null; findingCount: number }

export async function getTriageReport(ctx: AppContext, id: number | 'latest', opts: { incident?: string } = {}): Promise<TriageReport> {
  requireRole(ctx, 'viewer', 'reading triage reports');
  let q = ctx.store.db.selectFrom('triage_reports').select(['id', 'report']);
  if (id === 'latest') {
    if (opts.incident) q = q.where('incident_id', '=', parseIncidentId(opts.incident));
    q = q.orderBy('id', 'desc').limit(1);
  } else {
    q = q.where('id', '=', id);
  }
  const row = await q.executeTakeFirst();
  if (!row) throw notFound(id === 'latest' ? `no triage report yet${opts.incident ? ` for ${opts.incident}` : ''}: run "warroom triage"` : `triage report ${id} not found`);
  return { ...(JSON.parse(row.report) as TriageReport), id: Number(row.id) };
}

export async function listTriageReports(ctx: AppContext, opts: { limit?: number; incident?: string } = {}): Promise<TriageListItem[]> {
  requireRole(ctx, 'viewer', 'listing triage reports');
  let q = ctx.store.db.selectFrom('triage_reports').select(['id', 'created_at', 'actor', 'incident_id', 'state', 'suggested_severity', 'finding_count']);
  if (opts.incident) q = q.where('incident_id', '=', parseIncidentId(opts.incident));
  const rows = await q.orderBy('id', 'desc').limit(opts.limit ?? 20).execute();
  return rows.map((r) => ({ id: Number(r.id), createdAt: r.created_at, actor: r.actor, incident: r.incident_id, state: r.state, suggestedSeverity: r.suggested_severity, findingCount: Number(r.finding_count) }));
}
