import type { Severity } from '../core/severity.js';
import type { NotifyMessage } from './message.js';

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

/** PagerDuty Events API v2 body without routing_key (a secret: the sender adds it, it is never stored). */
export interface PagerDutyEvent {
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

/**
 * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ — the dedup_key is the
 * incident id, so a re-trigger (escalation) lands on the same PagerDuty incident and
 * acknowledge/resolve close it.
 */
export function buildPagerDutyEvent(
  m: NotifyMessage,
  action: PagerDutyAction,
  opts: { source?: string; component?: string; details?: Record<string, unknown> } = {},
): PagerDutyEvent {
  if (!m.incidentId) throw new Error('a PagerDuty event needs an incident id (dedup_key)');
  const ev: PagerDutyEvent = { event_action: action, dedup_key: m.incidentId };
  if (action === 'trigger') {
    ev.payload = {
      summary: m.title.length > 1024 ? `${m.title.slice(0, 1023)}…` : m.title,
      source: opts.source ?? 'warroom',
      severity: PD_SEVERITY[m.severity ?? 'SEV3'],
      timestamp: m.at,
      ...(opts.component && { component: opts.component }),
      group: 'warroom',
      class: m.kind,
      custom_details: {
        incident: m.incidentId,
        severity: m.severity,
        text: m.text,
        ...Object.fromEntries(m.facts),
        ...(opts.details ?? {}),
      },
    };
    ev.client = 'warroom';
    if (m.url) {
      ev.client_url = m.url;
      ev.links = [{ href: m.url, text: `${m.incidentId} in warroom` }];
    }
  }
  return ev;
}
