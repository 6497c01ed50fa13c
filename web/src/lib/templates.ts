import type { Incident, Status } from '../api/types.js';
import { formatDuration } from './time.js';

/** What the IC fills in; the rest comes from the incident record. Mirrors POST /api/v1/incidents/:id/updates. */
export interface UpdateDraft {
  status: Status;
  findings: string;
  actions: string;
  /** Public description: the issue as users see it (investigating), the cause (identified, mitigating, resolved). */
  description: string;
  /** Public estimated resolution (identified). */
  eta: string;
}

export const STATUS_LABEL: Record<Status, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  mitigating: 'Mitigating',
  resolved: 'Resolved',
};
const or = (v: string, placeholder: string) => (v.trim() ? v.trim() : placeholder);
const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The seed's "IC communication template (update)", filled from the incident and the draft. */
export function renderInternalUpdate(
  inc: Pick<Incident, 'title' | 'severity' | 'declaredAt'>,
  d: UpdateDraft,
  nowMs: number,
  cadenceMinutes: number,
): string {
  return [
    `INCIDENT UPDATE: ${inc.title}`,
    `Severity: ${inc.severity}`,
    `Duration: ${formatDuration(nowMs - Date.parse(inc.declaredAt))}`,
    `Status: ${STATUS_LABEL[d.status]}`,
    `Current findings: ${or(d.findings, '[What we know]')}`,
    `Actions in progress: ${or(d.actions, '[What we are doing]')}`,
    `Next update: ${d.status === 'resolved' ? 'none (resolved)' : utcMinute(nowMs + cadenceMinutes * 60_000)}`,
  ].join('\n');
}

/** The timeline entry the server records for the update (src/core/communication.ts). */
export function renderTimelineEntry(d: UpdateDraft): string {
  return `Update (${STATUS_LABEL[d.status]}): findings: ${or(d.findings, '…')} — actions: ${or(d.actions, '…')}`;
}

export function publicStateOf(s: Status): string {
  return s === 'mitigating' ? 'monitoring' : s;
}

/**
 * The seed's status page templates (Investigating / Identified / Resolved, plus Monitoring while
 * mitigating) as warroom's defaults render them. The server's dry run replaces this preview
 * with its own rendering, which also honours templates customised in warroom.yaml.
 */
export function renderPublicUpdate(inc: Pick<Incident, 'services'>, d: UpdateDraft, cadenceMinutes: number): string {
  const description = or(d.description, inc.services.length ? `a problem affecting ${inc.services.join(', ')}` : 'a service disruption');
  const within = formatDuration(cadenceMinutes * 60_000);
  switch (d.status) {
    case 'investigating':
      return `We are investigating reports of ${description}.\nUsers may experience errors or slowness.\nWe will provide an update within ${within}.`;
    case 'identified':
      return `The issue has been identified as ${description}.\nWe are working on a fix. Estimated resolution: ${or(d.eta, 'to be confirmed')}.`;
    case 'mitigating':
      return `A fix has been implemented for ${description} and we are monitoring the results.\nWe will provide an update within ${within}.`;
    case 'resolved':
      return `The issue affecting ${inc.services.length ? inc.services.join(', ') : 'our service'} has been resolved.\nThe root cause was ${description}.\nWe apologize for the disruption and will publish a detailed post-mortem.`;
  }
}
