import Mustache from 'mustache';
import { z } from 'zod';
import { readPath } from '../read-path.js';
import { compareSeverity, SEVERITIES, type Severity } from '../severity.js';

/**
 * Triage rules as data: an id, a condition over the facts collected for one service, the
 * likely cause, the evidence and the first action (mustache templates over the same facts),
 * and a suggested severity from the seed's table. Teams add or replace rules in warroom.yaml
 * (`triage.rules`) with exactly this shape.
 */

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const COMPARISONS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists', 'missing'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: string; op: Comparison; value?: z.infer<typeof scalar> | z.infer<typeof scalar>[]; ref?: string };

const factPath = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'expected a dotted fact path, e.g. postgres.saturation_pct');

export const conditionSchema: z.ZodType<Condition, Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z
      .object({
        fact: factPath,
        op: z.enum(COMPARISONS),
        /** A literal to compare with (a list for `in`). */
        value: z.union([scalar, z.array(scalar)]).optional(),
        /** Another fact to compare with, e.g. thresholds.pool_saturation_pct. */
        ref: factPath.optional(),
      })
      .strict()
      .refine((c) => ['exists', 'missing'].includes(c.op) || c.value !== undefined || c.ref !== undefined, {
        message: 'needs a value or a ref to compare with',
      }),
  ]),
);

export const SYMPTOM_KINDS = ['unreachable', 'hanging', 'unhealthy', 'erroring', 'slow'] as const;
export type SymptomKind = (typeof SYMPTOM_KINDS)[number];
const symptomRef = z
  .string()
  .regex(
    /^(unreachable|hanging|unhealthy|erroring|slow)(:[a-z0-9_-]+)?$/,
    'expected a symptom: unreachable, hanging, unhealthy, erroring or slow, optionally with a tag (erroring:redis)',
  );

export const triageRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'rule ids use lower-case letters, digits and -'),
    title: z.string().min(1),
    /** The seed's "Common Incident Patterns" row this rule belongs to, if any. */
    pattern: z.string().optional(),
    when: conditionSchema,
    /** Likely cause (mustache template over the facts). */
    cause: z.string().min(1),
    /** Evidence lines (templates); the numbers that made the rule fire. */
    evidence: z.array(z.string()).default([]),
    /** The first thing to do (template). */
    action: z.string().min(1),
    severity: z.enum(SEVERITIES),
    /** A more severe suggestion when this extra condition also holds. */
    escalate: z
      .object({ when: conditionSchema, severity: z.enum(SEVERITIES) })
      .strict()
      .optional(),
    /**
     * cause (default): a hypothesis that explains symptoms; note: about the past or context
     * (errors that stopped), listed after the causes and never ranked first.
     */
    kind: z.enum(['cause', 'note']).optional(),
    /** Reported only for symptoms that no other cause explains ("the app errors" when nothing deeper is found). */
    fallback: z.boolean().optional(),
    /**
     * The symptoms this cause explains: of its own service (self) and of the services that depend
     * on it through depends_on or a readiness key of its kind (dependents). A symptom is
     * `unreachable hanging unhealthy erroring slow`, optionally narrowed by a tag:
     * `erroring:redis` (errors of that class: pool, redis, postgres, connection, code).
     */
    explains: z
      .object({ self: z.array(symptomRef).optional(), dependents: z.array(symptomRef).optional() })
      .strict()
      .optional(),
    /** How strong and specific the evidence is, 1 (a hint) to 5 (a named pid, an OOM refusal). Default 2. */
    strength: z.number().int().min(1).max(5).optional(),
  })
  .strict();

export type TriageRule = z.input<typeof triageRuleSchema>;

export const triageThresholdsSchema = z
  .object({
    long_query_s: z.number().positive().default(30),
    idle_in_transaction_s: z.number().nonnegative().default(60),
    lock_wait_s: z.number().nonnegative().default(5),
    pool_saturation_pct: z.number().min(0).max(100).default(90),
    redis_memory_pct: z.number().min(0).max(100).default(90),
    redis_clients_pct: z.number().min(0).max(100).default(90),
    tls_warn_days: z.number().nonnegative().default(14),
    disk_free_pct: z.number().min(0).max(100).default(10),
    latency_ms: z.number().positive().default(1000),
    error_rate_pct: z.number().min(0).max(100).default(5),
    restart_count: z.number().int().nonnegative().default(3),
    /** A Redis command at least this slow in the current window is a finding (redis-slow-commands). */
    redis_slow_ms: z.number().positive().default(100),
  })
  .strict();
export type TriageThresholds = z.infer<typeof triageThresholdsSchema>;

export const triageConfigSchema = z
  .object({
    /** How far back "recent changes" go (default 1h). Milliseconds after config parsing. */
    window: z.string().optional(),
    /** What counts as "now" (default 5m): errors and latency inside it are current, earlier ones are "before". Milliseconds after parsing. */
    current_window: z.string().optional(),
    /** How long triage's HTTP probes wait for an answer (default 2.5s, above common pool acquire timeouts). Milliseconds after parsing. */
    probe_timeout: z.string().optional(),
    thresholds: triageThresholdsSchema.partial().optional(),
    /** Team rules; one with a built-in id replaces that built-in. */
    rules: z.array(triageRuleSchema).optional(),
    /** Built-in rule ids to switch off. */
    disable: z.array(z.string()).optional(),
  })
  .strict();
export type TriageConfig = z.infer<typeof triageConfigSchema>;

export type Facts = Record<string, unknown>;

export interface Finding {
  rule: string;
  title: string;
  pattern: string | null;
  service: string;
  severity: Severity;
  cause: string;
  evidence: string[];
  action: string;
  /** The facts the condition read, with their values, so the finding carries its numbers. */
  facts: Record<string, unknown>;
  /** cause or note (see the rule's kind). */
  kind: 'cause' | 'note';
  /** The current symptoms this finding explains, in words ("backend readiness 503"), strongest first. */
  explains: string[];
  /** Their ids (service/kind[/tag]), as in the report's symptoms. */
  explainedSymptoms: string[];
  /** The rank score: current symptoms explained, weighted, and the strength of the evidence. */
  score: number;
  /** A root cause: the first finding and every other cause that explains symptoms none above it does. */
  root: boolean;
}

export function readFact(facts: Facts, path: string): unknown {
  return readPath(facts, path);
}

function compare(op: Comparison, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'missing':
      return actual === undefined || actual === null;
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual as never);
    case 'contains':
      if (Array.isArray(actual)) return actual.includes(expected);
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    default: {
      // Ordering comparisons need two numbers: a missing fact never satisfies them.
      if (typeof actual !== 'number' || typeof expected !== 'number' || Number.isNaN(actual) || Number.isNaN(expected)) return false;
      return op === 'gt' ? actual > expected : op === 'gte' ? actual >= expected : op === 'lt' ? actual < expected : actual <= expected;
    }
  }
}

/** Evaluates a condition, noting every fact it read (for the finding's evidence). */
export function evaluateCondition(c: Condition, facts: Facts, seen: Record<string, unknown> = {}): boolean {
  if ('all' in c) return c.all.every((x) => evaluateCondition(x, facts, seen));
  if ('any' in c) return c.any.map((x) => evaluateCondition(x, facts, seen)).some(Boolean);
  if ('not' in c) return !evaluateCondition(c.not, facts, seen);
  const actual = readFact(facts, c.fact);
  seen[c.fact] = actual ?? null;
  let expected: unknown = c.value;
  if (c.ref) {
    expected = readFact(facts, c.ref);
    seen[c.ref] = expected ?? null;
  }
  return compare(c.op, actual, expected);
}

export function renderTemplate(tpl: string, facts: Facts): string {
  const stringify = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v));
  // Plain text, not HTML: no escaping, and lists read as "a, b".
  return Mustache.render(tpl, facts, {}, { escape: stringify }).replace(/\s+$/g, '');
}

/**
 * Merges built-in and team rules: a team rule with a built-in id replaces it; `disable`
 * removes ids. Team rules are validated by the config schema before they get here.
 */
export function mergeRules(builtIn: TriageRule[], config: { rules?: TriageRule[]; disable?: string[] } = {}): TriageRule[] {
  const disabled = new Set(config.disable ?? []);
  const team = new Map((config.rules ?? []).map((r) => [r.id, r]));
  const out = builtIn.filter((r) => !disabled.has(r.id)).map((r) => team.get(r.id) ?? r);
  for (const r of config.rules ?? []) if (!builtIn.some((b) => b.id === r.id) && !disabled.has(r.id)) out.push(r);
  return out;
}

/** Runs every rule against every service's facts; findings come most severe first. */
export function evaluateRules(rules: TriageRule[], factsByService: Record<string, Facts>): Finding[] {
  const findings: Finding[] = [];
  for (const [service, facts] of Object.entries(factsByService)) {
    for (const rule of rules) {
      const seen: Record<string, unknown> = {};
      if (!evaluateCondition(rule.when, facts, seen)) continue;
      let severity = rule.severity;
      if (rule.escalate && evaluateCondition(rule.escalate.when, facts, seen) && compareSeverity(rule.escalate.severity, severity) < 0)
        severity = rule.escalate.severity;
      findings.push({
        rule: rule.id,
        title: rule.title,
        pattern: rule.pattern ?? null,
        service,
        severity,
        cause: renderTemplate(rule.cause, facts),
        evidence: (rule.evidence ?? []).map((e) => renderTemplate(e, facts)).filter((e) => e.trim() !== ''),
        action: renderTemplate(rule.action, facts),
        facts: seen,
        kind: rule.kind ?? 'cause',
        explains: [],
        explainedSymptoms: [],
        score: 0,
        root: false,
      });
    }
  }
  return findings.sort(
    (a, b) => compareSeverity(a.severity, b.severity) || a.service.localeCompare(b.service) || a.rule.localeCompare(b.rule),
  );
}

/** The most severe suggestion among the causes (notes are about the past), or null when none fired. */
export function suggestSeverity(findings: Finding[]): Severity | null {
  return findings
    .filter((f) => f.kind !== 'note')
    .reduce<Severity | null>((acc, f) => (acc === null || compareSeverity(f.severity, acc) < 0 ? f.severity : acc), null);
}
