import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addActionItem, completeActionItem, listActionItems } from '../../app/manage-action-items.js';
import { ACTION_KINDS } from '../../core/postmortem.js';
import { defineRoute, qBool } from '../route.js';
import type { ServerDeps } from '../deps.js';
import { actionItemListSchema, actionItemSchema } from '../../contract/postmortems.js';

const tags = ['action-items'];

export function registerActionItemRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/action-items',
      role: 'responder',
      tags,
      status: 201,
      response: actionItemSchema,
      summary: 'Add an action item (owner and a due date today or later required)',
      // The kind is a plain string here so an unknown one gets the domain's message naming the field.
      body: z.object({ title: z.string(), owner: z.string(), due: z.string(), kind: z.string().optional() }).strict(),
    },
    async ({ ctx, params, body }) => addActionItem(ctx, params.id, body),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/action-items',
      role: 'viewer',
      tags,
      summary: `Action items (open unless status=done|all); kinds: ${ACTION_KINDS.join(', ')}`,
      query: z
        .object({
          overdue: qBool,
          owner: z.string().optional(),
          incident: z.string().optional(),
          status: z.enum(['open', 'done', 'all']).optional(),
        })
        .strict(),
      response: actionItemListSchema,
    },
    async ({ ctx, query }) => ({
      actionItems: await listActionItems(ctx, {
        overdue: query.overdue,
        owner: query.owner,
        incident: query.incident,
        status: query.status,
      }),
    }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/action-items/:itemId/done',
      role: 'responder',
      tags,
      summary: 'Mark an action item done',
      response: actionItemSchema,
    },
    async ({ ctx, params }) => completeActionItem(ctx, params.itemId),
  );
}
