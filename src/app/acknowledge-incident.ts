import { acknowledge as decide, parseIncidentId } from '../core/incident.js';
import { requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export async function acknowledgeIncident(ctx: AppContext, id: string): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'acknowledging an incident');
  return mutateIncident(ctx, parseIncidentId(id), 'acknowledged', (inc, now) => decide(inc, ctx.actor.name, now));
}
