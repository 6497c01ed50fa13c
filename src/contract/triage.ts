import { z } from 'zod';
import { SEVERITIES } from '../core/severity.js';

/**
 * Health, triage and their reports on the wire (GET /api/v1/health, /api/v1/triage…, the CLI's
 * health and triage --json). Also checked against real responses in test/triage.
 */
const state = z.enum(['up', 'degraded', 'down']);

export const checkResultSchema = z.object({
  service: z.string(),
  kind: z.string(),
  target: z.string(),
  state,
  latencyMs: z.number(),
  evidence: z.record(z.string(), z.unknown()),
  error: z.string().optional(),
});
export const serviceHealthSchema = z.object({ service: z.string(), state, checks: z.array(checkResultSchema) });
export const healthReportSchema = z.object({
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  timeoutMs: z.number(),
  deadlineMs: z.number(),
  state,
  counts: z.object({ up: z.number(), degraded: z.number(), down: z.number() }),
  services: z.array(serviceHealthSchema),
  skipped: z.array(z.string()),
});
export const findingSchema = z.object({
  rule: z.string(),
  title: z.string(),
  pattern: z.string().nullable(),
  service: z.string(),
  severity: z.enum(SEVERITIES),
  cause: z.string(),
  evidence: z.array(z.string()),
  action: z.string(),
  facts: z.record(z.string(), z.unknown()),
  kind: z.enum(['cause', 'note']),
  explains: z.array(z.string()),
  explainedSymptoms: z.array(z.string()),
  score: z.number(),
  root: z.boolean(),
});
export const symptomSchema = z.object({
  id: z.string(),
  service: z.string(),
  kind: z.enum(['unreachable', 'hanging', 'unhealthy', 'erroring', 'slow']),
  tag: z.string().nullable(),
  text: z.string(),
  weight: z.number(),
  via: z.array(z.string()),
});
export const triageReportSchema = z.object({
  id: z.number().int().nullable(),
  createdAt: z.string(),
  actor: z.string(),
  incident: z.string().nullable(),
  durationMs: z.number(),
  state,
  suggestedSeverity: z.enum(SEVERITIES).nullable(),
  findings: z.array(findingSchema),
  symptoms: z.array(symptomSchema),
  unexplained: z.array(symptomSchema),
  blindSpots: z.array(z.string()),
  recentChanges: z.array(z.record(z.string(), z.unknown())),
  windowMs: z.number(),
  currentWindowMs: z.number(),
  health: healthReportSchema,
  diagnoses: z.object({
    postgres: z.record(z.string(), z.unknown()),
    redis: z.record(z.string(), z.unknown()),
    logs: z.record(z.string(), z.unknown()),
  }),
  facts: z.record(z.string(), z.record(z.string(), z.unknown())),
  rulesEvaluated: z.number(),
  summary: z.array(z.string()),
});
export const triageListSchema = z.object({
  reports: z.array(
    z.object({
      id: z.number(),
      createdAt: z.string(),
      actor: z.string(),
      incident: z.string().nullable(),
      state: z.string(),
      suggestedSeverity: z.string().nullable(),
      findingCount: z.number(),
    }),
  ),
});

export type CheckState = z.output<typeof state>;
export type CheckResult = z.output<typeof checkResultSchema>;
export type ServiceHealth = z.output<typeof serviceHealthSchema>;
export type HealthReport = z.output<typeof healthReportSchema>;
export type TriageFinding = z.output<typeof findingSchema>;
export type TriageSymptom = z.output<typeof symptomSchema>;
export type TriageReport = z.output<typeof triageReportSchema>;
export type TriageList = z.output<typeof triageListSchema>;
