import { z } from 'zod';
import { computeInsights, type Stats } from '../core/insights.js';
import { listSeverityChanges, type PostmortemRecord, type SeverityChange } from '../core/postmortem.js';
import type { TimelineEntry } from '../core/incident.js';
import { parseDuration } from '../core/time.js';
import { countIncidentsBySeverity, listIncidents, listTimelineOf } from '../store/incident.repository.js';
import { countDoneActionItems, countPublishedPostmortems, listActionItems, listPostmortems } from '../store/postmortem.repository.js';
import { parseInput, requireRole, type AppContext } from './context.js';
import { rulesFromConfig } from './generate-postmortem.js';

export const statsInputSchema = z
  .object({
    /** A window back from now: 90d, 4w, 24h (default 90d). */
    since: z.string().max(40).default('90d'),
  })
  .strict();

export const DEFAULT_STATS_WINDOW = '90d';

/**
 * Gathers the records for the window and computes the insights. Queries are per table, not per
 * incident, so the cost grows with the window, not with round trips.
 */
export async function computeStats(ctx: AppContext, input: z.input<typeof statsInputSchema> = {}): Promise<Stats> {
  requireRole(ctx, 'viewer', 'reading stats');
  const { since: window } = parseInput(statsInputSchema, input);
  const windowMs = parseDuration(window, 'since');
  const now = ctx.now().toISOString();
  const since = new Date(Date.parse(now) - windowMs).toISOString();
  return computeStatsSince(ctx, since, now);
}

export async function computeStatsSince(ctx: AppContext, since: string, now: string): Promise<Stats> {
  const db = ctx.store.db;
  const incidents = await listIncidents(db, { all: true, since });
  const ids = incidents.map((i) => i.id);
  const updates = new Map<string, string[]>();
  const severityChanges = new Map<string, SeverityChange[]>();
  const postmortems = new Map<string, PostmortemRecord>();
  const changes = new Map<string, TimelineEntry[]>();
  for (const e of await listTimelineOf(db, ids, ['update', 'severity_change'])) {
    if (e.kind === 'update') {
      const l = updates.get(e.incidentId) ?? [];
      l.push(e.at);
      updates.set(e.incidentId, l);
    } else {
      const l = changes.get(e.incidentId) ?? [];
      l.push(e);
      changes.set(e.incidentId, l);
    }
  }
  for (const [id, entries] of changes) severityChanges.set(id, listSeverityChanges(entries));
  for (const pm of await listPostmortems(db)) postmortems.set(pm.incidentId, pm);
  const actionItems = await listActionItems(db);
  return computeInsights({
    incidents,
    updates,
    severityChanges,
    postmortems,
    actionItems,
    policy: ctx.policy,
    rules: rulesFromConfig(ctx.config),
    since,
    now,
  });
}

/** All-time totals, the counters of GET /metrics: incidents declared and open per severity, post-mortems published, action items done. */
export async function countAllTime(
  ctx: Pick<AppContext, 'store'>,
): Promise<{ declared: Record<string, number>; open: Record<string, number>; postmortemsPublished: number; actionItemsDone: number }> {
  const db = ctx.store.db;
  const [declared, open, postmortemsPublished, actionItemsDone] = await Promise.all([
    countIncidentsBySeverity(db),
    countIncidentsBySeverity(db, { open: true }),
    countPublishedPostmortems(db),
    countDoneActionItems(db),
  ]);
  return { declared, open, postmortemsPublished, actionItemsDone };
}
