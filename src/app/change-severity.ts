import { z } from 'zod';
import { changeSeverity as decide, parseIncidentId } from '../core/incident.js';
import { SEVERITIES } from '../core/severity.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';
import { mutateIncident } from './mutate-incident.js';

export const changeSeverityInputSchema = z.object({ severity: z.enum(SEVERITIES), reason: z.string().max(10_000) }).strict();

export async function changeSeverity(
  ctx: AppContext,
  id: string,
  input: z.input<typeof changeSeverityInputSchema>,
): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'changing the severity');
  const data = parseInput(changeSeverityInputSchema, input);
  return mutateIncident(ctx, parseIncidentId(id), 'severity', (inc, now) => decide(inc, data.severity, ctx.actor.name, now, data.reason));
}
