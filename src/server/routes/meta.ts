import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defineRoute, type OpenApiOperation } from '../route.js';
import type { ServerDeps } from '../deps.js';
import { pingStore } from '../../store/db.js';
import { VERSION } from '../../version.js';
import { SEVERITIES } from '../../core/severity.js';
import { ERROR_CODES } from '../../contract/errors.js';

export function registerMetaRoutes(app: FastifyInstance, deps: ServerDeps): void {
  // Liveness: the process answers. Readiness: the database answers too.
  app.get('/healthz', async () => ({ status: 'ok', version: VERSION }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await pingStore(deps.store);
      return { status: 'ok', store: deps.store.dialect };
    } catch (e) {
      return reply.status(503).send({ status: 'unavailable', store: deps.store.dialect, error: (e as Error).message });
    }
  });

  defineRoute(app, deps, { method: 'GET', url: '/api/v1/openapi.json', role: 'public', summary: 'This OpenAPI document' }, async () =>
    openApiDocument(app.apiRegistry.operations),
  );
  defineRoute(app, deps, { method: 'GET', url: '/api/v1/me', role: 'viewer', summary: 'Who the token belongs to' }, async ({ ctx }) => ({
    name: ctx.actor.name,
    role: ctx.actor.role,
  }));
  defineRoute(
    app,
    deps,
    { method: 'GET', url: '/api/v1/severities', role: 'viewer', summary: 'The severity policy in force' },
    async ({ ctx }) => ({ severities: SEVERITIES.map((s) => ctx.policy[s]) }),
  );
}

function toSchema(s: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'openapi-3.0' });
}

export function openApiDocument(operations: readonly OpenApiOperation[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const params = [...op.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (op.query) {
      const js = toSchema(op.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {}))
        params.push({ name, in: 'query', required: (js.required ?? []).includes(name), schema } as never);
    }
    paths[path] ??= {};
    paths[path][op.method.toLowerCase()] = {
      summary: op.summary,
      tags: op.tags,
      ...(op.role !== 'public' && { security: [{ bearer: [] }], 'x-warroom-role': op.role }),
      ...(params.length && { parameters: params }),
      ...(op.body && { requestBody: { required: true, content: { 'application/json': { schema: toSchema(op.body, 'input') } } } }),
      responses: {
        [String(op.status)]: {
          description: 'OK',
          ...(op.response && { content: { 'application/json': { schema: toSchema(op.response, 'output') } } }),
        },
        '4XX': { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'warroom API',
      version: VERSION,
      description: 'Incident command center. Authenticate with "Authorization: Bearer <token>" (warroom token create).',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string', enum: [...ERROR_CODES] }, message: { type: 'string' }, field: { type: 'string' } },
            },
          },
        },
      },
    },
    paths,
  };
}
