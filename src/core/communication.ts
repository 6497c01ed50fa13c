import Mustache from 'mustache';
import { validation } from './errors.js';
import { checkText, type Change, type Incident, type NewTimelineEntry, type Status } from './incident.js';
import type { SeverityPolicy } from './severity.js';
import { formatDuration } from './time.js';

/**
 * The seed's communication templates as data, and strict rendering. Teams replace any template
 * in warroom.yaml (`templates:`); Mustache keeps them logic-less. "Strict" means a template may
 * only name fields this module provides: a typo is a config error at load time, never a message
 * that silently says nothing.
 */

export const TEMPLATE_NAMES = [
  'ic_initial',
  'ic_update',
  'ic_resolved',
  'status_investigating',
  'status_identified',
  'status_monitoring',
  'status_resolved',
  'reminder_due',
  'reminder_overdue',
  'escalation',
  'page',
  'ticket',
  'alerts_resolved',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** Fields every internal template may use. */
const INTERNAL_FIELDS = [
  'id',
  'title',
  'severity',
  'priority',
  'commander',
  'comms_lead',
  'start_time',
  'duration',
  'status',
  'impact',
  'services',
  'next_update',
  'cadence',
  'url',
  'organization',
] as const;
/** Fields of the public status-page templates: nothing internal, no names. */
const PUBLIC_FIELDS = ['description', 'impact', 'components', 'next_update_in', 'eta', 'organization'] as const;

const FIELDS: Record<TemplateName, readonly string[]> = {
  ic_initial: INTERNAL_FIELDS,
  ic_update: [...INTERNAL_FIELDS, 'findings', 'actions'],
  ic_resolved: [...INTERNAL_FIELDS, 'summary'],
  status_investigating: PUBLIC_FIELDS,
  status_identified: PUBLIC_FIELDS,
  status_monitoring: PUBLIC_FIELDS,
  status_resolved: PUBLIC_FIELDS,
  reminder_due: [...INTERNAL_FIELDS, 'last_update', 'overdue_by', 'reminder_count'],
  reminder_overdue: [...INTERNAL_FIELDS, 'last_update', 'overdue_by', 'reminder_count'],
  escalation: [...INTERNAL_FIELDS, 'level', 'targets', 'response_time'],
  page: [...INTERNAL_FIELDS, 'targets'],
  ticket: INTERNAL_FIELDS,
  alerts_resolved: [...INTERNAL_FIELDS, 'alerts'],
};

/** The seed's texts, verbatim where the seed has them. */
export const DEFAULT_TEMPLATES: Record<TemplateName, string> = {
  ic_initial: [
    'INCIDENT DECLARED: {{title}}',
    'Severity: {{severity}}',
    'Commander: {{commander}}',
    'Start time: {{start_time}}',
    'Impact: {{impact}}',
    'Status: {{status}}',
    'Next update: {{next_update}}',
  ].join('\n'),
  ic_update: [
    'INCIDENT UPDATE: {{title}}',
    'Severity: {{severity}}',
    'Duration: {{duration}}',
    'Status: {{status}}',
    'Current findings: {{findings}}',
    'Actions in progress: {{actions}}',
    'Next update: {{next_update}}',
  ].join('\n'),
  ic_resolved: [
    'INCIDENT RESOLVED: {{title}}',
    'Severity: {{severity}}',
    'Duration: {{duration}}',
    'Status: Resolved',
    'Summary: {{summary}}',
  ].join('\n'),
  status_investigating:
    'We are investigating reports of {{description}}.\nUsers may experience {{impact}}.\nWe will provide an update within {{next_update_in}}.',
  status_identified: 'The issue has been identified as {{description}}.\nWe are working on a fix. Estimated resolution: {{eta}}.',
  status_monitoring:
    'A fix has been implemented for {{description}} and we are monitoring the results.\nWe will provide an update within {{next_update_in}}.',
  status_resolved:
    'The issue affecting {{components}} has been resolved.\nThe root cause was {{description}}.\nWe apologize for the disruption and will publish a detailed post-mortem.',
  reminder_due:
    'UPDATE DUE: {{id}} {{title}} ({{severity}})\n{{commander}}: an update is due now ({{next_update}}, every {{cadence}}). Post one with: warroom update {{id}} --findings "…" --actions "…"\nLast update: {{last_update}}',
  reminder_overdue:
    'UPDATE OVERDUE by {{overdue_by}}: {{id}} {{title}} ({{severity}})\n{{commander}} (commander) and {{comms_lead}} (communications lead): stakeholders have had no update since {{last_update}}. Reminder {{reminder_count}}.',
  escalation:
    'ESCALATION level {{level}}: {{id}} {{title}} ({{severity}}) was not acknowledged within {{response_time}}. Paging {{targets}}. Acknowledge with: warroom ack {{id}}',
  page: '{{severity}} {{id}}: {{title}} — {{impact}}',
  ticket: '{{id}}: {{title}} ({{severity}})\nImpact: {{impact}}\nServices: {{services}}\nAddress during normal working hours.',
  alerts_resolved:
    'All alerts attached to {{id}} {{title}} have resolved ({{alerts}}). {{commander}}: confirm recovery and resolve with: warroom resolve {{id}}',
};

type Token = [string, string, number, number, Token[]?, ...unknown[]];

function collectNames(tokens: Token[], out: Set<string>, bad: string[]): void {
  for (const t of tokens) {
    const [type, value] = t;
    if (type === 'name' || type === '&' || type === '{' || type === '#' || type === '^') out.add(value.split('.')[0]);
    if (type === '>') bad.push(`partials ({{> ${value}}}) are not supported`);
    if ((type === '#' || type === '^') && Array.isArray(t[4])) collectNames(t[4] as Token[], out, bad);
  }
}

/** Returns a problem with the template (syntax or unknown field), or null when it is usable. */
export function checkTemplate(name: TemplateName, template: string): string | null {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (e) {
    return `template syntax: ${(e as Error).message}`;
  }
  const names = new Set<string>();
  const bad: string[] = [];
  collectNames(tokens, names, bad);
  if (bad.length) return bad[0];
  const allowed = FIELDS[name];
  const unknown = [...names].filter((n) => !allowed.includes(n));
  if (unknown.length)
    return `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{{${u}}}`).join(', ')} (available: ${allowed.join(', ')})`;
  return null;
}

export type TemplateView = Record<string, string | number>;

/**
 * Renders a template as plain text (no HTML escaping: channels escape for their own format).
 * Every field the template names must be present in the view.
 */
export function renderTemplate(name: TemplateName, view: TemplateView, overrides: Partial<Record<TemplateName, string>> = {}): string {
  const template = overrides[name] ?? DEFAULT_TEMPLATES[name];
  const problem = checkTemplate(name, template);
  if (problem) throw validation(`templates.${name}: ${problem}`, `templates.${name}`);
  const names = new Set<string>();
  collectNames(Mustache.parse(template) as unknown as Token[], names, []);
  for (const n of names) {
    if (view[n] === undefined || view[n] === null)
      throw validation(`templates.${name}: field {{${n}}} has no value for this message`, `templates.${name}`);
  }
  return Mustache.render(template, view, {}, { escape: (s: string) => s }).trim();
}

/** "2026-03-01 14:30 UTC": the seed asks for UTC timestamps in messages. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const STATUS_LABEL: Record<Status, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  mitigating: 'Mitigating',
  resolved: 'Resolved',
};
export const statusLabel = (s: Status) => STATUS_LABEL[s];

/** The fields of every internal template, computed from the incident and the clock. */
export function buildIncidentView(
  inc: Incident,
  policy: SeverityPolicy,
  now: string,
  opts: { nextUpdateDueAt: string | null; url?: string | null; organization?: string | null },
): TemplateView {
  const level = policy[inc.severity];
  const end = inc.resolvedAt ? Date.parse(inc.resolvedAt) : Date.parse(now);
  return {
    id: inc.id,
    title: inc.title,
    severity: inc.severity,
    priority: level.priority,
    commander: inc.roles.commander ?? 'unassigned',
    comms_lead: inc.roles.comms_lead ?? inc.roles.commander ?? 'unassigned',
    start_time: formatUtc(inc.declaredAt),
    duration: formatDuration(end - Date.parse(inc.declaredAt)),
    status: statusLabel(inc.status),
    impact: inc.impact ?? 'not yet assessed',
    services: inc.services.length ? inc.services.join(', ') : 'none named',
    next_update: opts.nextUpdateDueAt ? formatUtc(opts.nextUpdateDueAt) : 'none (resolved)',
    cadence: formatDuration(level.updateCadenceMs),
    url: opts.url ?? '',
    organization: opts.organization ?? '',
  };
}

export const PUBLIC_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type PublicState = (typeof PUBLIC_STATES)[number];

/** Status page wording for an incident status (mitigating reads "monitoring" to the public). */
export function publicStateFor(s: Status): PublicState {
  return s === 'mitigating' ? 'monitoring' : s;
}

/** Renders the public text from public facts only. The caller must never pass internal text. */
export function renderPublicText(
  state: PublicState,
  view: { description: string; impact: string; components: string; next_update_in: string; eta: string; organization: string },
  overrides: Partial<Record<TemplateName, string>> = {},
): string {
  return renderTemplate(`status_${state}` as TemplateName, view, overrides);
}

export interface UpdateInput {
  status?: Status | null;
  findings: string;
  actions: string;
  /** Public text (the status page's description); null means no explicit public text. */
  publicText?: string | null;
  eta?: string | null;
}

/**
 * Posting an update: an 'update' timeline entry (which resets the cadence clock, see
 * deriveFacts) and, when the status moves, the status change with it, in one decision.
 */
export function postUpdate(inc: Incident, input: UpdateInput, actor: string, now: string): Change {
  const findings = checkText(input.findings, 'findings');
  const actions = checkText(input.actions, 'actions');
  const publicText = input.publicText ? checkText(input.publicText, 'public', 2000) : null;
  const eta = input.eta ? checkText(input.eta, 'eta', 200) : null;
  if (inc.status === 'resolved' && input.status !== 'resolved' && input.status) {
    throw validation(`${inc.id} is resolved; reopen it before posting a ${input.status} update`, 'status');
  }
  const entries: NewTimelineEntry[] = [];
  const next: Incident = { ...inc, updatedAt: now };
  const to = input.status ?? inc.status;
  if (to !== inc.status) {
    if (inc.status === 'resolved') throw validation(`${inc.id} is resolved; run "warroom reopen ${inc.id}" first`, 'status');
    next.status = to;
    if ((to === 'mitigating' || to === 'resolved') && !inc.mitigatedAt) next.mitigatedAt = now;
    if (to === 'resolved') next.resolvedAt = now;
    entries.push({
      at: now,
      author: actor,
      kind: 'status_change',
      text: `Status ${inc.status} → ${to} (with update)`,
      corrects: null,
      data: { from: inc.status, to },
    });
  } else if (inc.status === 'resolved') {
    throw validation(`${inc.id} is resolved; there is nothing to update (reopen it first)`, 'status');
  }
  entries.push({
    at: now,
    author: actor,
    kind: 'update',
    text: `Update (${STATUS_LABEL[to]}): findings: ${findings} — actions: ${actions}`,
    corrects: null,
    data: { status: to, findings, actions, public: publicText, eta },
  });
  return { incident: next, entries };
}
