import type { Incident, Status } from '../api/types.js';
import { formatDuration } from './time.js';

/** What the IC fills in; the rest comes from the incident record. */
export interface UpdateDraft {
  status: Status;
  findings: string;
  actions: string;
  /** Minutes until the next update (defaults to the severity's cadence). */
  nextInMinutes: number;
  /** Public wording: the issue as users see it (investigating), the cause (identified/resolved), the impact. */
  issue: string;
  impact: string;
  cause: string;
  eta: string;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const or = (v: string, placeholder: string) => (v.trim() ? v.trim() : placeholder);
const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The seed's "IC communication template (update)", filled from the incident and the draft. */
export function renderInternalUpdate(inc: Pick<Incident, 'title' | 'severity' | 'declaredAt'>, d: UpdateDraft, nowMs: number): string {
  return [
    `INCIDENT UPDATE: ${inc.title}`,
    `Severity: ${inc.severity}`,
    `Duration: ${formatDuration(nowMs - Date.parse(inc.declaredAt))}`,
    `Status: ${capital(d.status)}`,
    `Current findings: ${or(d.findings, '[What we know]')}`,
    `Actions in progress: ${or(d.actions, '[What we are doing]')}`,
    `Next update: ${d.status === 'resolved' ? 'none (resolved)' : utcMinute(nowMs + d.nextInMinutes * 60_000)}`,
  ].join('\n');
}

/** The seed's status page templates: Investigating, Identified (also while mitigating), Resolved. */
export function renderPublicUpdate(inc: Pick<Incident, 'services'>, d: UpdateDraft): string {
  const within = d.nextInMinutes >= 60 && d.nextInMinutes % 60 === 0 ? `${d.nextInMinutes / 60} hour${d.nextInMinutes === 60 ? '' : 's'}` : `${d.nextInMinutes} minutes`;
  switch (d.status) {
    case 'investigating':
      return `[Investigating] We are investigating reports of ${or(d.issue, '[issue description]')}.\nUsers may experience ${or(d.impact, '[user-visible impact]')}.\nWe will provide an update within ${within}.`;
    case 'identified':
    case 'mitigating':
      return `[Identified] The issue has been identified as ${or(d.cause, '[brief description]')}.\nWe are working on a fix. Estimated resolution: ${or(d.eta, '[time estimate]')}.`;
    case 'resolved':
      return `[Resolved] The issue affecting ${inc.services.length ? inc.services.join(', ') : or(d.issue, '[service]')} has been resolved.\nThe root cause was ${or(d.cause, '[brief description]')}.\nWe apologize for the disruption and will publish a detailed post-mortem.`;
  }
}

/** Placeholders left in a text ("[What we know]"): the composer refuses to post them. */
export function unfilledPlaceholders(text: string): string[] {
  return [...text.matchAll(/\[(?:What we know|What we are doing|issue description|user-visible impact|brief description|time estimate|service)\]/g)].map((m) => m[0]);
}
