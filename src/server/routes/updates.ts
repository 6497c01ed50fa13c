import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { postIncidentUpdate, postUpdateInputSchema } from '../../app/post-update.js';
import { presentChange } from '../../app/present-change.js';
import { showContacts } from '../../app/show-contacts.js';
import { defineRoute } from '../route.js';
import type { ServerDeps } from '../deps.js';
import { listUpdateMessages } from '../../app/manage-outbox.js';

/**
 * POST /api/v1/incidents/:id/updates. The responder role suffices: the communications lead
 * posts updates as often as the commander does, and every update is attributed on the timeline.
 */
export function registerUpdateRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/updates',
      role: 'responder',
      summary: "Post the commander's update (timeline, channels, status page); dry_run plans only",
      tags: ['incidents'],
      body: postUpdateInputSchema,
      status: 201,
    },
    async ({ ctx, params, body, reply }) => {
      const r = await postIncidentUpdate(ctx, params.id, body);
      // A dry run creates nothing: 200, not 201.
      if (r.plan) return reply.code(200).send({ dryRun: true, incident: params.id.toUpperCase(), ...r.plan });
      const ev = r.event!;
      const update = ev.entries.find((e) => e.kind === 'update');
      const outbox = update ? await listUpdateMessages(ctx, ev.incident.id, update.id) : [];
      return { ...(await presentChange(ctx, ev)), outbox };
    },
  );
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/contacts',
      role: 'viewer',
      summary: 'Who would be paged, and how, right now',
      tags: ['contacts'],
      query: z.object({ severity: z.string().optional(), team: z.string().optional() }).strict(),
    },
    async ({ ctx, query }) => showContacts(ctx, query),
  );
}
