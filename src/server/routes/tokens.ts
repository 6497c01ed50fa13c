import type { FastifyInstance } from 'fastify';
import { createToken, createTokenInputSchema, listTokens, revokeToken } from '../../app/manage-tokens.js';
import { defineRoute } from '../route.js';
import type { ServerDeps } from '../deps.js';

const tags = ['tokens'];

export function registerTokenRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    { method: 'GET', url: '/api/v1/tokens', role: 'admin', summary: 'List API tokens (never the secrets)', tags },
    async ({ ctx }) => ({ tokens: await listTokens(ctx) }),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/tokens',
      role: 'admin',
      summary: 'Create an API token; the token is in the response once',
      tags,
      body: createTokenInputSchema,
      status: 201,
    },
    async ({ ctx, body }) => createToken(ctx, body),
  );
  defineRoute(
    app,
    deps,
    { method: 'DELETE', url: '/api/v1/tokens/:id', role: 'admin', summary: 'Revoke an API token', tags },
    async ({ ctx, params, reply }) => {
      await revokeToken(ctx, params.id);
      return reply.status(204).send();
    },
  );
}
