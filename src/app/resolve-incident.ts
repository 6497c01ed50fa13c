import { z } from 'zod';
import { parseIncidentId, resolveIncident as decide } from '../core/incident.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export const resolveInputSchema = z.object({ summary: z.string().max(10_000).nullish() }).strict();

export async function resolveIncident(ctx: AppContext, id: string, input: z.input<typeof resolveInputSchema> = {}): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'resolving an incident');
  const data = parseInput(resolveInputSchema, input);
  return mutateIncident(ctx, parseIncidentId(id), 'resolved', (inc, now) => decide(inc, ctx.actor.name, now, data.summary));
}
