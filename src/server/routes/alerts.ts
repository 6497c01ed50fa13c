import type { FastifyInstance } from 'fastify';
import { ingestAlerts } from '../../app/ingest-alert.js';
import { defineRoute } from '../route.js';
import type { ServerDeps } from '../deps.js';
import { ingestResultSchema } from '../../contract/alerts.js';

const tags = ['alerts'];

/**
 * Alert intake. Token auth: create a token with "warroom token create --role responder --name
 * alertmanager" and configure it as the bearer credential of the webhook receiver.
 */
export function registerAlertRoutes(app: FastifyInstance, deps: ServerDeps): void {
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/alerts/alertmanager',
      role: 'responder',
      summary: 'Prometheus Alertmanager webhook (version 4 payload)',
      tags,
      response: ingestResultSchema,
    },
    async ({ ctx, req }) => ingestAlerts(ctx, 'alertmanager', req.body),
  );
  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/alerts/grafana',
      role: 'responder',
      summary: 'Grafana alerting webhook',
      tags,
      response: ingestResultSchema,
    },
    async ({ ctx, req }) => ingestAlerts(ctx, 'grafana', req.body),
  );
}
