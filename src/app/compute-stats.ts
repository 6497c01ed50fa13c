import { z } from 'zod';
import { computeInsights, type Stats } from '../core/insights.js';
import { listSeverityChanges, type PostmortemRecord, type SeverityChange } from '../core/postmortem.js';
import { parseDuration } from '../core/time.js';
import { toEntry, listIncidents } from '../store/incident.repository.js';
import { listActionItems, listPostmortems } from '../store/postmortem.repository.js';
import { parseInput, requireRole, type AppContext } from './context.js';
import { rulesFromConfig } from './generate-postmortem.js';

export const statsInputSchema = z.object({
  /** A window back from now: 90d, 4w, 24h (default 90d). */
  since: z.string().max(40).default('90d'),
}).strict();

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
  // Chunked IN lists keep every statement within both databases' parameter limits.
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await db.selectFrom('timeline').selectAll().where('incident_id', 'in', chunk).where('kind', 'in', ['update', 'severity_change']).orderBy('id').execute();
    const changes = new Map<string, ReturnType<typeof toEntry>[]>();
    for (const r of rows) {
      if (r.kind === 'update') {
        const l = updates.get(r.incident_id) ?? [];
        l.push(r.at);
        updates.set(r.incident_id, l);
      } else {
        const l = changes.get(r.incident_id) ?? [];
        l.push(toEntry(r));
        changes.set(r.incident_id, l);
      }
    }
    for (const [id, entries] of changes) severityChanges.set(id, listSeverityChanges(entries));
  }
  for (const pm of await listPostmortems(db)) postmortems.set(pm.incidentId, pm);
  const actionItems = await listActionItems(db);
  return computeInsights({ incidents, updates, severityChanges, postmortems, actionItems, policy: ctx.policy, rules: rulesFromConfig(ctx.config), since, now });
}
