import {
  deriveFacts,
  parseIncidentId,
  STATUSES,
  type Incident,
  type DerivedFacts,
  type TimelineEntry,
  TIMELINE_KINDS,
} from '../core/incident.js';
import { parseSeverity } from '../core/severity.js';
import { validation } from '../core/errors.js';
import { splitList } from '../core/comma-list.js';
import { getIncident, lastUpdateTimes, listIncidents as query, listTimeline, type IncidentFilter } from '../store/incident.repository.js';
import { requireRole, type AppContext } from './context.js';

export interface IncidentView extends Incident {
  derived: DerivedFacts;
}

export interface ListFilterInput {
  all?: boolean;
  severity?: string | string[];
  status?: string | string[];
  service?: string;
  since?: string;
  limit?: number;
}

export async function listIncidents(ctx: AppContext, input: ListFilterInput = {}): Promise<IncidentView[]> {
  requireRole(ctx, 'viewer', 'listing incidents');
  const f: IncidentFilter = { all: input.all, service: input.service, since: input.since, limit: input.limit };
  f.severity = (splitList(input.severity) ?? []).map((s) => parseSeverity(s));
  f.status = (splitList(input.status) ?? []).map((s) => {
    if (!(STATUSES as readonly string[]).includes(s))
      throw validation(`status: unknown status "${s}" (expected one of ${STATUSES.join(', ')})`, 'status');
    return s as (typeof STATUSES)[number];
  });
  const incidents = await query(ctx.store.db, f);
  return withDerived(ctx, incidents);
}

export async function withDerived(ctx: AppContext, incidents: Incident[]): Promise<IncidentView[]> {
  const last = await lastUpdateTimes(
    ctx.store.db,
    incidents.map((i) => i.id),
  );
  const now = ctx.now().toISOString();
  return incidents.map((i) => ({ ...i, derived: deriveFacts(i, ctx.policy, now, last.get(i.id) ?? null) }));
}

export interface IncidentDetail extends IncidentView {
  timeline: TimelineEntry[];
}

export async function showIncident(
  ctx: AppContext,
  id: string,
  opts: { kinds?: string[]; afterId?: number } = {},
): Promise<IncidentDetail> {
  requireRole(ctx, 'viewer', 'reading an incident');
  const incidentId = parseIncidentId(id);
  const kinds = (opts.kinds ?? []).map((k) => {
    if (!(TIMELINE_KINDS as readonly string[]).includes(k))
      throw validation(`kind: unknown timeline kind "${k}" (expected one of ${TIMELINE_KINDS.join(', ')})`, 'kind');
    return k as (typeof TIMELINE_KINDS)[number];
  });
  const inc = await getIncident(ctx.store.db, incidentId);
  const [view] = await withDerived(ctx, [inc]);
  const timeline = await listTimeline(ctx.store.db, incidentId, { kinds, afterId: opts.afterId });
  return { ...view, timeline };
}
