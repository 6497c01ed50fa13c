import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import { computeStatsSince, countAllTime } from '../../app/compute-stats.js';
import { WarroomError } from '../../core/errors.js';
import { SEVERITIES } from '../../core/severity.js';
import type { ServerDeps } from '../deps.js';

const DEFAULT_WINDOW_MS = 90 * 86_400_000;

/**
 * GET /metrics in the Prometheus exposition format. Every scrape builds a fresh registry from
 * the database, so several server instances behind a load balancer report the same figures
 * (no per-process counters that drift or reset on restart). Counters are all-time totals read
 * from the database, hence monotonic; gauges cover the window (metrics.window, default 90d).
 *
 * Access: a Bearer token of any role (viewer and up), unless metrics.public is true in config.
 */
export function registerMetricsRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/metrics', async (req, reply) => {
    if (!deps.config.metrics?.public && !req.actor) {
      throw new WarroomError(
        'UNAUTHORIZED',
        'GET /metrics needs a token of any role ("Authorization: Bearer <token>", warroom token create --role viewer), or metrics.public: true in warroom.yaml',
      );
    }
    const registry = await collectMetrics(deps);
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

export async function collectMetrics(deps: ServerDeps): Promise<Registry> {
  const now = deps.now();
  const windowMs = deps.config.metrics?.window ?? DEFAULT_WINDOW_MS;
  const ctx = deps.contextFor({ name: 'metrics', role: 'viewer', via: 'system' });
  const [stats, totals] = await Promise.all([
    computeStatsSince(ctx, new Date(now.getTime() - windowMs).toISOString(), now.toISOString()),
    countAllTime(ctx),
  ]);
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });

  const declared = counter('warroom_incidents_declared_total', 'Incidents declared, all time', ['severity']);
  const openG = gauge('warroom_incidents_open', 'Incidents not resolved', ['severity']);
  const inWindow = gauge('warroom_incidents_window', 'Incidents declared within the window', ['severity']);
  const byService = gauge('warroom_incidents_window_by_service', 'Incidents declared within the window, by affected service', ['service']);
  const tta = gauge('warroom_time_to_acknowledge_seconds', 'Time from declaration to acknowledgement within the window', [
    'severity',
    'stat',
  ]);
  const ttr = gauge('warroom_time_to_resolve_seconds', 'Time from declaration to resolution within the window', ['severity', 'stat']);
  for (const s of SEVERITIES) {
    declared.inc({ severity: s }, totals.declared[s] ?? 0);
    openG.set({ severity: s }, totals.open[s] ?? 0);
    inWindow.set({ severity: s }, stats.incidents.bySeverity[s]);
    for (const [g, t] of [
      [tta, stats.timeToAcknowledge[s]],
      [ttr, stats.timeToResolve[s]],
    ] as const) {
      if (t.meanMs !== null) g.set({ severity: s, stat: 'mean' }, t.meanMs / 1000);
      if (t.medianMs !== null) g.set({ severity: s, stat: 'median' }, t.medianMs / 1000);
    }
  }
  for (const [service, n] of Object.entries(stats.incidents.byService)) byService.set({ service }, n);
  // Ratios are only exposed when something was judged: an absent series beats a misleading 0.
  const ratio = (name: string, help: string, r: { total: number; met: number }) => {
    const g = gauge(name, help);
    if (r.total) g.set(r.met / r.total);
  };
  ratio(
    'warroom_response_target_met_ratio',
    'Share of incidents acknowledged within the response-time target (window)',
    stats.responseTarget,
  );
  ratio('warroom_update_cadence_met_ratio', 'Share of incidents whose updates kept the cadence (window)', stats.updateCadence);
  ratio('warroom_postmortems_on_time_ratio', 'Share of due post-mortems published by their deadline (window)', stats.postmortems.onTime);
  const pm = gauge('warroom_postmortems', 'Post-mortems of incidents in the window, by state (none: required or not, never started)', [
    'state',
  ]);
  for (const [state, n] of Object.entries(stats.postmortems.byState)) pm.set({ state }, n);
  gauge('warroom_postmortems_overdue', 'Required reviews past their deadline and not published (window)').set(stats.postmortems.overdue);
  counter('warroom_postmortems_published_total', 'Post-mortems published, all time').inc(totals.postmortemsPublished);
  const items = gauge('warroom_action_items', 'Action items by status', ['status']);
  items.set({ status: 'open' }, stats.actionItems.open);
  items.set({ status: 'done' }, stats.actionItems.done);
  gauge('warroom_action_items_overdue', 'Open action items past their due date').set(stats.actionItems.overdue);
  counter('warroom_action_items_completed_total', 'Action items completed, all time').inc(totals.actionItemsDone);
  gauge('warroom_stats_window_seconds', 'The window the windowed gauges cover').set(windowMs / 1000);
  return registry;
}
