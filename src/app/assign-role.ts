import { z } from 'zod';
import { assignRole as decide, parseIncidentId, ROLES } from '../core/incident.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export const assignRoleInputSchema = z.object({ role: z.enum(ROLES), to: z.string().max(100) }).strict();

export async function assignRole(ctx: AppContext, id: string, input: z.input<typeof assignRoleInputSchema>): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'assigning a role');
  const data = parseInput(assignRoleInputSchema, input);
  return mutateIncident(ctx, parseIncidentId(id), 'role', (inc, now) => decide(inc, data.role, data.to, ctx.actor.name, now));
}
