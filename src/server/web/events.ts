import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { showIncident } from '../../app/list-incidents.js';
import { isWarroomError } from '../../core/errors.js';
import { parseIncidentId } from '../../core/incident.js';
import type { ServerDeps } from '../deps.js';
import { defineRoute, qInt } from '../route.js';

/** How often each stream reads the database for entries written by other instances or processes (the CLI). */
export const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events for one incident. Changes made through this process wake the stream at
 * once (afterCommit); everything else — another instance, `warroom note` in a terminal — is
 * found by polling the timeline by id, so the stream is correct with any number of instances.
 *
 * Events: `incident` (the incident with derived facts, whenever it changed) and `entry` (one
 * timeline entry; the SSE id is the entry id, so a reconnecting EventSource resumes with
 * Last-Event-ID and misses nothing).
 */
export function registerEventRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const previous = deps.hooks.afterCommit;
  deps.hooks.afterCommit = (ev) => {
    try {
      previous?.(ev);
    } finally {
      bus.emit('change', ev.incident.id);
    }
  };
  const previousEntry = deps.hooks.afterEntry;
  deps.hooks.afterEntry = (entry) => {
    try {
      previousEntry?.(entry);
    } finally {
      bus.emit('change', entry.incidentId);
    }
  };
  const open = new Set<ServerResponse>();
  // End streams before the server closes, so shutdown does not wait for browsers to hang up.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/incidents/:id/events',
      role: 'viewer',
      tags: ['incidents'],
      summary: 'Live incident changes and new timeline entries as Server-Sent Events (resume with Last-Event-ID or ?after=)',
      query: z.object({ after: qInt(0, Number.MAX_SAFE_INTEGER) }).strict(),
    },
    async ({ req, reply, ctx, params, query }) => {
      const id = parseIncidentId(params.id);
      // Fail with a normal JSON error before the stream starts when the incident does not exist.
      await showIncident(ctx, id, { afterId: Number.MAX_SAFE_INTEGER });
      const lastEventId = Number(req.headers['last-event-id']);
      let lastId = Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : (query.after ?? 0);
      let lastIncident = '';

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
        // Disables response buffering in nginx, so events are not held back by a proxy.
        'x-accel-buffering': 'no',
      });
      open.add(res);
      const send = (event: string, data: unknown, eventId?: number) => {
        res.write(`${eventId !== undefined ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      res.write(`retry: 2000\n\n`);

      let busy = false;
      let again = false;
      let closed = false;
      const pump = async (): Promise<void> => {
        if (closed) return;
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        try {
          const detail = await showIncident(ctx, id, { afterId: lastId });
          if (closed) return;
          const { timeline, ...incident } = detail;
          const key = `${incident.updatedAt}|${incident.derived.lastUpdateAt}`;
          if (key !== lastIncident) {
            lastIncident = key;
            send('incident', incident);
          }
          for (const e of timeline) {
            send('entry', e, e.id);
            lastId = e.id;
          }
        } catch (e) {
          if (isWarroomError(e) && e.code === 'NOT_FOUND') {
            send('gone', { message: e.message });
            stop();
            return;
          }
          req.log.warn({ err: e }, 'incident event stream: read failed; retrying');
        } finally {
          busy = false;
        }
        if (again) {
          again = false;
          await pump();
        }
      };
      const onChange = (changed: string) => {
        if (changed === id) void pump();
      };
      const poll = setInterval(() => void pump(), POLL_MS);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(poll);
        clearInterval(heartbeat);
        bus.off('change', onChange);
        open.delete(res);
        if (!res.writableEnded) res.end();
      };
      bus.on('change', onChange);
      req.raw.on('close', stop);
      res.on('close', stop);
      await pump();
    },
  );
}
