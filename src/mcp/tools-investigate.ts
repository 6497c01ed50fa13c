import { z } from 'zod';
import { requireRole } from '../app/context.js';
import { listDeploys } from '../app/record-deploy.js';
import { runHealthCheck } from '../app/run-health.js';
import { runAppDiagnosis, runNetworkDiagnosis, runPostgresDiagnosis, runRedisDiagnosis } from '../app/run-diagnosis.js';
import { runTriage, type TriageReport } from '../app/run-triage.js';
import type { HealthReport } from '../checks/types.js';
import { notFound } from '../core/errors.js';
import { parseTimePoint } from '../core/time.js';
import { analyzeServiceLogs, type LogAnalysis } from '../logs/analyze.js';
import { defineTool, incidentArg, type ToolDef } from './tool.js';

const stateEnum = z.enum(['up', 'degraded', 'down']);

export const healthReportSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  timeoutMs: z.number(),
  deadlineMs: z.number(),
  state: stateEnum,
  counts: z.record(z.string(), z.number()),
  services: z.array(
    z.object({
      service: z.string(),
      state: stateEnum,
      checks: z.array(
        z.object({
          service: z.string(),
          kind: z.string(),
          target: z.string(),
          state: stateEnum,
          latencyMs: z.number(),
          evidence: z.record(z.string(), z.unknown()),
          error: z.string().optional(),
        }),
      ),
    }),
  ),
  skipped: z.array(z.string()),
});

export const findingSchema = z.object({
  rule: z.string(),
  title: z.string(),
  pattern: z.string().nullable(),
  service: z.string(),
  severity: z.string(),
  cause: z.string(),
  evidence: z.array(z.string()),
  action: z.string(),
  facts: z.record(z.string(), z.unknown()),
});

/** The triage report (src/app/run-triage.ts); the bulky parts (diagnoses, facts) are passed through as they are. */
export const triageReportSchema = z.looseObject({
  id: z.number().int().nullable(),
  createdAt: z.string(),
  actor: z.string(),
  incident: z.string().nullable(),
  durationMs: z.number(),
  state: stateEnum,
  suggestedSeverity: z.string().nullable(),
  findings: z.array(findingSchema),
  recentChanges: z.array(z.record(z.string(), z.unknown())),
  windowMs: z.number(),
  health: healthReportSchema,
  diagnoses: z.record(z.string(), z.unknown()),
  summary: z.array(z.string()),
});

const logAnalysisSchema = z.looseObject({
  service: z.string(),
  window: z.object({ since: z.string(), until: z.string() }).nullable(),
  totals: z.record(z.string(), z.unknown()),
  errorEvents: z.number(),
  errorRatePerMinute: z.array(z.object({ minute: z.string(), lines: z.number(), errors: z.number() })),
  topFailingEndpoints: z.array(z.record(z.string(), z.unknown())),
  signatures: z.array(z.record(z.string(), z.unknown())),
  spike: z.record(z.string(), z.unknown()).nullable(),
  latency: z.array(z.record(z.string(), z.unknown())),
});

const incidentOf = (a: Record<string, unknown>) => (typeof a.incident === 'string' ? a.incident : null);

function healthLine(r: HealthReport): string {
  const bad = r.services.filter((s) => s.state !== 'up').map((s) => `${s.service} ${s.state}`);
  return `${r.state}${bad.length ? ` — ${bad.join(', ')}` : ''}`;
}

export const investigateTools: ToolDef[] = [
  defineTool({
    name: 'run_health',
    title: 'Health of every service',
    effect: 'run',
    description:
      'Check every configured service (or the named ones, or ad hoc URLs) concurrently: HTTP readiness, TCP, PostgreSQL, Redis, DNS, TLS expiry, disk, container. Each check is up, degraded or down with latency and evidence. Read-only.',
    input: {
      services: z.array(z.string().max(100)).optional().describe('only these configured services'),
      urls: z.array(z.string().max(2000)).optional().describe('ad hoc health URLs'),
      postgres: z.array(z.string().max(2000)).optional().describe('ad hoc PostgreSQL URLs'),
      redis: z.array(z.string().max(2000)).optional().describe('ad hoc Redis URLs'),
      tcp: z.array(z.string().max(300)).optional().describe('ad hoc host:port'),
      timeout_ms: z.number().int().min(1).max(120_000).optional(),
      incident: incidentArg,
    },
    output: healthReportSchema,
    incidentOf,
    run: ({ ctx }, a) =>
      runHealthCheck(ctx, {
        services: a.services,
        urls: a.urls,
        postgres: a.postgres,
        redis: a.redis,
        tcp: a.tcp,
        timeoutMs: a.timeout_ms,
      }),
    describe: (_a, r) => `Agent ran the health check: ${r ? healthLine(r) : 'failed'} (run_health)`,
    keep: (r) => ({ state: r.state, counts: r.counts, services: r.services.map((s) => ({ service: s.service, state: s.state })) }),
  }),
  defineTool({
    name: 'run_triage',
    title: "The seed's 5-minute triage",
    effect: 'run',
    description:
      'Minutes 1 to 4 in one call: health of every service, recent deploys and infra changes, quick PostgreSQL / Redis / log diagnostics, then the triage rules. Each finding names the likely cause, the evidence (numbers), the first action and a suggested severity. With incident, the findings and a link to the report go onto its timeline. Read-only towards production.',
    input: {
      services: z.array(z.string().max(100)).optional().describe('only these configured services'),
      urls: z.array(z.string().max(2000)).optional().describe('ad hoc health URLs'),
      postgres: z.array(z.string().max(2000)).optional(),
      redis: z.array(z.string().max(2000)).optional(),
      timeout_ms: z.number().int().min(1).max(60_000).optional(),
      incident: incidentArg,
    },
    output: triageReportSchema,
    run: async ({ ctx }, a) =>
      (await runTriage(ctx, {
        services: a.services,
        urls: a.urls,
        postgres: a.postgres,
        redis: a.redis,
        timeoutMs: a.timeout_ms,
        incident: a.incident,
      })) as TriageReport & Record<string, unknown>,
    incidentOf,
    describe: (_a, r) =>
      `Agent ran triage${r ? ` #${r.id}: ${r.state}, ${r.findings.length} finding(s)${r.suggestedSeverity ? `, suggested ${r.suggestedSeverity}` : ''}` : ''} (run_triage)`,
    keep: (r) => ({
      triage: r.id,
      state: r.state,
      suggestedSeverity: r.suggestedSeverity,
      findings: r.findings.map((f) => `${f.service}: ${f.title}`),
    }),
  }),
  defineTool({
    name: 'diagnose',
    title: 'Diagnose PostgreSQL, Redis, an app or the network',
    effect: 'run',
    description:
      "The seed's investigation steps, done right. postgres: connections by state vs max_connections, idle-in-transaction, long-running queries, lock tree (pg_blocking_pids), deadlocks, replication. redis: memory vs maxmemory, evictions, clients, slowlog, keyspace, persistence. app: readiness payload, container, error rate from logs. network: DNS, TLS expiry, reachability, disk. Read-only.",
    input: {
      target: z.enum(['postgres', 'redis', 'app', 'network']),
      service: z.string().max(100).optional().describe('a configured service'),
      url: z.string().max(2000).optional().describe('or a URL directly (postgres://, redis://, http(s) health URL)'),
      since: z.string().max(60).optional().describe('app: log window, e.g. 15m'),
      timeout_ms: z.number().int().min(1).max(60_000).optional(),
      incident: incidentArg,
    },
    output: z.object({ target: z.enum(['postgres', 'redis', 'app', 'network']), diagnosis: z.record(z.string(), z.unknown()) }),
    run: async ({ ctx }, a) => {
      const t = { service: a.service, url: a.url, timeoutMs: a.timeout_ms };
      const d =
        a.target === 'postgres'
          ? await runPostgresDiagnosis(ctx, t)
          : a.target === 'redis'
            ? await runRedisDiagnosis(ctx, t)
            : a.target === 'app'
              ? await runAppDiagnosis(ctx, { ...t, since: a.since })
              : await runNetworkDiagnosis(ctx, { services: a.service ? [a.service] : undefined, timeoutMs: a.timeout_ms });
      return { target: a.target, diagnosis: d as unknown as Record<string, unknown> };
    },
    incidentOf,
    describe: (a, r) =>
      `Agent diagnosed ${String(a.target)}${a.service ? ` (${String(a.service)})` : ''}${r && Array.isArray(r.diagnosis.summary) ? `: ${(r.diagnosis.summary as string[]).slice(0, 3).join('; ')}` : ''} (diagnose)`,
    keep: (r) => ({
      target: r.target,
      state: r.diagnosis.state ?? null,
      summary: Array.isArray(r.diagnosis.summary) ? (r.diagnosis.summary as string[]).slice(0, 5) : null,
    }),
  }),
  defineTool({
    name: 'analyze_logs',
    title: "Analyse a service's logs for a window",
    effect: 'run',
    description:
      "One pass over the service's logs (files, Docker, journald or a command, as warroom.yaml says) for a window: error events and rate per minute, top failing endpoints (paths normalised), error signatures, the spike and the deploy nearest before it, latency percentiles. Output is redacted. Read-only.",
    input: {
      service: z.string().max(100),
      since: z.string().max(60).optional().describe('"15m" (default), "2 hours ago" or ISO 8601'),
      until: z.string().max(60).optional().describe('default now'),
      top: z.number().int().min(1).max(100).optional(),
      incident: incidentArg,
    },
    output: logAnalysisSchema,
    run: async ({ ctx }, a) => {
      requireRole(ctx, 'viewer', 'analysing logs');
      const svc = ctx.config.services?.[a.service];
      if (!svc)
        throw notFound(`no service "${a.service}" in warroom.yaml (known: ${Object.keys(ctx.config.services ?? {}).join(', ') || 'none'})`);
      const now = ctx.now();
      const since = parseTimePoint(a.since ?? '15m', now, 'since');
      const until = a.until ? parseTimePoint(a.until, now, 'until') : now;
      const deploys = await listDeploys(ctx, { since: new Date(since.getTime() - 3_600_000).toISOString(), limit: 200 });
      const analysis: LogAnalysis = await analyzeServiceLogs(
        svc,
        { since, until },
        { deploys, redact: ctx.config.redact, top: a.top, name: a.service },
      );
      return { service: a.service, ...analysis } as unknown as Record<string, unknown> & { errorEvents: number; service: string };
    },
    incidentOf,
    describe: (a, r) =>
      `Agent analysed the logs of ${String(a.service)} since ${String(a.since ?? '15m')}${r ? `: ${r.errorEvents} error event(s)` : ''} (analyze_logs)`,
    keep: (r) => ({ errorEvents: r.errorEvents, spike: (r as Record<string, unknown>).spike ?? null }),
  }),
];
