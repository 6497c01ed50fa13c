import { invalidTransition, validation, conflict } from './errors.js';
import type { Severity, SeverityPolicy } from './severity.js';

export const STATUSES = ['investigating', 'identified', 'mitigating', 'resolved'] as const;
export type Status = (typeof STATUSES)[number];

export const TIMELINE_KINDS = [
  'detection',
  'finding',
  'action',
  'decision',
  'status_change',
  'severity_change',
  'role_change',
  'update',
  'note',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Kinds a person may write directly with `warroom note`; the others come from verbs. */
export const NOTE_KINDS = ['note', 'finding', 'action', 'decision', 'detection'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const ROLES = ['commander', 'comms_lead', 'scribe', 'responder'] as const;
export type IncidentRole = (typeof ROLES)[number];

export interface IncidentRoles {
  /** Exactly one at a time once assigned. The seed: the IC coordinates and does not investigate. */
  commander: string | null;
  comms_lead: string | null;
  scribe: string | null;
  responders: string[];
}

export interface Incident {
  /** Human-friendly, sequential: INC-42. */
  id: string;
  seq: number;
  title: string;
  severity: Severity;
  status: Status;
  impact: string | null;
  summary: string | null;
  services: string[];
  roles: IncidentRoles;
  createdBy: string;
  /** ISO 8601 UTC with ms. */
  declaredAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  updatedAt: string;
}

export interface TimelineEntry {
  id: number;
  incidentId: string;
  /** ISO 8601 UTC with ms. */
  at: string;
  author: string;
  kind: TimelineKind;
  text: string;
  /** A correction references the entry it corrects; the original stays. */
  corrects: number | null;
  data: Record<string, unknown> | null;
}

export type NewTimelineEntry = Omit<TimelineEntry, 'id' | 'incidentId'>;

/** The result of a domain decision: the incident's next state and what to append. */
export interface Change {
  incident: Incident;
  entries: NewTimelineEntry[];
}

export const TITLE_MAX = 200;
export const TEXT_MAX = 10_000;

export function isStatus(s: string): s is Status {
  return (STATUSES as readonly string[]).includes(s);
}

export function parseStatus(input: string, field = 'status'): Status {
  const s = String(input).trim().toLowerCase();
  if (isStatus(s)) return s;
  throw validation(`${field}: unknown status "${input}" (expected one of ${STATUSES.join(', ')})`, field);
}

export function parseRole(input: string, field = 'role'): IncidentRole {
  const s = String(input).trim().toLowerCase().replace(/[- ]/g, '_');
  const alias: Record<string, IncidentRole> = {
    ic: 'commander',
    incident_commander: 'commander',
    comms: 'comms_lead',
    communications_lead: 'comms_lead',
    communications: 'comms_lead',
  };
  const r = alias[s] ?? s;
  if ((ROLES as readonly string[]).includes(r)) return r as IncidentRole;
  throw validation(`${field}: unknown role "${input}" (expected one of ${ROLES.join(', ')})`, field);
}

/** Validates free text the way every interface must: non-empty, bounded, no control characters. */
export function checkText(value: string, field: string, max = TEXT_MAX): string {
  const t = value.trim();
  if (t.length === 0) throw validation(`${field}: must not be empty`, field);
  if (t.length > max) throw validation(`${field}: too long (${t.length} characters, at most ${max})`, field);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/.test(t)) {
    throw validation(`${field}: contains control characters or invalid UTF-8`, field);
  }
  return t;
}

export function checkPerson(value: string, field: string): string {
  const t = checkText(value, field, 100);
  if (/[\n\r]/.test(t)) throw validation(`${field}: a name is one line`, field);
  return t;
}

const entry = (
  at: string,
  author: string,
  kind: TimelineKind,
  text: string,
  data: Record<string, unknown> | null = null,
): NewTimelineEntry => ({ at, author, kind, text, corrects: null, data });

export interface DeclareInput {
  title: string;
  severity: Severity;
  impact?: string | null;
  commander?: string | null;
  services?: string[];
}

/** Builds a new incident (without id/seq, which the store allocates) and its first entries. */
export function declareIncident(
  input: DeclareInput,
  actor: string,
  now: string,
): { incident: Omit<Incident, 'id' | 'seq'>; entries: NewTimelineEntry[] } {
  const title = checkText(input.title, 'title', TITLE_MAX);
  if (/[\n\r]/.test(title)) throw validation('title: must be a single line', 'title');
  const impact = input.impact ? checkText(input.impact, 'impact') : null;
  const commander = input.commander ? checkPerson(input.commander, 'commander') : null;
  const services = [...new Set((input.services ?? []).map((s, i) => checkPerson(s, `services[${i}]`)))];
  const incident: Omit<Incident, 'id' | 'seq'> = {
    title,
    severity: input.severity,
    status: 'investigating',
    impact,
    summary: null,
    services,
    roles: { commander, comms_lead: null, scribe: null, responders: [] },
    createdBy: actor,
    declaredAt: now,
    // Naming a commander at declaration acknowledges the incident: someone owns it.
    acknowledgedAt: commander ? now : null,
    mitigatedAt: null,
    resolvedAt: null,
    updatedAt: now,
  };
  const entries = [
    entry(now, actor, 'detection', `Incident declared: ${title} (${input.severity})${impact ? ` — impact: ${impact}` : ''}`, {
      severity: input.severity,
      impact,
      services,
    }),
  ];
  if (commander)
    entries.push(entry(now, actor, 'role_change', `${commander} is incident commander`, { role: 'commander', to: commander, from: null }));
  return { incident, entries };
}

/** Forward moves (skipping allowed). Going back from resolved needs reopen(). Going back among open states is allowed: investigations get it wrong. */
export function changeStatus(inc: Incident, to: Status, actor: string, now: string, note?: string | null): Change {
  if (inc.status === to) throw invalidTransition(`${inc.id} is already ${to}`, { from: inc.status, to });
  if (inc.status === 'resolved') {
    throw invalidTransition(`${inc.id} is resolved; run "warroom reopen ${inc.id}" before moving it to ${to}`, { from: inc.status, to });
  }
  const text = `Status ${inc.status} → ${to}${note ? `: ${checkText(note, 'note')}` : ''}`;
  const next: Incident = { ...inc, status: to, updatedAt: now };
  if ((to === 'mitigating' || to === 'resolved') && !inc.mitigatedAt) next.mitigatedAt = now;
  if (to === 'resolved') next.resolvedAt = now;
  return { incident: next, entries: [entry(now, actor, 'status_change', text, { from: inc.status, to })] };
}

export function resolveIncident(inc: Incident, actor: string, now: string, summary?: string | null): Change {
  const s = summary ? checkText(summary, 'summary') : null;
  const change = changeStatus(inc, 'resolved', actor, now, s);
  if (s) change.incident.summary = s;
  return change;
}

export function reopenIncident(inc: Incident, actor: string, now: string, reason?: string | null): Change {
  if (inc.status !== 'resolved')
    throw invalidTransition(`${inc.id} is not resolved (it is ${inc.status}); only a resolved incident can be reopened`, {
      from: inc.status,
      to: 'investigating',
    });
  const r = reason ? checkText(reason, 'reason') : null;
  return {
    incident: { ...inc, status: 'investigating', resolvedAt: null, updatedAt: now },
    entries: [
      entry(now, actor, 'status_change', `Reopened: resolved → investigating${r ? `: ${r}` : ''}`, {
        from: 'resolved',
        to: 'investigating',
        reopen: true,
      }),
    ],
  };
}

export function changeSeverity(inc: Incident, to: Severity, actor: string, now: string, reason: string): Change {
  const r = checkText(reason, 'reason');
  if (inc.severity === to) throw conflict(`${inc.id} is already ${to}`);
  if (inc.status === 'resolved')
    throw invalidTransition(`${inc.id} is resolved; reopen it before changing its severity`, { from: inc.status });
  return {
    incident: { ...inc, severity: to, updatedAt: now },
    entries: [entry(now, actor, 'severity_change', `Severity ${inc.severity} → ${to}: ${r}`, { from: inc.severity, to, reason: r })],
  };
}

export function assignRole(inc: Incident, role: IncidentRole, person: string, actor: string, now: string): Change {
  const who = checkPerson(person, 'to');
  const roles: IncidentRoles = { ...inc.roles, responders: [...inc.roles.responders] };
  let text: string;
  let from: string | null = null;
  if (role === 'responder') {
    if (roles.responders.includes(who)) throw conflict(`${who} is already a responder on ${inc.id}`);
    roles.responders.push(who);
    text = `${who} joined as responder`;
  } else {
    from = roles[role];
    if (from === who) throw conflict(`${who} is already ${role} of ${inc.id}`);
    roles[role] = who;
    const label = role === 'commander' ? 'incident commander' : role === 'comms_lead' ? 'communications lead' : 'scribe';
    text = from ? `${label} handed over: ${from} → ${who}` : `${who} is ${label}`;
  }
  const next: Incident = { ...inc, roles, updatedAt: now };
  if (role === 'commander' && !inc.acknowledgedAt) next.acknowledgedAt = now;
  return { incident: next, entries: [entry(now, actor, 'role_change', text, { role, from, to: who })] };
}

/** An explicit acknowledgement (warroom ack): the actor takes command if nobody has it. */
export function acknowledge(inc: Incident, actor: string, now: string): Change {
  if (inc.acknowledgedAt) throw conflict(`${inc.id} was already acknowledged at ${inc.acknowledgedAt}`);
  if (!inc.roles.commander) {
    const c = assignRole(inc, 'commander', actor, actor, now);
    c.entries[0].text += ' (acknowledged)';
    return c;
  }
  return {
    incident: { ...inc, acknowledgedAt: now, updatedAt: now },
    entries: [entry(now, actor, 'role_change', `Acknowledged by ${actor}`, { ack: true })],
  };
}

export interface DerivedFacts {
  /** Milliseconds since declaration (until resolution once resolved). */
  durationMs: number;
  /** When the last update was posted, if any. */
  lastUpdateAt: string | null;
  /** Next update due from the severity's cadence; null once resolved. */
  nextUpdateDueAt: string | null;
  overdue: boolean;
  /** Response-time target: declared → acknowledged by an IC. null while pending and within target. */
  responseTargetMet: boolean | null;
  timeToAcknowledgeMs: number | null;
  timeToResolveMs: number | null;
}

/** Facts computed from the record and the clock, never stored. */
export function deriveFacts(inc: Incident, policy: SeverityPolicy, nowIso: string, lastUpdateAt: string | null): DerivedFacts {
  const now = Date.parse(nowIso);
  const declared = Date.parse(inc.declaredAt);
  const end = inc.resolvedAt ? Date.parse(inc.resolvedAt) : now;
  const level = policy[inc.severity];
  const base = lastUpdateAt ? Date.parse(lastUpdateAt) : declared;
  const nextDue = inc.status === 'resolved' ? null : new Date(base + level.updateCadenceMs).toISOString();
  const ack = inc.acknowledgedAt ? Date.parse(inc.acknowledgedAt) : null;
  let met: boolean | null;
  if (ack !== null) met = ack - declared <= level.responseTimeMs;
  else met = now - declared > level.responseTimeMs ? false : null;
  return {
    durationMs: end - declared,
    lastUpdateAt,
    nextUpdateDueAt: nextDue,
    overdue: nextDue !== null && Date.parse(nextDue) < now,
    responseTargetMet: met,
    timeToAcknowledgeMs: ack !== null ? ack - declared : null,
    timeToResolveMs: inc.resolvedAt ? Date.parse(inc.resolvedAt) - declared : null,
  };
}

/** Formats the incident id from its sequence number. */
export const formatIncidentId = (seq: number) => `INC-${seq}`;

export function parseIncidentId(input: string, field = 'id'): string {
  const m = /^(?:inc-?)?(\d{1,9})$/i.exec(String(input).trim());
  if (!m) throw validation(`${field}: "${input}" is not an incident id (expected INC-<number>, e.g. INC-42)`, field);
  return formatIncidentId(Number(m[1]));
}
