import { describe, expect, it } from 'vitest';
import { buildSeverityPolicy } from '../../src/core/severity.js';
import type { Incident, TimelineEntry } from '../../src/core/incident.js';
import {
  addWhy,
  buildPostmortemModel,
  buildReportModel,
  computeCadence,
  listSeverityChanges,
  parseDueDate,
  parseSectionKey,
  publishPostmortem,
  removeWhy,
  setSection,
  startPostmortem,
  submitForReview,
  type ActionItem,
} from '../../src/core/postmortem.js';
import { checkBlameless } from '../../src/core/blameless.js';
import { computeInsights } from '../../src/core/insights.js';
import { WarroomError } from '../../src/core/errors.js';
import { renderMarkdown } from '../../src/postmortem/render-markdown.js';
import { renderHtml } from '../../src/postmortem/render-html.js';
import { shippedTemplatePath } from '../../src/postmortem/template.js';
import { readFileSync } from 'node:fs';
import { buildIncident, buildTimelineEntry } from '../helpers/factories.js';

const policy = buildSeverityPolicy();
const T0 = Date.parse('2026-01-10T14:30:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

// INC-7 "Checkout returns 500" (SEV2), declared by dave at at(0), resolved at at(45).
const incident = (over: Partial<Incident> = {}): Incident =>
  buildIncident(
    {
      status: 'resolved',
      impact: 'Users cannot pay',
      summary: 'Rolled back v2.3',
      services: ['checkout', 'db'],
      roles: { commander: 'alice', comms_lead: 'bob', scribe: null, responders: ['carol'] },
      acknowledgedAt: at(3),
      mitigatedAt: at(20),
      resolvedAt: at(45),
      updatedAt: at(45),
      ...over,
    },
    { by: 'dave', at: at(0) },
  );

let nextId = 1;
const e = (
  min: number,
  kind: TimelineEntry['kind'],
  text: string,
  data: Record<string, unknown> | null = null,
  author = 'alice',
): TimelineEntry => buildTimelineEntry({ id: nextId++, at: at(min), author, kind, text, data });

function timeline(): TimelineEntry[] {
  nextId = 1;
  return [
    e(0, 'detection', 'Incident declared: Checkout returns 500 (SEV2)', { severity: 'SEV2' }, 'dave'),
    e(3, 'role_change', 'alice is incident commander', { role: 'commander', to: 'alice' }),
    e(8, 'finding', 'Connection pool at 100/100'),
    e(10, 'update', 'Investigating elevated 500s on checkout'),
    e(12, 'severity_change', 'Severity SEV2 → SEV1: all users', { from: 'SEV2', to: 'SEV1', reason: 'all users' }),
    e(20, 'status_change', 'Status investigating → mitigating', { from: 'investigating', to: 'mitigating' }),
    e(45, 'status_change', 'Status mitigating → resolved', { from: 'mitigating', to: 'resolved' }),
    // Back-dated detection (written later, happened before the declaration): impact began 6 minutes earlier.
    e(-6, 'detection', 'Error-rate alert fired', null, 'carol'),
  ];
}

const item = (over: Partial<ActionItem> = {}): ActionItem => ({
  id: 1,
  incidentId: 'INC-7',
  title: 'Add pool-exhaustion alert',
  owner: 'carol',
  kind: 'monitoring',
  dueDate: '2026-01-20',
  status: 'open',
  createdAt: at(60),
  createdBy: 'alice',
  doneAt: null,
  doneBy: null,
  ...over,
});

describe('post-mortem model', () => {
  it('orders the timeline by time, assigns phases and computes TTD/TTA/TTM/TTR from the record', () => {
    const m = buildPostmortemModel({ incident: incident(), timeline: timeline(), record: null, actionItems: [], policy, now: at(60) });
    expect(m.timeline.map((r) => r.at)).toEqual([...m.timeline.map((r) => r.at)].sort());
    expect(m.timeline[0].text).toBe('Error-rate alert fired');
    expect(m.timeline[0].offset).toBe('T+0s');
    expect(m.timeline[0].time).toBe('2026-01-10 14:24 UTC');
    expect(m.timeline.map((r) => r.phase)).toEqual([
      'detection',
      'detection',
      'investigation',
      'investigation',
      'investigation',
      'investigation',
      'mitigation',
      'resolution',
    ]);
    expect(m.durations.impactStartAt).toBe(at(-6));
    expect(m.durations.ttd).toEqual({ ms: 6 * 60_000, text: '6m 00s' });
    expect(m.durations.tta.ms).toBe(3 * 60_000);
    expect(m.durations.ttm.ms).toBe(20 * 60_000);
    expect(m.durations.ttr.ms).toBe(45 * 60_000);
    expect(m.durations.impactDuration.ms).toBe(51 * 60_000);
    // SEV2 declared: the 15-minute response target was met.
    expect(m.targets.responseTargetMet).toBe(true);
  });

  it('uses the peak severity for the review level and the seed deadline of 48 h after resolution', () => {
    const inc = incident({ severity: 'SEV3' });
    const tl = [
      ...timeline(),
      e(30, 'severity_change', 'Severity SEV1 → SEV3: contained', { from: 'SEV1', to: 'SEV3', reason: 'contained' }),
    ];
    const m = buildPostmortemModel({ incident: inc, timeline: tl, record: null, actionItems: [], policy, now: at(60) });
    expect(m.incident.peakSeverity).toBe('SEV1');
    expect(m.postmortem.level).toBe('full');
    expect(m.postmortem.dueAt).toBe(new Date(T0 + 45 * 60_000 + 48 * 3_600_000).toISOString());
    expect(m.severityChanges.map((c) => `${c.from}>${c.to}`)).toEqual(['SEV2>SEV1', 'SEV1>SEV3']);
  });

  it('gives SEV3 the lightweight sections and SEV4 an optional review with no deadline', () => {
    nextId = 1;
    const sev3 = buildPostmortemModel({
      incident: incident({ severity: 'SEV3' }),
      timeline: [e(0, 'detection', 'x')],
      record: null,
      actionItems: [],
      policy,
      now: at(60),
    });
    expect(sev3.postmortem.level).toBe('lightweight');
    expect(sev3.postmortem.required).toBe(true);
    expect(sev3.postmortem.dueAt).toBeNull();
    expect(sev3.sections.map((s) => s.key)).toEqual(['summary', 'impact', 'root_cause', 'what_could_be_improved']);
    const sev3Due = buildPostmortemModel({
      incident: incident({ severity: 'SEV3' }),
      timeline: [],
      record: null,
      actionItems: [],
      policy,
      now: at(60),
      rules: { lightweightDueAfterMs: 5 * 86_400_000 },
    });
    expect(sev3Due.postmortem.dueAt).toBe(new Date(T0 + 45 * 60_000 + 5 * 86_400_000).toISOString());
    const sev4 = buildPostmortemModel({
      incident: incident({ severity: 'SEV4' }),
      timeline: [],
      record: null,
      actionItems: [],
      policy,
      now: at(60),
    });
    expect(sev4.postmortem.required).toBe(false);
    expect(sev4.postmortem.dueAt).toBeNull();
  });

  it('fills what the record knows and leaves prompts where people must write', () => {
    const m = buildPostmortemModel({ incident: incident(), timeline: timeline(), record: null, actionItems: [], policy, now: at(60) });
    const s = Object.fromEntries(m.sections.map((x) => [x.key, x]));
    expect(s.summary.source).toBe('record');
    expect(s.summary.content).toContain('Checkout returns 500.');
    expect(s.summary.content).toContain('Resolution: Rolled back v2.3.');
    expect(s.impact.content).toBe('Users cannot pay');
    expect(s.root_cause.content).toBeNull();
    expect(s.root_cause.hints).toEqual(['Finding (2026-01-10 14:38 UTC): Connection pool at 100/100']);
    expect(s.contributing_factors.hints[0]).toContain('SEV2 → SEV1');
    expect(m.findings.map((f) => f.text)).toEqual(['Connection pool at 100/100']);
    expect(m.updates.map((f) => f.text)).toEqual(['Investigating elevated 500s on checkout']);
    expect(m.whys).toEqual([]);
  });

  it('redacts secrets from user text', () => {
    nextId = 1;
    const m = buildPostmortemModel({
      incident: incident(),
      timeline: [e(1, 'note', 'used postgres://app:hunter2@db/prod to check')],
      record: null,
      actionItems: [],
      policy,
      now: at(60),
      redact: (t) => t.replace(/hunter2/g, '[REDACTED]'),
    });
    expect(m.timeline[0].text).not.toContain('hunter2');
  });
});

describe('review lifecycle', () => {
  const inc = incident();
  it('refuses an unresolved incident', () => {
    expect(() => startPostmortem(incident({ status: 'mitigating', resolvedAt: null }), [], policy, {}, 'alice', at(50))).toThrow(
      /INC-7 is mitigating, not resolved/,
    );
  });

  it('goes draft → in_review → published with the seed requirements', () => {
    let pm = startPostmortem(inc, timeline(), policy, {}, 'alice', at(50));
    expect(pm).toMatchObject({ state: 'draft', level: 'full', dueAt: new Date(T0 + 45 * 60_000 + 48 * 3_600_000).toISOString() });
    expect(() => submitForReview(pm, 1, at(51))).toThrow(/needs root-cause/);
    pm = setSection(pm, 'root_cause', 'The endpoint opened sessions without releasing them.', at(52));
    expect(() => submitForReview(pm, 0, at(53))).toThrow(/needs an action item/);
    expect(() => publishPostmortem(pm, 'alice', at(53))).toThrow(/is a draft; only a review in review can be published/);
    pm = addWhy(pm, 'Why 500s?', 'Pool exhausted', at(54));
    pm = addWhy(pm, 'Why exhausted?', 'Sessions not released', at(54));
    pm = removeWhy(pm, 1, at(55));
    expect(pm.whys).toEqual([{ why: 'Why exhausted?', because: 'Sessions not released' }]);
    expect(() => removeWhy(pm, 5, at(55))).toThrow(WarroomError);
    pm = submitForReview(pm, 1, at(56));
    expect(pm.state).toBe('in_review');
    pm = publishPostmortem(pm, 'alice', at(57));
    expect(pm).toMatchObject({ state: 'published', publishedBy: 'alice', publishedAt: at(57) });
    expect(() => setSection(pm, 'summary', 'late edit', at(58))).toThrow(/published/);
  });

  it('clears a section with empty text and names unknown sections', () => {
    let pm = startPostmortem(inc, [], policy, {}, 'alice', at(50));
    pm = setSection(pm, parseSectionKey('what-went-well'), 'Rollback took 2 minutes', at(51));
    expect(pm.sections.what_went_well).toBe('Rollback took 2 minutes');
    pm = setSection(pm, 'what_went_well', '  ', at(52));
    expect(pm.sections.what_went_well).toBeUndefined();
    try {
      parseSectionKey('lessons');
      expect.unreachable();
    } catch (err) {
      expect((err as WarroomError).field).toBe('section');
    }
  });

  it('accepts today as a due date and refuses the past or non-dates, naming the field', () => {
    expect(parseDueDate('2026-01-10', at(0))).toBe('2026-01-10');
    for (const bad of ['2026-01-09', 'next week', '2026-02-30']) {
      try {
        parseDueDate(bad, at(0));
        expect.unreachable();
      } catch (err) {
        expect((err as WarroomError).field).toBe('due');
      }
    }
  });
});

describe('update cadence', () => {
  it('judges each gap with the severity in force when it began', () => {
    nextId = 1;
    const changes = listSeverityChanges([e(12, 'severity_change', 's', { from: 'SEV3', to: 'SEV1' })]);
    // SEV3 cadence is 2 h: the first 40 minutes are fine; after the SEV1 escalation at 12m, 15 min applies.
    const c = computeCadence({ severity: 'SEV1', declaredAt: at(0), resolvedAt: at(60) }, [at(10), at(40)], changes, policy, at(90));
    expect(c.updatesSent).toBe(2);
    expect(c.misses.map((m) => [m.from, m.severity])).toEqual([
      [at(10), 'SEV1'],
      [at(40), 'SEV1'],
    ]);
    expect(c.maxGapMs).toBe(30 * 60_000);
    expect(c.met).toBe(false);
  });
});

describe('blameless check', () => {
  it('flags a person as the cause and blame words, but not systems', () => {
    const w = checkBlameless(
      "Bob forgot to release the connections. The endpoint opened sessions without a context manager. Kafka did not accept writes. It was human error. carol didn't run the migration.",
      'root_cause',
      { people: ['carol'] },
    );
    expect(w.map((x) => x.sentence)).toEqual([
      'Bob forgot to release the connections.',
      'It was human error.',
      "carol didn't run the migration.",
    ]);
    expect(w[0]).toMatchObject({ field: 'root_cause', reason: 'names Bob as the cause' });
    expect(w[0].suggestion).toMatch(/condition/);
    expect(checkBlameless('The deploy pipeline did not run migrations before switching traffic.', 'root_cause')).toEqual([]);
    expect(checkBlameless('The engineer should have checked the dashboard.', 'contributing_factors')).toHaveLength(1);
  });
});

describe('renderers', () => {
  const evil = '<script>alert(1)</script> | pipe';
  const m = buildPostmortemModel({
    incident: incident({ title: evil }),
    timeline: [...timeline(), e(30, 'note', `${evil}\nsecond line`)],
    record: {
      ...startPostmortem(incident(), [], policy, {}, 'alice', at(50)),
      sections: { root_cause: `${evil}\n\nBob forgot to check.` },
      whys: [{ why: evil, because: evil }],
    },
    actionItems: [item({ title: evil })],
    policy,
    now: at(60),
  });

  it('escapes user text in Markdown, keeping tables intact', () => {
    const md = renderMarkdown(m, readFileSync(shippedTemplatePath('full'), 'utf8'));
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script>alert(1)&lt;/script> \\| pipe second line');
    for (const h of [
      '## Summary',
      '## Timeline',
      '## Root cause',
      '### Five Whys',
      '## Contributing factors',
      '## What went well',
      '## What could be improved',
      '## Action items',
    ])
      expect(md).toContain(h);
    expect(md).toContain('> ✍️ **To write:** Other conditions');
    expect(md).toContain('Blameless check');
    // Each timeline row is one table line.
    const rows = md.split('\n').filter((l) => l.startsWith('| 2026-01-10'));
    expect(rows).toHaveLength(m.timeline.length);
  });

  it('escapes user text in HTML and ships no script', () => {
    const html = renderHtml(m);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<link|src=/);
  });
});

describe('standalone report', () => {
  it('names the field for an end before the start and builds the same sections otherwise', () => {
    try {
      buildReportModel(
        { title: 'DB pool', severity: 'SEV2', startTime: '2024-01-15T15:00:00Z', endTime: '2024-01-15T14:30:00Z' },
        policy,
        at(0),
      );
      expect.unreachable();
    } catch (err) {
      expect((err as WarroomError).field).toBe('end_time');
    }
    const m = buildReportModel(
      { title: 'DB pool', severity: 'SEV2', startTime: '2024-01-15T14:30:00Z', endTime: '2024-01-15T15:15:00Z' },
      policy,
      at(0),
    );
    expect(m.source).toBe('report');
    expect(m.incident.id).toBeNull();
    expect(m.durations.ttr.text).toBe('45m 00s');
    expect(m.sections.map((s) => s.key)).toEqual([
      'summary',
      'impact',
      'root_cause',
      'contributing_factors',
      'what_went_well',
      'what_could_be_improved',
    ]);
    expect(m.sections[0].content).toBeNull();
  });
});

describe('insights', () => {
  it('computes counts, mean/median, target ratios, on-time reviews and action items', () => {
    const now = at(10 * 24 * 60);
    const a = incident({ id: 'INC-1', severity: 'SEV1', services: ['api'], acknowledgedAt: at(2), resolvedAt: at(60) });
    const b = incident({ id: 'INC-2', severity: 'SEV1', services: ['api', 'db'], acknowledgedAt: at(10), resolvedAt: at(120) });
    const c = incident({
      id: 'INC-3',
      severity: 'SEV3',
      services: [],
      status: 'investigating',
      acknowledgedAt: null,
      mitigatedAt: null,
      resolvedAt: null,
    });
    const pmA = { ...startPostmortem(a, [], policy, {}, 'x', at(61)), state: 'published' as const, publishedAt: at(62) };
    const s = computeInsights({
      incidents: [a, b, c],
      updates: new Map([['INC-1', [at(10), at(20), at(30), at(40), at(50)]]]),
      severityChanges: new Map(),
      postmortems: new Map([['INC-1', pmA]]),
      actionItems: [item({ id: 1, dueDate: '2026-01-12' }), item({ id: 2, dueDate: '2026-01-30' }), item({ id: 3, status: 'done' })],
      policy,
      since: at(-1000),
      now,
    });
    expect(s.incidents).toEqual({ total: 3, open: 1, bySeverity: { SEV1: 2, SEV2: 0, SEV3: 1, SEV4: 0 }, byService: { api: 2, db: 1 } });
    expect(s.timeToAcknowledge.SEV1).toEqual({ count: 2, meanMs: 6 * 60_000, medianMs: 6 * 60_000 });
    expect(s.timeToResolve.SEV1).toEqual({ count: 2, meanMs: 90 * 60_000, medianMs: 90 * 60_000 });
    // INC-1 acked in 2m (met), INC-2 in 10m (missed 5m), INC-3 never acked and past 1 h (missed).
    expect(s.responseTarget).toEqual({ total: 3, met: 1, percent: 33.3 });
    // Only INC-1 kept the 15-minute cadence.
    expect(s.updateCadence.met).toBe(1);
    // INC-1 published on time; INC-2 due 48 h after resolution and never written.
    expect(s.postmortems).toMatchObject({
      required: 3,
      onTime: { total: 2, met: 1, percent: 50 },
      overdue: 1,
      byState: { none: 2, draft: 0, in_review: 0, published: 1 },
    });
    expect(s.actionItems).toEqual({ open: 2, overdue: 1, done: 1 });
  });
});
