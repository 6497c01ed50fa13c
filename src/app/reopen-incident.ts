import { z } from 'zod';
import { parseIncidentId, reopenIncident as decide } from '../core/incident.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export const reopenInputSchema = z.object({ reason: z.string().max(10_000).nullish() }).strict();

export async function reopenIncident(ctx: AppContext, id: string, input: z.input<typeof reopenInputSchema> = {}): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'reopening an incident');
  const data = parseInput(reopenInputSchema, input);
  return mutateIncident(ctx, parseIncidentId(id), 'reopened', (inc, now) => decide(inc, ctx.actor.name, now, data.reason));
}
