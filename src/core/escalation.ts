import type { EscalationStep, Severity, SeverityPolicy } from './severity.js';

/**
 * Who to page for a severity, and who next when nobody acknowledges within the response time.
 * Pure: the contacts matrix comes in as plain data (warroom.yaml `contacts:`), the time as ISO.
 */

export interface PersonContact {
  email?: string;
  slack?: string;
  pagerduty_routing_key?: string;
  phone?: string;
}

export interface TeamContacts {
  oncall?: string;
  rotation?: { members: string[]; start: string; every?: number };
  manager?: string;
  escalation?: string[];
  channel?: string;
  pagerduty_routing_key?: string;
}

export interface ContactsMatrix {
  default_team?: string;
  teams: Record<string, TeamContacts>;
  people?: Record<string, PersonContact>;
}

const WEEK = 7 * 24 * 3600_000;

export interface OnCall {
  person: string;
  /** When the current shift hands off (null for a fixed on-call). */
  until: string | null;
}

/** The on-call person now: a fixed name, or the rotation member whose shift contains now. */
export function resolveOnCall(team: TeamContacts, nowIso: string): OnCall | null {
  if (team.rotation && team.rotation.members.length) {
    const { members, start } = team.rotation;
    const every = team.rotation.every && team.rotation.every > 0 ? team.rotation.every : WEEK;
    const elapsed = Date.parse(nowIso) - Date.parse(start);
    const shift = Math.floor(elapsed / every);
    const idx = ((shift % members.length) + members.length) % members.length;
    return { person: members[idx], until: new Date(Date.parse(start) + (shift + 1) * every).toISOString() };
  }
  return team.oncall ? { person: team.oncall, until: null } : null;
}

/** The owning team: the first affected service with a team, else contacts.default_team, else the only team. */
export function teamForIncident(
  contacts: ContactsMatrix,
  services: string[],
  serviceTeams: Record<string, string | undefined>,
): string | null {
  for (const s of services) {
    const t = serviceTeams[s];
    if (t && contacts.teams[t]) return t;
  }
  if (contacts.default_team && contacts.teams[contacts.default_team]) return contacts.default_team;
  const names = Object.keys(contacts.teams);
  return names.length === 1 ? names[0] : null;
}

export type ContactAction = 'page' | 'notify' | 'chat' | 'ticket';

export interface EscalationTarget {
  /** The person, or the team name for a ticket. */
  person: string;
  role: 'oncall' | 'manager' | 'escalation' | 'team';
  action: ContactAction;
  /** How they are reached, e.g. ["pagerduty", "email", "slack"]. */
  via: string[];
  /** The escalation step of the seed this target comes from (level 0), or "escalate". */
  step: EscalationStep | 'escalate';
}

export interface EscalationPlan {
  severity: Severity;
  team: string | null;
  level: number;
  targets: EscalationTarget[];
  /** Present when no one could be found (no contacts configured, no on-call). */
  problem: string | null;
  oncallUntil: string | null;
}

/** Channel capabilities known from config, so a plan can say how a person will be reached. */
export interface ReachOptions {
  pagerduty: boolean;
  email: boolean;
  slack: boolean;
  ticket: boolean;
}

function reach(
  contacts: ContactsMatrix,
  team: TeamContacts | undefined,
  person: string,
  action: ContactAction,
  ch: ReachOptions,
): string[] {
  const p = contacts.people?.[person];
  const via: string[] = [];
  if (action === 'ticket') return ch.ticket ? ['ticket'] : [];
  if (action === 'page' && ch.pagerduty && (p?.pagerduty_routing_key || team?.pagerduty_routing_key || ch.pagerduty)) via.push('pagerduty');
  if ((action === 'page' || action === 'notify') && ch.email && p?.email) via.push('email');
  if (ch.slack) via.push('slack');
  return via;
}

/**
 * Level 0 is the seed's rule for the severity. Each further level (an unacknowledged
 * response-time window) pages the next person in the chain on-call → manager → escalation[],
 * skipping people already paged; past the end it pages the last person again.
 */
export function planEscalation(
  policy: SeverityPolicy,
  severity: Severity,
  contacts: ContactsMatrix | undefined,
  teamName: string | null,
  nowIso: string,
  level: number,
  ch: ReachOptions,
): EscalationPlan {
  const base: EscalationPlan = { severity, team: teamName, level, targets: [], problem: null, oncallUntil: null };
  if (!contacts || !teamName || !contacts.teams[teamName]) {
    return {
      ...base,
      problem: contacts
        ? `no team owns this incident (set contacts.default_team or services.<name>.team)`
        : 'no contacts configured (contacts: in warroom.yaml)',
    };
  }
  const team = contacts.teams[teamName];
  const oncall = resolveOnCall(team, nowIso);
  base.oncallUntil = oncall?.until ?? null;
  const make = (
    person: string | undefined,
    role: EscalationTarget['role'],
    action: ContactAction,
    step: EscalationTarget['step'],
  ): EscalationTarget | null => (person ? { person, role, action, via: reach(contacts, team, person, action, ch), step } : null);
  const levelZero: EscalationTarget[] = [];
  const missing: string[] = [];
  for (const step of policy[severity].escalationSteps) {
    let t: EscalationTarget | null = null;
    if (step === 'page_oncall') t = make(oncall?.person, 'oncall', 'page', step);
    else if (step === 'page_manager') t = make(team.manager, 'manager', 'page', step);
    else if (step === 'notify_manager') t = make(team.manager, 'manager', 'notify', step);
    else if (step === 'notify_oncall_chat') t = make(oncall?.person, 'oncall', 'chat', step);
    else if (step === 'create_ticket')
      t = { person: teamName, role: 'team', action: 'ticket', via: reach(contacts, team, teamName, 'ticket', ch), step };
    if (t) levelZero.push(t);
    else missing.push(step.includes('manager') ? 'manager' : 'on-call');
  }
  if (level <= 0)
    return {
      ...base,
      targets: levelZero,
      problem: missing.length ? `team ${teamName} has no ${[...new Set(missing)].join(' or ')}` : null,
    };
  const paged = new Set(levelZero.filter((t) => t.action === 'page').map((t) => t.person));
  const chain: { person: string; role: EscalationTarget['role'] }[] = [];
  if (oncall) chain.push({ person: oncall.person, role: 'oncall' });
  if (team.manager) chain.push({ person: team.manager, role: 'manager' });
  for (const e of team.escalation ?? []) chain.push({ person: e, role: 'escalation' });
  if (!chain.length) return { ...base, problem: `team ${teamName} has nobody to escalate to` };
  const remaining = chain.filter((c) => !paged.has(c.person));
  const next = remaining[level - 1] ?? chain[chain.length - 1];
  return { ...base, targets: [make(next.person, next.role, 'page', 'escalate')!] };
}
