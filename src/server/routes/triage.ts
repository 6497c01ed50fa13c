import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { runHealthCheck } from '../../app/run-health.js';
import { runAppDiagnosis, runNetworkDiagnosis, runPostgresDiagnosis, runRedisDiagnosis } from '../../app/run-diagnosis.js';
import { getTriageReport, listTriageReports, runTriage } from '../../app/run-triage.js';
import { parseDuration } from '../../core/time.js';
import { validation } from '../../core/errors.js';
import { splitList } from '../../core/comma-list.js';
import { defineRoute, qInt } from '../route.js';
import type { ServerDeps } from '../deps.js';
import { healthReportSchema, triageListSchema, triageReportSchema } from '../../contract/triage.js';

const tags = ['triage'];
const HEALTH_REUSE_MS = 2000;
const duration = (field: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? parseDuration(v, field) : undefined));
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => splitList(v));

/**
 * Health reads are for viewers (the health board); running triage writes a report (and may
 * write to an incident) so it needs a responder; diagnoses show query texts, so responder too.
 * Checks only ever target services from the server's config: an API caller cannot make the
 * server probe arbitrary URLs.
 */
export function registerTriageRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const healthRuns = new Map<string, { at: number; report: ReturnType<typeof runHealthCheck> }>();
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/health',
      role: 'viewer',
      summary: 'Health of every configured service (checks run now, concurrently)',
      tags,
      query: z.object({ service: list, timeout: duration('timeout') }).strict(),
      response: healthReportSchema,
    },
    async ({ ctx, query }) => {
      // A health board polled by many viewers must not multiply the probes: identical requests
      // within HEALTH_REUSE_MS share one run.
      const key = JSON.stringify([query.service ?? null, query.timeout ?? null]);
      const hit = healthRuns.get(key);
      if (hit && Date.now() - hit.at < HEALTH_REUSE_MS) return hit.report;
      const report = runHealthCheck(ctx, { services: query.service, timeoutMs: query.timeout });
      healthRuns.set(key, { at: Date.now(), report });
      report.catch(() => healthRuns.delete(key));
      if (healthRuns.size > 100) healthRuns.delete(healthRuns.keys().next().value!);
      return report;
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/triage',
      role: 'responder',
      summary: 'Run triage: health, recent changes, diagnostics and findings; stored and optionally added to an incident',
      tags,
      body: z
        .object({ incident: z.string().optional(), services: z.array(z.string().min(1)).optional(), timeout: duration('timeout') })
        .strict(),
      status: 201,
      response: triageReportSchema,
    },
    async ({ ctx, body }) => runTriage(ctx, { incident: body.incident, services: body.services, timeoutMs: body.timeout }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/triage/latest',
      role: 'viewer',
      summary: 'The most recent triage report (optionally for one incident)',
      tags,
      query: z.object({ incident: z.string().optional() }).strict(),
      response: triageReportSchema,
    },
    async ({ ctx, query }) => getTriageReport(ctx, 'latest', { incident: query.incident }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/triage',
      role: 'viewer',
      summary: 'Stored triage reports, newest first',
      tags,
      query: z.object({ incident: z.string().optional(), limit: qInt(1, 500) }).strict(),
      response: triageListSchema,
    },
    async ({ ctx, query }) => ({ reports: await listTriageReports(ctx, { incident: query.incident, limit: query.limit }) }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/triage/:id',
      role: 'viewer',
      summary: 'One stored triage report',
      tags,
      response: triageReportSchema,
    },
    async ({ ctx, params }) => {
      const id = /^\d+$/.test(params.id) ? Number(params.id) : NaN;
      if (!Number.isSafeInteger(id) || id < 1) throw validation(`id: expected a report number, got "${params.id}"`, 'id');
      return getTriageReport(ctx, id);
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/diagnose/:kind',
      role: 'responder',
      summary: 'Diagnose a configured service: postgres, redis, app or network',
      tags,
      body: z.object({ service: z.string().min(1).optional(), timeout: duration('timeout') }).strict(),
    },
    async ({ ctx, body, params }) => {
      switch (params.kind) {
        case 'postgres':
          return runPostgresDiagnosis(ctx, { service: body.service, timeoutMs: body.timeout });
        case 'redis':
          return runRedisDiagnosis(ctx, { service: body.service, timeoutMs: body.timeout });
        case 'app':
          return runAppDiagnosis(ctx, { service: body.service, timeoutMs: body.timeout });
        case 'network':
          return runNetworkDiagnosis(ctx, { services: body.service ? [body.service] : undefined, timeoutMs: body.timeout });
        default:
          throw validation(`kind: unknown diagnosis "${params.kind}" (expected postgres, redis, app or network)`, 'kind');
      }
    },
  );
}
