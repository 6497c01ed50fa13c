import Mustache from 'mustache';
import { z } from 'zod';
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

const factPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'expected a dotted fact path, e.g. postgres.saturation_pct');

export const conditionSchema: z.ZodType<Condition, Condition> = z.lazy(() => z.union([
  z.object({ all: z.array(conditionSchema).min(1) }).strict(),
  z.object({ any: z.array(conditionSchema).min(1) }).strict(),
  z.object({ not: conditionSchema }).strict(),
  z.object({
    fact: factPath,
    op: z.enum(COMPARISONS),
    /** A literal to compare with (a list for `in`). */
    value: z.union([scalar, z.array(scalar)]).optional(),
    /** Another fact to compare with, e.g. thresholds.pool_saturation_pct. */
    ref: factPath.optional(),
  }).strict().refine((c) => ['exists', 'missing'].includes(c.op) || c.value !== undefined || c.ref !== undefined, { message: 'needs a value or a ref to compare with' }),
]));

export const triageRuleSchema = z.object({
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
  escalate: z.object({ when: conditionSchema, severity: z.enum(SEVERITIES) }).strict().optional(),
}).strict();

export type TriageRule = z.input<typeof triageRuleSchema>;

export const triageThresholdsSchema = z.object({
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
}).strict();
export type TriageThresholds = z.infer<typeof triageThresholdsSchema>;

export const triageConfigSchema = z.object({
  /** How far back "recent changes" go (default 1h). Milliseconds after config parsing. */
  window: z.string().optional(),
  thresholds: triageThresholdsSchema.partial().optional(),
  /** Team rules; one with a built-in id replaces that built-in. */
  rules: z.array(triageRuleSchema).optional(),
  /** Built-in rule ids to switch off. */
  disable: z.array(z.string()).optional(),
}).strict();
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
}

export function readFact(facts: Facts, path: string): unknown {
  let cur: unknown = facts;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function compare(op: Comparison, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'exists': return actual !== undefined && actual !== null;
    case 'missing': return actual === undefined || actual === null;
    case 'eq': return actual === expected;
    case 'ne': return actual !== expected;
    case 'in': return Array.isArray(expected) && expected.includes(actual as never);
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
      if (rule.escalate && evaluateCondition(rule.escalate.when, facts, seen) && compareSeverity(rule.escalate.severity, severity) < 0) severity = rule.escalate.severity;
      findings.push({
        rule: rule.id, title: rule.title, pattern: rule.pattern ?? null, service, severity,
        cause: renderTemplate(rule.cause, facts),
        evidence: (rule.evidence ?? []).map((e) => renderTemplate(e, facts)).filter((e) => e.trim() !== ''),
        action: renderTemplate(rule.action, facts),
        facts: seen,
      });
    }
  }
  return findings.sort((a, b) => compareSeverity(a.severity, b.severity) || a.service.localeCompare(b.service) || a.rule.localeCompare(b.rule));
}

/** The most severe suggestion among the findings, or null when nothing fired. */
export function suggestSeverity(findings: Finding[]): Severity | null {
  return findings.reduce<Severity | null>((acc, f) => (acc === null || compareSeverity(f.severity, acc) < 0 ? f.severity : acc), null);
}

const t = (fact: string, op: Comparison, valueOrRef: string | number | boolean | null | (string | number)[], isRef = false): Condition =>
  isRef ? { fact, op, ref: valueOrRef as string } : { fact, op, value: valueOrRef };

/**
 * The seed's "Common Incident Patterns" and the failures its investigation steps look for.
 * Facts are per service: service.*, http.*, tls.*, disk.*, dns.*, container.*, postgres.*,
 * redis.*, deploy.*, logs.*, thresholds.* (see docs/triage.md for the full list).
 */
export const BUILT_IN_RULES: TriageRule[] = [
  {
    id: 'error-spike-after-deploy', title: 'Error spike after deploy', pattern: 'Error spike after deploy',
    when: { all: [t('deploy.recent', 'eq', true), { any: [t('service.state', 'ne', 'up'), t('logs.spike', 'eq', true), t('logs.error_rate_pct', 'gte', 'thresholds.error_rate_pct', true)] }] },
    cause: 'Bug in new code: {{service.name}} {{deploy.version}} was deployed {{deploy.minutes_ago}} min ago by {{deploy.by}} and the service is {{service.state}}',
    evidence: ['{{deploy.kind}} {{deploy.version}} at {{deploy.at}}', 'health: {{service.state}}{{#service.error}} ({{service.error}}){{/service.error}}', '{{#logs.available}}error rate {{logs.error_rate_pct}}% ({{logs.errors}} errors){{/logs.available}}'],
    action: 'Rollback immediately: warroom run rollback {{service.name}}{{#deploy.previous_version}} --to {{deploy.previous_version}}{{/deploy.previous_version}}',
    severity: 'SEV2', escalate: { when: t('service.state', 'eq', 'down'), severity: 'SEV1' },
  },
  {
    id: 'dependency-down', title: 'Dependency down', pattern: 'Partial failures',
    when: { all: [t('service.state', 'ne', 'up'), t('service.root_causes_count', 'gt', 0)] },
    cause: '{{service.name}} is {{service.state}} because {{service.root_causes}} is down',
    evidence: ['{{service.name}}: {{service.error}}', '{{service.root_cause_error}}'],
    action: 'Fix {{service.root_causes}} first ("warroom diagnose app {{service.root_cause_first}}"); {{service.name}} should recover with it',
    severity: 'SEV2', escalate: { when: t('service.state', 'eq', 'down'), severity: 'SEV1' },
  },
  {
    id: 'service-down', title: 'Service down (502/503)', pattern: '502/503 errors',
    when: { all: [t('service.state', 'eq', 'down'), t('service.root_causes_count', 'eq', 0), t('deploy.recent', 'ne', true)] },
    cause: '{{service.name}} crashed or is overloaded: {{service.error}}',
    evidence: ['{{service.down_checks}} of {{service.check_count}} checks down: {{service.failing_checks}}', '{{#container.status}}container {{container.status}}{{/container.status}}'],
    action: 'Check the process or container ("warroom diagnose app {{service.name}}"), restart if needed: warroom run restart {{service.name}}',
    severity: 'SEV1',
  },
  {
    id: 'partial-failure', title: 'Dependency reported failing', pattern: 'Partial failures',
    when: { all: [t('http.failing_dependency_count', 'gt', 0), t('service.root_causes_count', 'eq', 0)] },
    cause: '{{service.name}} reports {{http.failing_dependencies}} failing in its readiness payload',
    evidence: ['{{http.target}}: {{http.error}}'],
    action: 'Check the failing dependency individually ("warroom health", "warroom diagnose postgres|redis"); add it to depends_on so triage can name it',
    severity: 'SEV3', escalate: { when: t('service.state', 'eq', 'down'), severity: 'SEV2' },
  },
  {
    id: 'slow-responses', title: 'Slow responses', pattern: 'Slow responses',
    when: { all: [t('http.state', 'ne', 'down'), t('http.latency_ms', 'gte', 'thresholds.latency_ms', true)] },
    cause: '{{service.name}} answers in {{http.latency_ms}} ms (threshold {{thresholds.latency_ms}} ms): DB queries or an external API',
    evidence: ['health endpoint latency {{http.latency_ms}} ms'],
    action: 'Check slow queries and DB connections: warroom diagnose postgres',
    severity: 'SEV2',
  },
  {
    id: 'connection-pool-exhausted', title: 'Connection pool exhausted', pattern: 'Gradual degradation',
    when: t('postgres.saturation_pct', 'gte', 'thresholds.pool_saturation_pct', true),
    cause: 'PostgreSQL connections nearly exhausted ({{postgres.connections_used}} of {{postgres.usable_connections}}, {{postgres.saturation_pct}}%): a connection leak or too many workers',
    evidence: ['{{postgres.saturation_pct}}% of usable connections in use', 'most connections: {{postgres.top_client}}', '{{postgres.idle_in_transaction_count}} idle in transaction'],
    action: 'Restart the backend holding the connections (seed: docker restart app-backend): warroom run restart {{service.dependents_first}}',
    severity: 'SEV2', escalate: { when: t('postgres.saturation_pct', 'gte', 100), severity: 'SEV1' },
  },
  {
    id: 'lock-contention', title: 'Lock contention',
    when: { all: [t('postgres.blocked_count', 'gt', 0), t('postgres.longest_lock_wait_s', 'gte', 'thresholds.lock_wait_s', true)] },
    cause: 'pid {{postgres.root_blocker_pid}} holds a lock that blocks {{postgres.blocked_count}} session(s), the longest waiting {{postgres.longest_lock_wait_s}} s',
    evidence: ['root blocker pid {{postgres.root_blocker_pid}} ({{postgres.root_blocker_state}}): {{postgres.root_blocker_query}}', '{{postgres.blocked_count}} blocked session(s)'],
    action: 'Terminate the root blocker: SELECT pg_terminate_backend({{postgres.root_blocker_pid}}); (warroom run kill-query {{postgres.root_blocker_pid}})',
    severity: 'SEV2',
  },
  {
    id: 'long-running-query', title: 'Long-running query', pattern: 'Slow responses',
    when: t('postgres.long_query_count', 'gt', 0),
    cause: '{{postgres.long_query_count}} query(ies) running longer than {{postgres.long_query_threshold_s}} s, the longest {{postgres.longest_query_s}} s (pid {{postgres.longest_query_pid}})',
    evidence: ['pid {{postgres.longest_query_pid}}: {{postgres.longest_query}}'],
    action: 'Kill the query: SELECT pg_terminate_backend({{postgres.longest_query_pid}}); (warroom run kill-query {{postgres.longest_query_pid}})',
    severity: 'SEV3', escalate: { when: t('postgres.longest_query_s', 'gte', 300), severity: 'SEV2' },
  },
  {
    id: 'idle-in-transaction', title: 'Sessions idle in transaction', pattern: 'Gradual degradation',
    when: { all: [t('postgres.idle_in_transaction_count', 'gt', 0), t('postgres.idle_in_transaction_max_s', 'gte', 'thresholds.idle_in_transaction_s', true)] },
    cause: 'Connection leak: {{postgres.idle_in_transaction_count}} session(s) opened a transaction and stopped, the oldest idle {{postgres.idle_in_transaction_max_s}} s (pid {{postgres.oldest_idle_pid}}, {{postgres.oldest_idle_application}})',
    evidence: ['pid {{postgres.oldest_idle_pid}} last ran: {{postgres.oldest_idle_query}}'],
    action: 'Terminate it (SELECT pg_terminate_backend({{postgres.oldest_idle_pid}});) and look for a session opened without its context manager',
    severity: 'SEV3',
  },
  {
    id: 'redis-memory-full', title: 'Redis memory full', pattern: 'Memory growth',
    when: { any: [t('redis.memory_used_pct', 'gte', 'thresholds.redis_memory_pct', true), t('redis.oom_errors', 'gt', 0)] },
    cause: 'Redis is at {{redis.memory_used_pct}}% of maxmemory (policy {{redis.maxmemory_policy}}){{#redis.oom_errors}}; {{redis.oom_errors}} write(s) refused with OOM{{/redis.oom_errors}}',
    evidence: ['used {{redis.used_memory_bytes}} B of {{redis.maxmemory_bytes}} B', 'evicted keys {{redis.evicted_keys}}'],
    action: 'Flush non-critical keys (seed: cache:*): warroom run flush-keys --pattern "cache:*"',
    severity: 'SEV2', escalate: { when: { all: [t('redis.oom_errors', 'gt', 0), t('redis.maxmemory_policy', 'eq', 'noeviction')] }, severity: 'SEV1' },
  },
  {
    id: 'redis-clients-exhausted', title: 'Redis refusing clients',
    when: { any: [t('redis.rejected_connections', 'gt', 0), t('redis.clients_pct', 'gte', 'thresholds.redis_clients_pct', true)] },
    cause: 'Redis has {{redis.connected_clients}} of {{redis.maxclients}} clients and rejected {{redis.rejected_connections}} connection(s)',
    evidence: ['{{redis.blocked_clients}} blocked client(s)'],
    action: 'Find the client leaking connections (CLIENT LIST) and restart it',
    severity: 'SEV2',
  },
  {
    id: 'cert-expired', title: 'Certificate expired',
    when: t('tls.expired', 'eq', true),
    cause: 'The TLS certificate of {{tls.target}} expired on {{tls.valid_to}}',
    evidence: ['days left {{tls.min_days_left}}'],
    action: 'Apply a new certificate (update it in the load balancer)',
    severity: 'SEV1',
  },
  {
    id: 'cert-expiring', title: 'Certificate expiring soon',
    when: { all: [t('tls.expired', 'ne', true), t('tls.min_days_left', 'lte', 'thresholds.tls_warn_days', true)] },
    cause: 'The TLS certificate of {{tls.target}} expires in {{tls.min_days_left}} days ({{tls.valid_to}})',
    evidence: ['issuer {{tls.issuer}}'],
    action: 'Renew the certificate and apply it before {{tls.valid_to}}',
    severity: 'SEV4', escalate: { when: t('tls.min_days_left', 'lte', 7), severity: 'SEV3' },
  },
  {
    id: 'cert-untrusted', title: 'Certificate not trusted',
    when: { any: [t('tls.chain_error', 'exists', null), t('tls.hostname_error', 'exists', null)] },
    cause: 'Clients will reject the certificate of {{tls.target}}: {{tls.chain_error}}{{tls.hostname_error}}',
    evidence: ['issuer {{tls.issuer}}'],
    action: 'Install a certificate with the full chain for the right host name',
    severity: 'SEV2',
  },
  {
    id: 'disk-full', title: 'Disk full', pattern: 'Gradual degradation',
    when: t('disk.min_free_pct', 'lt', 'thresholds.disk_free_pct', true),
    cause: '{{disk.path}} has {{disk.min_free_pct}}% free ({{disk.free_human}})',
    evidence: ['inodes free {{disk.inodes_free_pct}}%'],
    action: 'Clean logs and temp files (seed: docker system prune -f): warroom run clean-disk {{service.name}}',
    severity: 'SEV3', escalate: { when: t('disk.min_free_pct', 'lt', 2), severity: 'SEV2' },
  },
  {
    id: 'dns-failure', title: 'DNS resolution failing',
    when: t('dns.state', 'eq', 'down'),
    cause: '{{dns.error}}',
    evidence: ['{{dns.target}}'],
    action: 'Check the resolver and the DNS record of {{dns.target}}',
    severity: 'SEV2',
  },
  {
    id: 'memory-growth', title: 'Memory growth / OOM kills', pattern: 'Memory growth',
    when: { any: [t('container.oom_killed', 'eq', true), t('container.restart_count', 'gte', 'thresholds.restart_count', true)] },
    cause: 'Memory leak: container {{container.target}} {{#container.oom_killed}}was OOM-killed{{/container.oom_killed}} (restarts: {{container.restart_count}})',
    evidence: ['status {{container.status}}, restart count {{container.restart_count}}'],
    action: 'Check memory use (docker stats) and restart: warroom run restart {{service.name}}',
    severity: 'SEV2',
  },
  {
    id: 'error-rate-high', title: 'High error rate', pattern: 'Partial failures',
    when: { all: [t('deploy.recent', 'ne', true), t('logs.error_rate_pct', 'gte', 'thresholds.error_rate_pct', true)] },
    cause: '{{logs.error_rate_pct}}% of log lines in the last {{logs.window}} are errors{{#logs.top_endpoint}}, mostly {{logs.top_endpoint}}{{/logs.top_endpoint}}',
    evidence: ['{{logs.errors}} errors of {{logs.lines}} lines'],
    action: 'Read the errors: warroom logs {{service.name}} --since 15m --level error',
    severity: 'SEV3',
  },
];
