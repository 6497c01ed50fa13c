import { z } from 'zod';
import { declareIncident as decide, TITLE_MAX } from '../core/incident.js';
import { SEVERITIES } from '../core/severity.js';
import { validation } from '../core/errors.js';
import { appendEntries, insertIncident } from '../store/incident.repository.js';
import { parseInput, requireRole, type AppContext, type IncidentEvent } from './context.js';

export const declareInputSchema = z
  .object({
    title: z.string().max(TITLE_MAX, `must be at most ${TITLE_MAX} characters`),
    severity: z.enum(SEVERITIES),
    impact: z.string().max(10_000).nullish(),
    commander: z.string().max(100).nullish(),
    services: z.array(z.string().max(100)).max(50).optional(),
  })
  .strict();
export type DeclareInput = z.input<typeof declareInputSchema>;

export async function declareIncident(ctx: AppContext, input: DeclareInput): Promise<IncidentEvent> {
  requireRole(ctx, 'responder', 'declaring an incident');
  const data = parseInput(declareInputSchema, input);
  const known = ctx.config.services ? Object.keys(ctx.config.services) : null;
  data.services?.forEach((s, i) => {
    if (known && known.length && !known.includes(s))
      throw validation(`services[${i}]: unknown service "${s}" (configured: ${known.join(', ')})`, `services.${i}`);
  });
  const now = ctx.now().toISOString();
  const { incident, entries } = decide(data, ctx.actor.name, now);
  const event = await ctx.store.writeTx(async (trx) => {
    const inc = await insertIncident(trx, incident);
    const written = await appendEntries(trx, inc.id, entries);
    const ev: IncidentEvent = { type: 'declared', incident: inc, previous: null, entries: written, actor: ctx.actor };
    await ctx.onIncidentChange?.(trx, ev);
    return ev;
  });
  ctx.afterCommit?.(event);
  return event;
}
