import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  DEFAULT_TEMPLATES,
  postUpdate,
  renderTemplate,
  TEMPLATE_NAMES,
  buildIncidentView,
} from '../../src/core/communication.js';
import { planEscalation, resolveOnCall, teamForIncident, type ContactsMatrix } from '../../src/core/escalation.js';
import { buildIncident } from '../helpers/factories.js';
import { buildSeverityPolicy } from '../../src/core/severity.js';
import { buildSlackPayload, escapeSlack } from '../../src/notify/slack.payload.js';
import { buildPagerDutyEvent } from '../../src/notify/pagerduty.payload.js';
import type { NotifyMessage } from '../../src/notify/message.js';

const policy = buildSeverityPolicy();
const NOW = '2026-03-01T12:00:00.000Z';
const incident = () =>
  buildIncident(
    {},
    {
      input: { title: 'Checkout down', severity: 'SEV1', commander: 'alice', impact: 'Payments fail', services: ['checkout'] },
      by: 'bob',
      at: NOW,
    },
  );

describe('communication templates', () => {
  it('renders the seed IC templates from the incident', () => {
    const view = buildIncidentView(incident(), policy, '2026-03-01T12:42:10.000Z', { nextUpdateDueAt: '2026-03-01T12:15:00.000Z' });
    expect(renderTemplate('ic_initial', view)).toBe(
      'INCIDENT DECLARED: Checkout down\nSeverity: SEV1\nCommander: alice\nStart time: 2026-03-01 12:00 UTC\nImpact: Payments fail\nStatus: Investigating\nNext update: 2026-03-01 12:15 UTC',
    );
    expect(renderTemplate('ic_update', { ...view, findings: 'bad <deploy>', actions: 'rollback' })).toBe(
      'INCIDENT UPDATE: Checkout down\nSeverity: SEV1\nDuration: 42m 10s\nStatus: Investigating\nCurrent findings: bad <deploy>\nActions in progress: rollback\nNext update: 2026-03-01 12:15 UTC',
    );
  });
  it('every default template is valid; unknown fields, partials and syntax errors are refused', () => {
    for (const n of TEMPLATE_NAMES) expect(checkTemplate(n, DEFAULT_TEMPLATES[n])).toBeNull();
    expect(checkTemplate('ic_initial', 'x {{findings}}')).toMatch(/unknown field \{\{findings\}\}/);
    expect(checkTemplate('status_investigating', '{{commander}} is on it')).toMatch(/unknown field \{\{commander\}\}/);
    expect(checkTemplate('ic_update', '{{> other}}')).toMatch(/partials/);
    expect(checkTemplate('ic_update', '{{#title}}')).toMatch(/template syntax/);
  });
  it('a field with no value for the message is an error, never an empty gap', () => {
    const view = buildIncidentView(incident(), policy, NOW, { nextUpdateDueAt: null });
    expect(() => renderTemplate('ic_update', view)).toThrow(/templates\.ic_update: field \{\{findings\}\} has no value/);
    expect(renderTemplate('ic_initial', view, { ic_initial: 'Custom: {{title}} ({{priority}})' })).toBe('Custom: Checkout down (P1)');
  });
  it('postUpdate appends an update entry (and the status change) and refuses resolved incidents', () => {
    const c = postUpdate(
      incident(),
      { status: 'identified', findings: 'f', actions: 'a', publicText: 'p' },
      'alice',
      '2026-03-01T12:10:00.000Z',
    );
    expect(c.entries.map((e) => e.kind)).toEqual(['status_change', 'update']);
    expect(c.entries[1].data).toEqual({ status: 'identified', findings: 'f', actions: 'a', public: 'p', eta: null });
    expect(c.incident.status).toBe('identified');
    const resolved = { ...incident(), status: 'resolved' as const, resolvedAt: NOW };
    expect(() => postUpdate(resolved, { findings: 'f', actions: 'a' }, 'alice', NOW)).toThrow(/resolved/);
    expect(() => postUpdate(incident(), { findings: ' ', actions: 'a' }, 'alice', NOW)).toThrow(/findings: must not be empty/);
  });
});

describe('escalation', () => {
  const contacts: ContactsMatrix = {
    default_team: 'payments',
    teams: {
      payments: {
        rotation: { members: ['alice', 'bob', 'cy'], start: '2026-01-05T09:00:00Z', every: 7 * 86400_000 },
        manager: 'carol',
        escalation: ['dave'],
      },
      search: { oncall: 'sam' },
    },
    people: { alice: { email: 'a@x' } },
  };
  const ch = { pagerduty: true, email: true, slack: true, ticket: true };
  it('resolves the rotation at hand-off boundaries', () => {
    const team = contacts.teams.payments;
    expect(resolveOnCall(team, '2026-01-05T09:00:00Z')).toEqual({ person: 'alice', until: '2026-01-12T09:00:00.000Z' });
    expect(resolveOnCall(team, '2026-01-12T08:59:59Z')!.person).toBe('alice');
    expect(resolveOnCall(team, '2026-01-12T09:00:00Z')!.person).toBe('bob');
    expect(resolveOnCall(team, '2026-01-26T09:00:00Z')!.person).toBe('alice');
    expect(resolveOnCall(team, '2026-01-01T00:00:00Z')!.person).toBe('cy');
  });
  it("applies the seed's rule per severity, then escalates through the chain", () => {
    const at = '2026-01-06T10:00:00Z';
    const p = (sev: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4', level = 0) =>
      planEscalation(policy, sev, contacts, 'payments', at, level, ch).targets.map((t) => `${t.action}:${t.person}`);
    expect(p('SEV1')).toEqual(['page:alice', 'page:carol']);
    expect(p('SEV2')).toEqual(['page:alice', 'notify:carol']);
    expect(p('SEV3')).toEqual(['chat:alice']);
    expect(p('SEV4')).toEqual(['ticket:payments']);
    expect(p('SEV1', 1)).toEqual(['page:dave']);
    expect(p('SEV1', 2)).toEqual(['page:dave']);
    expect(p('SEV2', 1)).toEqual(['page:carol']);
    expect(p('SEV3', 1)).toEqual(['page:alice']);
    expect(p('SEV3', 2)).toEqual(['page:carol']);
    expect(planEscalation(policy, 'SEV1', contacts, 'payments', at, 0, ch).targets[0].via).toEqual(['pagerduty', 'email', 'slack']);
    expect(planEscalation(policy, 'SEV1', contacts, 'search', at, 0, ch).problem).toBe('team search has no manager');
    expect(planEscalation(policy, 'SEV1', undefined, null, at, 0, ch).problem).toMatch(/no contacts configured/);
  });
  it('finds the owning team from services, else the default', () => {
    expect(teamForIncident(contacts, ['search-api'], { 'search-api': 'search' })).toBe('search');
    expect(teamForIncident(contacts, ['other'], {})).toBe('payments');
  });
});

describe('payload builders', () => {
  const m: NotifyMessage = {
    kind: 'declared',
    title: 'x'.repeat(200),
    text: 'a <b> & c',
    severity: 'SEV2',
    incidentId: 'INC-1',
    url: 'https://w/incidents/INC-1',
    facts: [['Paged', 'alice']],
    mentions: ['U1'],
    at: NOW,
  };
  it('Slack: escaped mrkdwn, header within 150 characters, channel only for chat.postMessage', () => {
    expect(escapeSlack('<@here> & co')).toBe('&lt;@here&gt; &amp; co');
    const p = buildSlackPayload(m);
    expect('channel' in p).toBe(false);
    expect((p.blocks[0].text as { text: string }).text).toHaveLength(150);
    expect((p.blocks[1].text as { text: string }).text).toBe('<@U1>\na &lt;b&gt; &amp; c');
    expect(buildSlackPayload(m, '#incidents').channel).toBe('#incidents');
  });
  it('PagerDuty: trigger has payload and dedup_key; acknowledge/resolve carry only the key', () => {
    const t = buildPagerDutyEvent(m, 'trigger');
    expect(t).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'INC-1',
      payload: { severity: 'error', source: 'warroom' },
      client_url: 'https://w/incidents/INC-1',
    });
    expect(buildPagerDutyEvent(m, 'resolve')).toEqual({ event_action: 'resolve', dedup_key: 'INC-1' });
  });
});
