import { z } from 'zod';
import { CHANNELS, OUTBOX_STATUSES } from '../core/outbox.js';
import { changeResultSchema } from './incidents.js';

/** An outbox message as `warroom outbox --json` and GET /api/v1/outbox show it. */
export const outboxItemSchema = z.object({
  id: z.number(),
  key: z.string(),
  channel: z.enum(CHANNELS),
  target: z.string(),
  kind: z.string(),
  incidentId: z.string().nullable(),
  summary: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

/** GET /api/v1/outbox: the counts of every status and the messages asked for. */
export const outboxListSchema = z.object({
  counts: z.object({ pending: z.number(), sent: z.number(), dead: z.number() }),
  items: z.array(outboxItemSchema),
});

/**
 * POST /api/v1/incidents/:id/updates (not a dry run): the change and the messages the update
 * queued. The route declares no response schema (its dry run answers the plan instead), so this
 * one types the answer without entering the OpenAPI document.
 */
export const postedUpdateSchema = changeResultSchema.extend({ outbox: z.array(outboxItemSchema) });

export type OutboxItemView = z.output<typeof outboxItemSchema>;
export type OutboxList = z.output<typeof outboxListSchema>;
export type PostedUpdate = z.output<typeof postedUpdateSchema>;
export type { ChannelName, OutboxStatus } from '../core/outbox.js';
