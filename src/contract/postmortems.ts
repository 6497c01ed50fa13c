import { z } from 'zod';
import { ACTION_KINDS, PHASES, POSTMORTEM_STATES, SECTION_KEYS } from '../core/postmortem.js';
import { SEVERITIES } from '../core/severity.js';
import { TIMELINE_KINDS } from '../core/incident.js';

/**
 * Post-mortems, action items and insights on the wire: the API's response schemas and the
 * CLI's --json (docs/postmortem.md). Tests validate real responses against these.
 */
export const actionItemSchema = z.object({
  id: z.number().int(),
  incidentId: z.string(),
  title: z.string(),
  owner: z.string(),
  kind: z.enum(ACTION_KINDS),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  status: z.enum(['open', 'done']),
  createdAt: z.string(),
  createdBy: z.string(),
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
  overdue: z.boolean(),
});

export const postmortemRecordSchema = z.object({
  incidentId: z.string(),
  state: z.enum(POSTMORTEM_STATES),
  level: z.enum(['full', 'lightweight']),
  sections: z.partialRecord(z.enum(SECTION_KEYS), z.string()),
  whys: z.array(z.object({ why: z.string(), because: z.string() })),
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  remindedAt: z.string().nullable(),
});

export const blamelessWarningSchema = z.object({
  field: z.string(),
  sentence: z.string(),
  match: z.string(),
  reason: z.string(),
  suggestion: z.string(),
});

export const editResultSchema = z.object({ postmortem: postmortemRecordSchema, warnings: z.array(blamelessWarningSchema) });

const durationFact = z.object({ ms: z.number().nullable(), text: z.string() });
const brief = z.object({ at: z.string(), author: z.string(), text: z.string() });

export const postmortemModelSchema = z.object({
  schema: z.literal('warroom.postmortem/v1'),
  source: z.enum(['incident', 'report']),
  generatedAt: z.string(),
  incident: z.object({
    id: z.string().nullable(),
    title: z.string(),
    severity: z.enum(SEVERITIES),
    peakSeverity: z.enum(SEVERITIES),
    status: z.string(),
    services: z.array(z.string()),
    roles: z.object({
      commander: z.string().nullable(),
      comms_lead: z.string().nullable(),
      scribe: z.string().nullable(),
      responders: z.array(z.string()),
    }),
    createdBy: z.string(),
    declaredAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    mitigatedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    impact: z.string().nullable(),
    resolutionSummary: z.string().nullable(),
  }),
  postmortem: z.object({
    state: z.enum(POSTMORTEM_STATES),
    level: z.enum(['full', 'lightweight']),
    required: z.boolean(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    createdAt: z.string().nullable(),
    submittedAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    publishedBy: z.string().nullable(),
  }),
  durations: z.object({
    impactStartAt: z.string(),
    ttd: durationFact,
    tta: durationFact,
    ttm: durationFact,
    ttr: durationFact,
    impactDuration: durationFact,
  }),
  targets: z.object({
    responseTimeMs: z.number(),
    responseTargetMet: z.boolean().nullable(),
    updateCadenceMs: z.number(),
    cadence: z.object({
      updatesSent: z.number().int(),
      maxGapMs: z.number(),
      met: z.boolean(),
      misses: z.array(
        z.object({ from: z.string(), to: z.string(), gapMs: z.number(), cadenceMs: z.number(), severity: z.enum(SEVERITIES) }),
      ),
    }),
  }),
  severityChanges: z.array(
    z.object({ at: z.string(), from: z.enum(SEVERITIES), to: z.enum(SEVERITIES), reason: z.string().nullable(), author: z.string() }),
  ),
  roleChanges: z.array(brief),
  findings: z.array(brief),
  updates: z.array(brief),
  decisions: z.array(brief),
  timeline: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      time: z.string(),
      offset: z.string(),
      phase: z.enum(PHASES),
      kind: z.enum(TIMELINE_KINDS),
      author: z.string(),
      text: z.string(),
      corrects: z.number().int().nullable(),
    }),
  ),
  sections: z.array(
    z.object({
      key: z.enum(SECTION_KEYS),
      title: z.string(),
      content: z.string().nullable(),
      source: z.enum(['written', 'record']).nullable(),
      prompt: z.string(),
      hints: z.array(z.string()),
    }),
  ),
  whys: z.array(z.object({ why: z.string(), because: z.string() })),
  whysPrompt: z.string(),
  actionItems: z.array(actionItemSchema),
  warnings: z.array(blamelessWarningSchema),
});

export const postmortemSummarySchema = z.object({
  incidentId: z.string(),
  title: z.string(),
  severity: z.string().nullable(),
  state: z.enum(POSTMORTEM_STATES),
  level: z.enum(['full', 'lightweight']),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  publishedAt: z.string().nullable(),
});

export const reminderResultSchema = z.object({
  dryRun: z.boolean(),
  reviews: z.array(
    z.object({
      incidentId: z.string(),
      title: z.string(),
      commander: z.string().nullable(),
      dueAt: z.string(),
      overdueMs: z.number(),
      state: z.string(),
      notified: z.number().int(),
    }),
  ),
  actionItems: z.array(
    z.object({
      id: z.number().int(),
      incidentId: z.string(),
      title: z.string(),
      owner: z.string(),
      dueDate: z.string(),
      commander: z.string().nullable(),
      notified: z.number().int(),
    }),
  ),
});

const timing = z.object({ count: z.number().int(), meanMs: z.number().nullable(), medianMs: z.number().nullable() });
const ratio = z.object({ total: z.number().int(), met: z.number().int(), percent: z.number().nullable() });
const perSev = <T extends z.ZodType>(t: T) => z.object({ SEV1: t, SEV2: t, SEV3: t, SEV4: t });

export const statsSchema = z.object({
  since: z.string(),
  until: z.string(),
  incidents: z.object({
    total: z.number().int(),
    open: z.number().int(),
    bySeverity: perSev(z.number().int()),
    byService: z.record(z.string(), z.number().int()),
  }),
  timeToAcknowledge: perSev(timing),
  timeToResolve: perSev(timing),
  responseTarget: ratio,
  updateCadence: ratio,
  postmortems: z.object({
    required: z.number().int(),
    byState: z.object({ none: z.number().int(), draft: z.number().int(), in_review: z.number().int(), published: z.number().int() }),
    onTime: ratio,
    overdue: z.number().int(),
  }),
  actionItems: z.object({ open: z.number().int(), overdue: z.number().int(), done: z.number().int() }),
});

export const actionItemListSchema = z.object({ actionItems: z.array(actionItemSchema) });
export const ensuredPostmortemSchema = z.object({ created: z.boolean(), postmortem: editResultSchema.shape.postmortem });
export const publishResultSchema = editResultSchema.extend({ notified: z.number().int() });
export const postmortemListSchema = z.object({ postmortems: z.array(postmortemSummarySchema) });

export type ActionItem = z.output<typeof actionItemSchema>;
export type ActionItemList = z.output<typeof actionItemListSchema>;
export type PostmortemRecord = z.output<typeof postmortemRecordSchema>;
export type BlamelessWarning = z.output<typeof blamelessWarningSchema>;
export type EditResult = z.output<typeof editResultSchema>;
export type PostmortemModel = z.output<typeof postmortemModelSchema>;
export type PostmortemSummary = z.output<typeof postmortemSummarySchema>;
export type EnsuredPostmortem = z.output<typeof ensuredPostmortemSchema>;
export type PublishResult = z.output<typeof publishResultSchema>;
export type ReminderResult = z.output<typeof reminderResultSchema>;
export type Stats = z.output<typeof statsSchema>;
