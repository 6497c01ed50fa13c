import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { declareIncident, declareInputSchema } from '../../app/declare-incident.js';
import { listIncidents, showIncident } from '../../app/list-incidents.js';
import { presentChange as present } from '../../app/present-change.js';
import { addEntryInputSchema, addTimelineEntry } from '../../app/add-timeline-entry.js';
import { changeStatus, changeStatusInputSchema } from '../../app/change-status.js';
import { changeSeverity, changeSeverityInputSchema } from '../../app/change-severity.js';
import { assignRole, assignRoleInputSchema } from '../../app/assign-role.js';
import { resolveIncident, resolveInputSchema } from '../../app/resolve-incident.js';
import { reopenIncident, reopenInputSchema } from '../../app/reopen-incident.js';
import { acknowledgeIncident } from '../../app/acknowledge-incident.js';
import { splitList } from '../../core/comma-list.js';
import { defineRoute, qBool, qInt } from '../route.js';
import type { ServerDeps } from '../deps.js';
import {
  changeResultSchema,
  incidentDetailSchema,
  incidentListSchema,
  timelineEntriesSchema,
  timelineEntrySchema,
} from '../../contract/incidents.js';

const tags = ['incidents'];

export function registerIncidentRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents',
      role: 'responder',
      summary: 'Declare an incident',
      tags,
      body: declareInputSchema,
      status: 201,
      response: changeResultSchema,
    },
    async ({ ctx, body }) => present(ctx, await declareIncident(ctx, body)),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/incidents',
      role: 'viewer',
      summary: 'List incidents (open ones unless all=true)',
      tags,
      response: incidentListSchema,
      query: z
        .object({
          all: qBool,
          severity: z.string().optional(),
          status: z.string().optional(),
          service: z.string().optional(),
          since: z.string().optional(),
          limit: qInt(1, 10_000),
        })
        .strict(),
    },
    async ({ ctx, query }) => ({ incidents: await listIncidents(ctx, query) }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/incidents/:id',
      role: 'viewer',
      summary: 'An incident with derived facts and its timeline',
      tags,
      response: incidentDetailSchema,
      query: z.object({ kind: z.string().optional() }).strict(),
    },
    async ({ ctx, params, query }) => showIncident(ctx, params.id, { kinds: splitList(query.kind) }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/incidents/:id/timeline',
      role: 'viewer',
      summary: 'Timeline entries, optionally after an entry id',
      tags,
      query: z.object({ after: qInt(0, Number.MAX_SAFE_INTEGER), kind: z.string().optional() }).strict(),
      response: timelineEntriesSchema,
    },
    async ({ ctx, params, query }) => ({
      entries: (await showIncident(ctx, params.id, { kinds: splitList(query.kind), afterId: query.after })).timeline,
    }),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/timeline',
      role: 'responder',
      summary: 'Append a timeline entry',
      tags,
      body: addEntryInputSchema,
      status: 201,
      response: timelineEntrySchema,
    },
    async ({ ctx, params, body }) => addTimelineEntry(ctx, params.id, body),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/status',
      role: 'responder',
      summary: 'Change the status',
      tags,
      body: changeStatusInputSchema,
      response: changeResultSchema,
    },
    async ({ ctx, params, body }) => present(ctx, await changeStatus(ctx, params.id, body)),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/severity',
      role: 'responder',
      summary: 'Change the severity (reason required)',
      tags,
      body: changeSeverityInputSchema,
      response: changeResultSchema,
    },
    async ({ ctx, params, body }) => present(ctx, await changeSeverity(ctx, params.id, body)),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/roles',
      role: 'responder',
      summary: 'Assign a role (commander handover is recorded)',
      tags,
      body: assignRoleInputSchema,
      response: changeResultSchema,
    },
    async ({ ctx, params, body }) => present(ctx, await assignRole(ctx, params.id, body)),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/ack',
      role: 'responder',
      summary: 'Acknowledge (take command if nobody has it)',
      tags,
      response: changeResultSchema,
    },
    async ({ ctx, params }) => present(ctx, await acknowledgeIncident(ctx, params.id)),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/resolve',
      role: 'responder',
      summary: 'Resolve',
      tags,
      body: resolveInputSchema,
      response: changeResultSchema,
    },
    async ({ ctx, params, body }) => present(ctx, await resolveIncident(ctx, params.id, body)),
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/incidents/:id/reopen',
      role: 'responder',
      summary: 'Reopen a resolved incident',
      tags,
      body: reopenInputSchema,
      response: changeResultSchema,
    },
    async ({ ctx, params, body }) => present(ctx, await reopenIncident(ctx, params.id, body)),
  );
}
