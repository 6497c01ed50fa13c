import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listActionRuns, runAction, runActionInputSchema } from '../../app/run-action.js';
import { parseIncidentId } from '../../core/incident.js';
import { apiOperations, defineRoute } from '../route.js';
import type { ServerDeps } from '../build-server.js';

const tags = ['remediation'];

/** The request body: the run input without the incident, which is in the URL (documented in docs/remediation.md). */
export const actionBodySchema = runActionInputSchema.omit({ incident: true });

const planSchema = z.object({
  action: z.string(), target: z.string(), summary: z.string(), role: z.string(),
  steps: z.array(z.object({ kind: z.string(), description: z.string(), argv: z.array(z.string()).optional(), timeoutMs: z.number().optional() })),
  facts: z.record(z.string(), z.unknown()), warnings: z.array(z.string()),
});

export const actionRunResultSchema = z.object({
  runId: z.number().int().nullable(), action: z.string(), target: z.string().nullable(), incidentId: z.string().nullable(),
  dryRun: z.boolean(), status: z.enum(['planned', 'succeeded', 'failed', 'timed_out', 'interrupted', 'refused', 'error']), ok: z.boolean(),
  plan: planSchema.nullable(),
  outcome: z.object({
    status: z.string(), exitCode: z.number().int().nullable(), summary: z.string(), output: z.string(),
    steps: z.array(z.object({ description: z.string(), status: z.string(), exitCode: z.number().int().nullable().optional(), durationMs: z.number(), error: z.string().nullable().optional() })),
    verification: z.object({ ok: z.boolean().nullable(), detail: z.string(), facts: z.record(z.string(), z.unknown()).optional() }),
    facts: z.record(z.string(), z.unknown()), error: z.string().nullable(),
  }).nullable(),
  actor: z.object({ name: z.string(), role: z.string(), via: z.string() }),
  startedAt: z.string(), finishedAt: z.string(), durationMs: z.number(), timelineEntryId: z.number().int().nullable(),
});

export function registerActionRoutes(app: FastifyInstance, deps: ServerDeps): void {
  // The route lets responders in because a runbook may allow them; runAction then checks the
  // exact role (commander for built-ins) and records a refusal on the timeline.
  defineRoute(app, deps, {
    method: 'POST', url: '/api/v1/incidents/:id/actions', role: 'responder', tags,
    summary: 'Run a remediation action or runbook for an incident ("dry_run": true to plan, "confirm": true to run)',
    response: actionRunResultSchema,
  }, async ({ ctx, req, params }) => {
    // The body is validated inside runAction, not by the route, so that bad input is recorded
    // as a refused attempt on the timeline like every other refusal.
    const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
    return runAction(ctx, { ...body, incident: parseIncidentId(params.id) });
  });
  // The OpenAPI document still describes the body (defineRoute would also validate it, which we avoid above).
  const op = apiOperations.find((o) => o.method === 'POST' && o.url === '/api/v1/incidents/:id/actions');
  if (op) op.body = actionBodySchema;
  defineRoute(app, deps, {
    method: 'GET', url: '/api/v1/incidents/:id/actions', role: 'viewer', tags,
    summary: 'Remediation attempts recorded for an incident (refused and failed ones included)',
  }, async ({ ctx, params }) => ({ runs: await listActionRuns(ctx, params.id) }));
}
