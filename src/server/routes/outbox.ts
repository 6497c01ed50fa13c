import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listOutboxMessages, retryOutboxMessage } from '../../app/manage-outbox.js';
import { CHANNELS, OUTBOX_STATUSES } from '../../core/outbox.js';
import { outboxItemSchema, outboxListSchema } from '../../contract/outbox.js';
import { defineRoute, qInt } from '../route.js';
import type { ServerDeps } from '../deps.js';

const tags = ['outbox'];

export function registerOutboxRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/outbox',
      role: 'viewer',
      summary: 'Outbox messages (default: pending and dead-lettered)',
      tags,
      query: z
        .object({
          status: z.enum([...OUTBOX_STATUSES, 'all']).optional(),
          incident: z.string().optional(),
          channel: z.enum(CHANNELS).optional(),
          limit: qInt(1, 1000),
        })
        .strict(),
      response: outboxListSchema,
    },
    async ({ ctx, query }) => listOutboxMessages(ctx, query),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/outbox/:id/retry',
      role: 'commander',
      summary: 'Retry a dead-lettered message now',
      tags,
      response: outboxItemSchema,
    },
    async ({ ctx, params }) => {
      const item = await retryOutboxMessage(ctx, params.id);
      (await import('../../runtime/server-coordination.js')).coordinationFor(deps).wake();
      return item;
    },
  );
}
