import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from '../../src/core/triage/built-in-rules.js';
import {
  evaluateCondition,
  evaluateRules,
  mergeRules,
  renderTemplate,
  suggestSeverity,
  triageRuleSchema,
  type TriageRule,
} from '../../src/core/triage/rules.js';
import { parseConfigText } from '../../src/config/load-config.js';

describe('conditions over facts', () => {
  const facts = {
    postgres: { saturation_pct: 93.5, blocked_count: 0 },
    thresholds: { pool_saturation_pct: 90 },
    service: { state: 'down', root_causes: ['db'] },
  };
  it('compares with literals and with other facts, records what it read', () => {
    const seen: Record<string, unknown> = {};
    expect(evaluateCondition({ fact: 'postgres.saturation_pct', op: 'gte', ref: 'thresholds.pool_saturation_pct' }, facts, seen)).toBe(
      true,
    );
    expect(seen).toEqual({ 'postgres.saturation_pct': 93.5, 'thresholds.pool_saturation_pct': 90 });
    expect(
      evaluateCondition(
        { all: [{ fact: 'service.state', op: 'eq', value: 'down' }, { not: { fact: 'postgres.blocked_count', op: 'gt', value: 0 } }] },
        facts,
      ),
    ).toBe(true);
    expect(evaluateCondition({ any: [{ fact: 'service.root_causes', op: 'contains', value: 'db' }] }, facts)).toBe(true);
    expect(evaluateCondition({ fact: 'service.state', op: 'in', value: ['up', 'degraded'] }, facts)).toBe(false);
  });
  it('never fires an ordering comparison on a missing fact', () => {
    expect(evaluateCondition({ fact: 'redis.memory_used_pct', op: 'lt', value: 50 }, facts)).toBe(false);
    expect(evaluateCondition({ fact: 'redis.memory_used_pct', op: 'missing' }, facts)).toBe(true);
  });
});

describe('rules', () => {
  const rule: TriageRule = {
    id: 'queue-backlog',
    title: 'Queue backlog',
    when: { fact: 'queue.depth', op: 'gt', value: 1000 },
    cause: '{{queue.depth}} messages waiting on {{service.name}}',
    evidence: ['depth {{queue.depth}}', '{{missing.value}}'],
    action: 'Scale the consumers of {{service.name}}',
    severity: 'SEV3',
    escalate: { when: { fact: 'queue.depth', op: 'gt', value: 10000 }, severity: 'SEV2' },
  };
  it('renders cause, evidence and action from facts, escalates, sorts by severity', () => {
    const f = evaluateRules([rule], {
      worker: { service: { name: 'worker' }, queue: { depth: 20000 } },
      mailer: { service: { name: 'mailer' }, queue: { depth: 1500 } },
      idle: { service: { name: 'idle' }, queue: { depth: 3 } },
    });
    expect(f.map((x) => [x.service, x.severity])).toEqual([
      ['worker', 'SEV2'],
      ['mailer', 'SEV3'],
    ]);
    expect(f[0].cause).toBe('20000 messages waiting on worker');
    expect(f[0].evidence).toEqual(['depth 20000']); // an empty line (missing fact) is dropped
    expect(f[0].facts).toEqual({ 'queue.depth': 20000 });
    expect(suggestSeverity(f)).toBe('SEV2');
    expect(suggestSeverity([])).toBeNull();
  });
  it('does not HTML-escape and joins lists', () => {
    expect(renderTemplate('{{a}} <{{b}}>', { a: "O'Brien & co", b: ['x', 'y'] })).toBe("O'Brien & co <x, y>");
  });
  it('merges team rules: replace a built-in by id, add new ones, disable ids', () => {
    const replaced = { ...BUILT_IN_RULES.find((r) => r.id === 'disk-full')!, severity: 'SEV1' as const };
    const merged = mergeRules(BUILT_IN_RULES, { rules: [replaced, rule], disable: ['cert-expiring'] });
    expect(merged.find((r) => r.id === 'disk-full')!.severity).toBe('SEV1');
    expect(merged.some((r) => r.id === 'cert-expiring')).toBe(false);
    expect(merged.at(-1)!.id).toBe('queue-backlog');
    expect(merged).toHaveLength(BUILT_IN_RULES.length + 1 - 1);
  });
  it('every built-in rule is valid under the schema teams use', () => {
    for (const r of BUILT_IN_RULES) expect(triageRuleSchema.safeParse(r).success, r.id).toBe(true);
    expect(new Set(BUILT_IN_RULES.map((r) => r.id)).size).toBe(BUILT_IN_RULES.length);
  });
});

describe('triage config in warroom.yaml', () => {
  it('accepts team rules and thresholds', () => {
    const { config, problems } = parseConfigText(`
triage:
  window: 30m
  thresholds: { long_query_s: 10, disk_free_pct: 15 }
  disable: [cert-expiring]
  rules:
    - id: queue-backlog
      title: Queue backlog
      when: { all: [ { fact: queue.depth, op: gt, value: 1000 } ] }
      cause: "{{queue.depth}} waiting"
      action: Scale consumers
      severity: SEV3
`);
    expect(problems).toEqual([]);
    expect(config!.triage!.window).toBe(1_800_000);
    expect(config!.triage!.rules![0].id).toBe('queue-backlog');
  });
  it('names the key and line of a bad rule', () => {
    const { problems } = parseConfigText(`triage:
  rules:
    - id: Bad Id
      title: x
      when: { fact: a.b, op: bigger, value: 1 }
      cause: c
      action: a
      severity: SEV9
`);
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('triage.rules.0.id');
    expect(paths).toContain('triage.rules.0.severity');
    expect(problems.find((p) => p.path === 'triage.rules.0.id')!.line).toBe(3);
  });
  it('a malformed URL in a service is a config error naming the key', () => {
    const { problems } = parseConfigText('services:\n  db:\n    postgres: "not a url"\n  api:\n    health: "http//missing-colon"\n');
    expect(problems.map((p) => p.path).sort()).toEqual(['services.api.health', 'services.db.postgres']);
    expect(problems.find((p) => p.path === 'services.db.postgres')!.line).toBe(3);
  });
});
