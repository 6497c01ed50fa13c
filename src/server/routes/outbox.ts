import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listOutboxMessages, retryOutboxMessage } from '../../app/manage-outbox.js';
import { OUTBOX_STATUSES } from '../../notify/outbox.js';
import { CHANNELS } from '../../notify/message.js';
import { defineRoute, qInt } from '../route.js';
import type { ServerDeps } from '../deps.js';

const tags = ['outbox'];
export const outboxItemSchema = z.object({
  id: z.number(),
  key: z.string(),
  channel: z.enum(CHANNELS),
  target: z.string(),
  kind: z.string(),
  incidentId: z.string().nullable(),
  summary: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

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
      response: z.object({
        counts: z.object({ pending: z.number(), sent: z.number(), dead: z.number() }),
        items: z.array(outboxItemSchema),
      }),
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
