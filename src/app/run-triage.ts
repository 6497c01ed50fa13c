import type { ServiceConfig } from '../config/schema.js';
import { notFound, validation } from '../core/errors.js';
import { parseIncidentId } from '../core/incident.js';
import { redactText } from '../core/redact.js';
import type { Severity } from '../core/severity.js';
import { BUILT_IN_RULES } from '../core/triage/built-in-rules.js';
import { buildFacts, type TriageObservations } from '../core/triage/facts.js';
import { blindSpots, diagnose, type Symptom } from '../core/triage/model.js';
import type { LogObservation, PostgresObservation, RedisObservation } from '../core/triage/observations.js';
import { mergeRules, suggestSeverity, type Facts, type Finding, type TriageRule } from '../core/triage/rules.js';
import { runHealth } from '../checks/health.js';
import { diagnosePostgres, type PostgresDiagnosis } from '../checks/diagnose-postgres.js';
import { diagnoseRedis, type RedisDiagnosis } from '../checks/diagnose-redis.js';
import { observeServiceLogs } from '../checks/service-logs.js';
import type { CheckState, HealthReport } from '../checks/types.js';
import { findIncident } from '../store/incident.repository.js';
import { findTriageReport, insertTriageReport, listTriageReportRows, type TriageReportRow } from '../store/triage.repository.js';
import { addTimelineEntry } from './add-timeline-entry.js';
import { requireRole, type AppContext } from './context.js';
import { listDeploys, type Deploy } from './record-deploy.js';
import { healthThresholdsOf, selectServices, thresholdsOf, type AdHocTargets } from './run-health.js';

export interface TriageInput extends AdHocTargets {
  /** Put the findings and a link to the report on this incident's timeline. */
  incident?: string;
  services?: string[];
  /** Per-probe timeout (default triage.probe_timeout, 2.5 s). */
  timeoutMs?: number;
  /** Where the full report can be read (an output dir), for the timeline entry. */
  reportLocation?: string;
  /** Log files of the ad hoc app (--logs FILE), read as if they were its configured logs. */
  logFiles?: string[];
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
  /** Root causes first, each with the current symptoms it explains; then causes with no symptom yet; then notes. */
  findings: Finding[];
  /** What a user or a monitor sees now, per service. */
  symptoms: Symptom[];
  /** Symptoms no finding explains (shown so the ranking hides nothing). */
  unexplained: Symptom[];
  /** What this triage could not see: no logs, a dependency with no probe, a probe refused for auth. */
  blindSpots: string[];
  /** Recent changes: deploys and infra changes inside the window. */
  recentChanges: Deploy[];
  windowMs: number;
  /** What counted as "now" (ms). */
  currentWindowMs: number;
  health: HealthReport;
  diagnoses: {
    postgres: Record<string, PostgresDiagnosis>;
    redis: Record<string, RedisDiagnosis>;
    logs: Record<string, LogObservation>;
  };
  /** The facts each rule was evaluated against, per service (what a team rule can read). */
  facts: Record<string, Facts>;
  rulesEvaluated: number;
  summary: string[];
}

const DEFAULT_WINDOW_MS = 3_600_000;
const DEFAULT_CURRENT_WINDOW_MS = 300_000;
/** Longer than the acquire timeouts readiness checks commonly use (0.5–2 s), so their 503 and its pool numbers are seen. */
export const DEFAULT_PROBE_TIMEOUT_MS = 2500;

/**
 * Minutes 1 to 4 of the seed's workflow in one call: health of every service, recent changes,
 * PostgreSQL / Redis / log diagnostics (collection, here), then the causal model in src/core/triage
 * (facts, symptoms, causes, ranking). Everything runs concurrently and is bounded by the probe
 * timeout, so a hanging dependency cannot stall the triage.
 */
export async function runTriage(ctx: AppContext, input: TriageInput = {}): Promise<TriageReport> {
  requireRole(ctx, 'responder', 'running triage');
  const t0 = performance.now();
  const incidentId = input.incident ? parseIncidentId(input.incident) : null;
  if (incidentId && !(await findIncident(ctx.store.db, incidentId)))
    throw notFound(`incident ${incidentId} not found (see "warroom list --all")`);
  if (input.timeoutMs !== undefined && (input.timeoutMs < 1 || input.timeoutMs > 60_000))
    throw validation('timeout: must be between 1 ms and 1 min', 'timeout');
  const configured = ctx.config.services ?? {};
  const selected = selectServices(ctx.config, input, 'triage');
  const adHoc = Object.keys(selected).filter((n) => !configured[n]);
  const services = withAdHocLogs(selected, adHoc, input.logFiles ?? []);
  const thresholds = thresholdsOf(ctx.config);
  const timeoutMs = input.timeoutMs ?? ctx.config.triage?.probe_timeout ?? DEFAULT_PROBE_TIMEOUT_MS;
  const windowMs = ctx.config.triage?.window ?? DEFAULT_WINDOW_MS;
  const currentWindowMs = Math.min(windowMs, ctx.config.triage?.current_window ?? DEFAULT_CURRENT_WINDOW_MS);
  const now = ctx.now();
  const since = new Date(now.getTime() - windowMs).toISOString();
  // Triage waits for each probe as long as its own timeout says (a service's shorter health timeout
  // would give up before the app's pool does): one bound for all, inside the report's deadline.
  const probed = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, { ...s, timeout: timeoutMs }]));

  // Diagnose each distinct database once, even when several services share it.
  const pgTargets = distinct(services, 'postgres');
  const redisTargets = distinct(services, 'redis');
  const allDeploys = await listDeploys(ctx, { limit: 500 });
  const latestDeploy = (service: string) =>
    allDeploys.find((d) => d.service === service && d.at >= since && d.kind !== 'infra')?.at ?? null;
  const [health, pgList, redisList, logList] = await Promise.all([
    runHealth(probed, { timeoutMs, thresholds: healthThresholdsOf(thresholds), now: () => ctx.now() }),
    Promise.all(pgTargets.map(([, url]) => diagnosePostgres(url, { timeoutMs, longQueryMs: thresholds.long_query_s * 1000 }))),
    Promise.all(redisTargets.map(([, url]) => diagnoseRedis(url, { timeoutMs }))),
    Promise.all(
      Object.entries(services)
        .filter(([, s]) => s.logs)
        .map(
          async ([n, s]) =>
            [
              n,
              await observeServiceLogs(n, s, {
                now,
                windowMs,
                currentWindowMs,
                deployAt: latestDeploy(n),
                excludePaths: probePaths(s),
                redact: ctx.config.redact,
                timeoutMs: Math.max(timeoutMs, 2000),
              }),
            ] as const,
        ),
    ),
  ]);
  const pgByUrl = new Map(pgTargets.map(([, url], i) => [url, pgList[i]]));
  const redisByUrl = new Map(redisTargets.map(([, url], i) => [url, redisList[i]]));
  const byService = <T>(kind: 'postgres' | 'redis', m: Map<string, T>) =>
    Object.fromEntries(
      Object.entries(services)
        .filter(([, s]) => s[kind])
        .map(([n, s]) => [n, m.get(s[kind]!)!]),
    );
  const postgres = byService('postgres', pgByUrl);
  const redis = byService('redis', redisByUrl);
  const logs = Object.fromEntries(logList);

  const observations: TriageObservations = {
    services,
    health,
    deploys: allDeploys,
    since,
    now,
    thresholds,
    currentWindowMs,
    adHoc,
    postgres: postgres as Record<string, PostgresObservation>,
    redis: redis as Record<string, RedisObservation>,
    logs,
  };
  const built = buildFacts(observations);
  const rules: TriageRule[] = mergeRules(BUILT_IN_RULES, ctx.config.triage);
  const ranked = diagnose(rules, built);
  const report: TriageReport = {
    id: null,
    createdAt: now.toISOString(),
    actor: ctx.actor.name,
    incident: incidentId,
    durationMs: 0,
    state: health.state,
    suggestedSeverity: suggestSeverity(ranked.findings),
    findings: ranked.findings,
    symptoms: ranked.symptoms,
    unexplained: ranked.unexplained,
    blindSpots: blindSpots(observations, built),
    recentChanges: allDeploys.filter((d) => d.at >= since),
    windowMs,
    currentWindowMs,
    health,
    diagnoses: { postgres, redis, logs },
    facts: built.facts,
    rulesEvaluated: rules.length,
    summary: [],
  };
  report.summary = summarizeTriage(report);
  report.durationMs = Math.round(performance.now() - t0);

  // Stored redacted: the report holds query texts and error messages from the systems it looked at.
  const stored = JSON.parse(redactText(JSON.stringify(report))) as TriageReport;
  stored.id = await insertTriageReport(ctx.store.db, {
    createdAt: report.createdAt,
    actor: ctx.actor.name,
    incident: incidentId,
    state: report.state,
    suggestedSeverity: report.suggestedSeverity,
    findingCount: causesOf(report).length,
    report: JSON.stringify(stored),
  });
  if (incidentId) await postToTimeline(ctx, incidentId, stored, input.reportLocation);
  return stored;
}

/** The findings that are causes (notes are about the past). */
export const causesOf = (r: Pick<TriageReport, 'findings'>) => r.findings.filter((f) => f.kind !== 'note');

/** The paths of a service's own health URLs: requests to them in its logs are warroom's (or a balancer's) probes. */
function probePaths(s: ServiceConfig): string[] {
  const urls = [s.health]
    .flat()
    .filter(Boolean)
    .map((h) => (typeof h === 'string' ? h : (h as { url: string }).url));
  return urls.flatMap((u) => {
    try {
      return [new URL(u).pathname];
    } catch {
      return [];
    }
  });
}

/** --logs FILE belongs to the ad hoc app: the ad hoc health URLs (or, without one, the first ad hoc target). */
function withAdHocLogs(services: Record<string, ServiceConfig>, adHoc: string[], files: string[]): Record<string, ServiceConfig> {
  if (!files.length) return services;
  if (!adHoc.length)
    throw validation(
      '--logs: give it with an ad hoc target (--url, --tcp, …); configured services read the logs their config names',
      'logs',
    );
  const apps = adHoc.filter((n) => services[n].health);
  const owners = apps.length ? apps : [adHoc[0]];
  return Object.fromEntries(Object.entries(services).map(([n, s]) => [n, owners.includes(n) ? { ...s, logs: { file: files } } : s]));
}

function distinct(services: Record<string, ServiceConfig>, kind: 'postgres' | 'redis'): [string, string][] {
  const seen = new Map<string, string>();
  for (const [n, s] of Object.entries(services)) if (s[kind] && !seen.has(s[kind]!)) seen.set(s[kind]!, n);
  return [...seen.entries()].map(([url, n]) => [n, url]);
}

const MAX_TIMELINE_FINDINGS = 10;

async function postToTimeline(ctx: AppContext, incidentId: string, r: TriageReport, location?: string): Promise<void> {
  const causes = causesOf(r);
  for (const f of causes.slice(0, MAX_TIMELINE_FINDINGS)) {
    const explains = f.explains.length ? ` Explains: ${f.explains.slice(0, 3).join('; ')}.` : '';
    const text = `Triage [${f.severity}] ${f.service}: ${f.title} — ${f.cause}.${explains} First action: ${f.action}`;
    await addTimelineEntry(
      ctx,
      incidentId,
      { kind: 'finding', text: redactText(text).slice(0, 2000) },
      { data: { triage: r.id, rule: f.rule, service: f.service, severity: f.severity, root: f.root } },
    );
  }
  const base = ctx.config.server?.public_url?.replace(/\/+$/, '');
  const links = [base ? `${base}/api/v1/triage/${r.id}` : `warroom triage --show ${r.id}`, location].filter(Boolean).join(', ');
  const more = causes.length > MAX_TIMELINE_FINDINGS ? ` (${causes.length - MAX_TIMELINE_FINDINGS} more in the report)` : '';
  const blind = r.blindSpots.length ? ` Not seen: ${r.blindSpots.length} blind spot(s) (in the report).` : '';
  const text = causes.length
    ? `Triage #${r.id}: ${causes.length} finding(s)${more}, suggested ${r.suggestedSeverity}; services ${r.health.counts.up} up, ${r.health.counts.degraded} degraded, ${r.health.counts.down} down.${blind} Full report: ${links}`
    : `Triage #${r.id}: no findings; all ${r.health.services.length} services ${r.state}.${blind} Full report: ${links}`;
  await addTimelineEntry(ctx, incidentId, { kind: 'finding', text }, { data: { triage: r.id } });
}

function summarizeTriage(r: TriageReport): string[] {
  const out: string[] = [];
  const c = r.health.counts;
  const causes = causesOf(r);
  out.push(`${r.health.services.length} service(s): ${c.up} up, ${c.degraded} degraded, ${c.down} down`);
  out.push(
    r.recentChanges.length
      ? `${r.recentChanges.length} change(s) in the last ${Math.round(r.windowMs / 60_000)} min: ${r.recentChanges
          .slice(0, 5)
          .map((d) => `${d.service} ${d.version} (${d.kind}, ${d.at})`)
          .join('; ')}`
      : `no deploys or infra changes recorded in the last ${Math.round(r.windowMs / 60_000)} min`,
  );
  out.push(
    causes.length
      ? `${causes.length} finding(s), suggested severity ${r.suggestedSeverity}; first: ${causes[0].service}: ${causes[0].title}`
      : 'no findings',
  );
  if (r.unexplained.length) out.push(`${r.unexplained.length} symptom(s) no finding explains`);
  return out;
}

export type TriageListItem = TriageReportRow;

export async function getTriageReport(ctx: AppContext, id: number | 'latest', opts: { incident?: string } = {}): Promise<TriageReport> {
  requireRole(ctx, 'viewer', 'reading triage reports');
  const row = await findTriageReport(ctx.store.db, id, opts.incident ? parseIncidentId(opts.incident) : undefined);
  if (!row)
    throw notFound(
      id === 'latest'
        ? `no triage report yet${opts.incident ? ` for ${opts.incident}` : ''}: run "warroom triage"`
        : `triage report ${id} not found`,
    );
  return { ...(JSON.parse(row.report) as TriageReport), id: Number(row.id) };
}

export async function listTriageReports(ctx: AppContext, opts: { limit?: number; incident?: string } = {}): Promise<TriageListItem[]> {
  requireRole(ctx, 'viewer', 'listing triage reports');
  return listTriageReportRows(ctx.store.db, { incident: opts.incident ? parseIncidentId(opts.incident) : undefined, limit: opts.limit });
}
