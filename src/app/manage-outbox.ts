import { z } from 'zod';
import { validation } from '../core/errors.js';
import { parseIncidentId } from '../core/incident.js';
import { CHANNELS, OUTBOX_STATUSES, type OutboxStatus } from '../core/outbox.js';
import { countOutbox, listOutbox, retryOutboxItem, type OutboxItem } from '../notify/outbox.js';
import { listOutboxByKeyPrefix } from '../store/outbox.repository.js';
import { parseInput, requireRole, type AppContext } from './context.js';

export const outboxFilterSchema = z
  .object({
    status: z.enum([...OUTBOX_STATUSES, 'all']).optional(),
    incident: z.string().optional(),
    channel: z.enum(CHANNELS).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

export interface OutboxListing {
  counts: Record<OutboxStatus, number>;
  items: OutboxItem[];
}

/** Lists outbox messages; by default what needs attention (pending and dead). */
export async function listOutboxMessages(ctx: AppContext, input: z.input<typeof outboxFilterSchema> = {}): Promise<OutboxListing> {
  requireRole(ctx, 'viewer', 'reading the outbox');
  const f = parseInput(outboxFilterSchema, input);
  const incidentId = f.incident ? parseIncidentId(f.incident, 'incident') : undefined;
  const counts = await countOutbox(ctx.store.db);
  if (!f.status) {
    const [dead, pending] = await Promise.all([
      listOutbox(ctx.store.db, { status: 'dead', incidentId, channel: f.channel, limit: f.limit }),
      listOutbox(ctx.store.db, { status: 'pending', incidentId, channel: f.channel, limit: f.limit }),
    ]);
    return { counts, items: [...dead, ...pending].sort((a, b) => b.id - a.id).slice(0, f.limit ?? 100) };
  }
  return { counts, items: await listOutbox(ctx.store.db, { status: f.status, incidentId, channel: f.channel, limit: f.limit }) };
}

/** Manual retry of a dead-lettered (or waiting) message: due now, fresh attempt budget. */
export async function retryOutboxMessage(ctx: AppContext, id: string | number): Promise<OutboxItem> {
  requireRole(ctx, 'commander', 'retrying an outbox message');
  const n = typeof id === 'number' ? id : Number(String(id).trim());
  if (!Number.isInteger(n) || n <= 0)
    throw validation(`id: "${id}" is not an outbox message id (a positive number, see "warroom outbox")`, 'id');
  return retryOutboxItem(ctx.store.db, n, ctx.now().toISOString());
}

/** The messages one posted update fanned out to (one per channel), oldest first. */
export async function listUpdateMessages(ctx: AppContext, incidentId: string, entryId: number): Promise<OutboxItem[]> {
  return listOutboxByKeyPrefix(ctx.store.db, `update:${incidentId}:${entryId}:`);
}
