import { z } from 'zod';
import { changeStatus as decide, parseIncidentId, STATUSES } from '../core/incident.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export const changeStatusInputSchema = z.object({ status: z.enum(STATUSES), note: z.string().max(10_000).nullish() }).strict();

export async function changeStatus(ctx: AppContext, id: string, input: z.input<typeof changeStatusInputSchema>): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'changing the status');
  const data = parseInput(changeStatusInputSchema, input);
  return mutateIncident(ctx, parseIncidentId(id), data.status === 'resolved' ? 'resolved' : 'status', (inc, now) =>
    decide(inc, data.status, ctx.actor.name, now, data.note),
  );
}
