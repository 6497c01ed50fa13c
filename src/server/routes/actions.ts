import type { FastifyInstance } from 'fastify';
import { listActionRuns, runAction, runActionInputSchema } from '../../app/run-action.js';
import { actionRunResultSchema } from '../../contract/actions.js';
import { parseIncidentId } from '../../core/incident.js';
import { defineRoute } from '../route.js';
import type { ServerDeps } from '../deps.js';

const tags = ['remediation'];

/** The request body: the run input without the incident, which is in the URL (documented in docs/remediation.md). */
export const actionBodySchema = runActionInputSchema.omit({ incident: true });

export function registerActionRoutes(app: FastifyInstance, deps: ServerDeps): void {
  // The route lets responders in because a runbook may allow them; runAction then checks the
  // exact role (commander for built-ins) and records a refusal on the timeline.
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/actions',
      role: 'responder',
      tags,
      summary: 'Run a remediation action or runbook for an incident ("dry_run": true to plan, "confirm": true to run)',
      response: actionRunResultSchema,
    },
    async ({ ctx, req, params }) => {
      // The body is validated inside runAction, not by the route, so that bad input is recorded
      // as a refused attempt on the timeline like every other refusal.
      const body = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
      return runAction(ctx, { ...body, incident: parseIncidentId(params.id) });
    },
  );
  // The OpenAPI document still describes the body (defineRoute would also validate it, which we avoid above).
  const op = app.apiRegistry.find('POST', '/api/v1/incidents/:id/actions');
  if (op) op.body = actionBodySchema;
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/incidents/:id/actions',
      role: 'viewer',
      tags,
      summary: 'Remediation attempts recorded for an incident (refused and failed ones included)',
    },
    async ({ ctx, params }) => ({ runs: await listActionRuns(ctx, params.id) }),
  );
}
