import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listDeploys, recordDeploy, recordDeployInputSchema } from '../../app/record-deploy.js';
import { parseTimePoint } from '../../core/time.js';
import { defineRoute, qInt } from '../route.js';
import type { ServerDeps } from '../deps.js';
import { deployListSchema, deploySchema } from '../../contract/deploys.js';

const tags = ['deploys'];

export function registerDeployRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/deploys',
      role: 'responder',
      summary: 'Record a deploy or infra change (for CI pipelines)',
      tags,
      body: recordDeployInputSchema,
      status: 201,
      response: deploySchema,
    },
    async ({ ctx, body }) => recordDeploy(ctx, body),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/deploys',
      role: 'viewer',
      summary: 'Recent deploys and infra changes',
      tags,
      query: z.object({ service: z.string().optional(), since: z.string().optional(), limit: qInt(1, 10_000) }).strict(),
      response: deployListSchema,
    },
    async ({ ctx, query }) => ({
      deploys: await listDeploys(ctx, {
        service: query.service,
        since: query.since ? parseTimePoint(query.since, ctx.now(), 'since').toISOString() : undefined,
        limit: query.limit,
      }),
    }),
  );
}
