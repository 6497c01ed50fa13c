import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ensurePostmortem, listPostmortemReviews, loadPostmortemModel } from '../../app/generate-postmortem.js';
import {
  addPostmortemWhy,
  addWhyInputSchema,
  publishPostmortem,
  removePostmortemWhy,
  setPostmortemSection,
  setSectionInputSchema,
  submitPostmortem,
} from '../../app/edit-postmortem.js';
import { remindOverdue, remindInputSchema } from '../../app/remind-overdue.js';
import { computeStats, statsInputSchema } from '../../app/compute-stats.js';
import { validation } from '../../core/errors.js';
import { renderHtml } from '../../postmortem/render-html.js';
import { renderMarkdown } from '../../postmortem/render-markdown.js';
import { loadTemplate } from '../../postmortem/template.js';
import { defineRoute, qBool } from '../route.js';
import type { ServerDeps } from '../deps.js';
import {
  editResultSchema,
  ensuredPostmortemSchema,
  postmortemListSchema,
  postmortemModelSchema,
  publishResultSchema,
  reminderResultSchema,
  statsSchema,
} from '../../contract/postmortems.js';

const tags = ['postmortems'];

export function registerPostmortemRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/incidents/:id/postmortem',
      role: 'viewer',
      tags,
      response: postmortemModelSchema,
      summary: 'The post-mortem draft model (format=md or html returns the rendered document instead of JSON)',
      query: z.object({ format: z.enum(['json', 'md', 'html']).default('json') }).strict(),
    },
    async ({ ctx, params, query, reply }) => {
      const m = await loadPostmortemModel(ctx, params.id);
      if (query.format === 'html') {
        // The page has no scripts and allows none: user text is escaped and CSP forbids the rest.
        reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").type('text/html; charset=utf-8');
        return reply.send(renderHtml(m));
      }
      if (query.format === 'md') {
        const t = loadTemplate(m.postmortem.level, ctx.config, process.cwd());
        return reply.type('text/markdown; charset=utf-8').send(renderMarkdown(m, t.text));
      }
      return { schema: 'warroom.postmortem/v1', ...m };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/postmortem',
      role: 'responder',
      tags,
      summary: 'Start the review of a resolved incident (idempotent)',
      response: ensuredPostmortemSchema,
    },
    async ({ ctx, params, reply }) => {
      const r = await ensurePostmortem(ctx, params.id);
      // 201 when this call started the review, 200 when it already existed (defineRoute would reset a plain status).
      return reply.status(r.created ? 201 : 200).send({ created: r.created, postmortem: r.record });
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'PUT',
      url: '/api/v1/incidents/:id/postmortem/sections/:section',
      role: 'responder',
      tags,
      summary: 'Write a section (empty text clears it); blameless warnings come back',
      body: setSectionInputSchema,
      response: editResultSchema,
    },
    async ({ ctx, params, body }) => setPostmortemSection(ctx, params.id, params.section, body),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/postmortem/whys',
      role: 'responder',
      tags,
      summary: 'Append a step to the Five Whys',
      body: addWhyInputSchema,
      status: 201,
      response: editResultSchema,
    },
    async ({ ctx, params, body }) => addPostmortemWhy(ctx, params.id, body),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'DELETE',
      url: '/api/v1/incidents/:id/postmortem/whys/:n',
      role: 'responder',
      tags,
      summary: 'Remove the n-th step (1-based)',
      response: editResultSchema,
    },
    async ({ ctx, params }) => {
      if (!/^\d{1,3}$/.test(params.n)) throw validation(`index: "${params.n}" is not a step number`, 'index');
      return removePostmortemWhy(ctx, params.id, Number(params.n));
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/postmortem/submit',
      role: 'responder',
      tags,
      summary: 'draft → in_review (needs a root cause; a full review needs an action item)',
      response: editResultSchema,
    },
    async ({ ctx, params }) => submitPostmortem(ctx, params.id),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/postmortem/publish',
      role: 'commander',
      tags,
      summary: 'in_review → published; posts the summary to the post-incident channel',
      response: publishResultSchema,
    },
    async ({ ctx, params }) => publishPostmortem(ctx, params.id),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/postmortems',
      role: 'viewer',
      tags,
      summary: 'Every review with its state and deadline',
      query: z.object({ overdue: qBool, state: z.string().optional() }).strict(),
      response: postmortemListSchema,
    },
    async ({ ctx, query }) => ({ postmortems: await listPostmortemReviews(ctx, { overdue: query.overdue, state: query.state }) }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/postmortems/remind',
      role: 'commander',
      tags,
      summary: 'Remind ICs of overdue reviews and action items (at most once a day each)',
      body: remindInputSchema,
      response: reminderResultSchema,
    },
    async ({ ctx, body }) => remindOverdue(ctx, body),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/stats',
      role: 'viewer',
      tags: ['insights'],
      summary: 'Insights over a window (since=90d)',
      query: statsInputSchema,
      response: statsSchema,
    },
    async ({ ctx, query }) => computeStats(ctx, query),
  );
}
