import type { Change, Incident } from '../core/incident.js';
import { appendEntries, getIncident, saveIncident } from '../store/incident.repository.js';
import type { AppContext, IncidentEvent, IncidentEventType } from './context.js';

/**
 * The one path every incident change takes: lock the row, apply a pure decision from
 * src/core, save, append the timeline entries, enqueue durable effects, commit, then fan out.
 */
export async function mutateIncident(
  ctx: AppContext,
  id: string,
  type: IncidentEventType,
  decide: (inc: Incident, now: string) => Change,
): Promise<IncidentEvent> {
  const event = await ctx.store.writeTx(async (trx) => {
    const before = await getIncident(trx, id, { lock: ctx.store.dialect });
    const change = decide(before, ctx.now().toISOString());
    await saveIncident(trx, change.incident);
    const entries = await appendEntries(trx, id, change.entries);
    const ev: IncidentEvent = { type, incident: change.incident, previous: before, entries, actor: ctx.actor };
    await ctx.onIncidentChange?.(trx, ev);
    return ev;
  });
  ctx.afterCommit?.(event);
  return event;
}
