import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  assignRole,
  changeSeverity,
  changeStatus,
  declareIncident,
  deriveFacts,
  parseIncidentId,
  reopenIncident,
  resolveIncident,
  type Incident,
} from './incident.js';
import { buildSeverityPolicy, DEFAULT_SEVERITY_POLICY, parseSeverity } from './severity.js';
import type { WarroomError } from './errors.js';

const T0 = '2026-01-15T14:30:00.000Z';
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString();

function incident(over: Partial<Incident> = {}): Incident {
  const { incident: i } = declareIncident({ title: 'DB pool exhausted', severity: 'SEV2' }, 'alice', T0);
  return { ...i, id: 'INC-7', seq: 7, ...over };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as WarroomError).code;
  }
  return undefined;
}

describe('severity policy', () => {
  it('is the seed table', () => {
    expect(DEFAULT_SEVERITY_POLICY.SEV1.responseTimeMs).toBe(5 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV2.responseTimeMs).toBe(15 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV3.responseTimeMs).toBe(60 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV4.responseTimeMs).toBe(4 * 60 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV1.updateCadenceMs).toBe(15 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV2.updateCadenceMs).toBe(30 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV3.updateCadenceMs).toBe(2 * 60 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV4.updateCadenceMs).toBe(24 * 60 * 60_000);
    expect(DEFAULT_SEVERITY_POLICY.SEV1.escalationSteps).toEqual(['page_oncall', 'page_manager']);
    expect(DEFAULT_SEVERITY_POLICY.SEV4.escalation).toMatch(/ticket/);
  });
  it('can be overridden per value', () => {
    const p = buildSeverityPolicy({ SEV2: { updateCadenceMs: 20 * 60_000 } });
    expect(p.SEV2.updateCadenceMs).toBe(20 * 60_000);
    expect(p.SEV2.responseTimeMs).toBe(15 * 60_000);
    expect(p.SEV1).toEqual(DEFAULT_SEVERITY_POLICY.SEV1);
  });
  it('parses aliases and rejects unknown severities', () => {
    expect(parseSeverity('sev1')).toBe('SEV1');
    expect(parseSeverity('P3')).toBe('SEV3');
    expect(parseSeverity('4')).toBe('SEV4');
    expect(codeOf(() => parseSeverity('SEV5'))).toBe('VALIDATION');
  });
});

describe('declare', () => {
  it('starts investigating with a detection entry, and a named commander acknowledges', () => {
    const { incident: i, entries } = declareIncident({ title: ' Outage ', severity: 'SEV1', commander: 'bob' }, 'alice', T0);
    expect(i.status).toBe('investigating');
    expect(i.title).toBe('Outage');
    expect(i.roles.commander).toBe('bob');
    expect(i.acknowledgedAt).toBe(T0);
    expect(entries.map((e) => e.kind)).toEqual(['detection', 'role_change']);
  });
  it('rejects empty, huge, multi-line and control-character titles', () => {
    expect(codeOf(() => declareIncident({ title: '   ', severity: 'SEV1' }, 'a', T0))).toBe('VALIDATION');
    expect(codeOf(() => declareIncident({ title: 'x'.repeat(100_000), severity: 'SEV1' }, 'a', T0))).toBe('VALIDATION');
    expect(codeOf(() => declareIncident({ title: 'a\nb', severity: 'SEV1' }, 'a', T0))).toBe('VALIDATION');
    expect(codeOf(() => declareIncident({ title: 'bad \u0000 byte', severity: 'SEV1' }, 'a', T0))).toBe('VALIDATION');
    expect(codeOf(() => declareIncident({ title: 'bad \uFFFD utf8', severity: 'SEV1' }, 'a', T0))).toBe('VALIDATION');
  });
});

describe('lifecycle', () => {
  it('moves forward, skipping allowed, and records each transition', () => {
    const c = changeStatus(incident(), 'mitigating', 'alice', at(5), 'rolled back');
    expect(c.incident.status).toBe('mitigating');
    expect(c.incident.mitigatedAt).toBe(at(5));
    expect(c.entries[0]).toMatchObject({ kind: 'status_change', data: { from: 'investigating', to: 'mitigating' } });
    expect(c.entries[0].text).toContain('rolled back');
  });
  it('refuses leaving resolved without reopen, and reopening an open incident', () => {
    const r = resolveIncident(incident(), 'alice', at(10), 'fixed').incident;
    expect(r.resolvedAt).toBe(at(10));
    expect(r.summary).toBe('fixed');
    expect(codeOf(() => changeStatus(r, 'identified', 'alice', at(11)))).toBe('INVALID_TRANSITION');
    expect(codeOf(() => reopenIncident(incident(), 'alice', at(11)))).toBe('INVALID_TRANSITION');
    const re = reopenIncident(r, 'alice', at(12), 'errors are back');
    expect(re.incident.status).toBe('investigating');
    expect(re.incident.resolvedAt).toBeNull();
    expect(changeStatus(re.incident, 'identified', 'alice', at(13)).incident.status).toBe('identified');
  });
  it('refuses a no-op transition', () => {
    expect(codeOf(() => changeStatus(incident(), 'investigating', 'a', at(1)))).toBe('INVALID_TRANSITION');
  });
  it('records severity changes with the reason', () => {
    const c = changeSeverity(incident(), 'SEV1', 'alice', at(3), 'all users affected');
    expect(c.incident.severity).toBe('SEV1');
    expect(c.entries[0]).toMatchObject({ kind: 'severity_change', data: { from: 'SEV2', to: 'SEV1', reason: 'all users affected' } });
    expect(codeOf(() => changeSeverity(incident(), 'SEV1', 'alice', at(3), ' '))).toBe('VALIDATION');
  });
});

describe('roles', () => {
  it('keeps exactly one commander and records the handover', () => {
    const a = assignRole(incident(), 'commander', 'bob', 'alice', at(2)).incident;
    expect(a.acknowledgedAt).toBe(at(2));
    const h = assignRole(a, 'commander', 'carol', 'bob', at(20));
    expect(h.incident.roles.commander).toBe('carol');
    expect(h.entries[0].text).toMatch(/handed over: bob → carol/);
    expect(h.incident.acknowledgedAt).toBe(at(2));
    expect(codeOf(() => assignRole(h.incident, 'commander', 'carol', 'x', at(21)))).toBe('CONFLICT');
  });
  it('adds responders once', () => {
    const a = assignRole(incident(), 'responder', 'dan', 'alice', at(1)).incident;
    expect(a.roles.responders).toEqual(['dan']);
    expect(codeOf(() => assignRole(a, 'responder', 'dan', 'alice', at(2)))).toBe('CONFLICT');
  });
  it('ack makes the actor commander when there is none', () => {
    const c = acknowledge(incident(), 'erin', at(4));
    expect(c.incident.roles.commander).toBe('erin');
    expect(c.incident.acknowledgedAt).toBe(at(4));
    expect(codeOf(() => acknowledge(c.incident, 'erin', at(5)))).toBe('CONFLICT');
  });
});

describe('derived facts', () => {
  const policy = buildSeverityPolicy();
  it('computes the next update from the cadence and the last update', () => {
    const f = deriveFacts(incident(), policy, at(10), null);
    expect(f.durationMs).toBe(10 * 60_000);
    expect(f.nextUpdateDueAt).toBe(at(30));
    expect(f.overdue).toBe(false);
    const g = deriveFacts(incident(), policy, at(50), at(25));
    expect(g.nextUpdateDueAt).toBe(at(55));
    expect(deriveFacts(incident(), policy, at(31), null).overdue).toBe(true);
  });
  it('judges the response-time target from declaration to acknowledgement', () => {
    expect(deriveFacts(incident({ acknowledgedAt: at(14) }), policy, at(60), null).responseTargetMet).toBe(true);
    expect(deriveFacts(incident({ acknowledgedAt: at(16) }), policy, at(60), null).responseTargetMet).toBe(false);
    expect(deriveFacts(incident(), policy, at(10), null).responseTargetMet).toBeNull();
    expect(deriveFacts(incident(), policy, at(16), null).responseTargetMet).toBe(false);
  });
  it('stops the clock at resolution', () => {
    const r = resolveIncident(incident(), 'a', at(45)).incident;
    const f = deriveFacts(r, policy, at(100), null);
    expect(f.durationMs).toBe(45 * 60_000);
    expect(f.nextUpdateDueAt).toBeNull();
    expect(f.timeToResolveMs).toBe(45 * 60_000);
  });
});

describe('ids', () => {
  it('parses INC-42, inc42 and 42', () => {
    expect(parseIncidentId('INC-42')).toBe('INC-42');
    expect(parseIncidentId('inc42')).toBe('INC-42');
    expect(parseIncidentId('42')).toBe('INC-42');
    expect(codeOf(() => parseIncidentId('INC-x'))).toBe('VALIDATION');
  });
});
