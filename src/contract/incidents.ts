import { z } from 'zod';
import { STATUSES, TIMELINE_KINDS } from '../core/incident.js';
import { SEVERITIES } from '../core/severity.js';

/**
 * The documented JSON shapes of the API (and of the CLI's --json, which returns the same
 * objects). Tests validate real responses against these.
 */
export const timelineEntrySchema = z.object({
  id: z.number().int(),
  incidentId: z.string(),
  at: z.string(),
  author: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  text: z.string(),
  corrects: z.number().int().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const derivedSchema = z.object({
  durationMs: z.number(),
  lastUpdateAt: z.string().nullable(),
  nextUpdateDueAt: z.string().nullable(),
  overdue: z.boolean(),
  responseTargetMet: z.boolean().nullable(),
  timeToAcknowledgeMs: z.number().nullable(),
  timeToResolveMs: z.number().nullable(),
});

export const incidentSchema = z.object({
  id: z.string().regex(/^INC-\d+$/),
  seq: z.number().int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(STATUSES),
  impact: z.string().nullable(),
  summary: z.string().nullable(),
  services: z.array(z.string()),
  roles: z.object({ commander: z.string().nullable(), comms_lead: z.string().nullable(), scribe: z.string().nullable(), responders: z.array(z.string()) }),
  createdBy: z.string(),
  declaredAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  mitigatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  updatedAt: z.string(),
  derived: derivedSchema,
});

export const incidentListSchema = z.object({ incidents: z.array(incidentSchema) });
export const incidentDetailSchema = incidentSchema.extend({ timeline: z.array(timelineEntrySchema) });
export const changeResultSchema = z.object({ incident: incidentSchema, entries: z.array(timelineEntrySchema) });

export const deploySchema = z.object({
  id: z.number().int(), service: z.string(), version: z.string(), kind: z.enum(['deploy', 'infra', 'rollback']),
  at: z.string(), by: z.string(), description: z.string().nullable(),
});
