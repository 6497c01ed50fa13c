import type { WarroomConfig } from '../config/schema.js';
import type { EscalationTarget } from '../core/escalation.js';
import type { Severity } from '../core/severity.js';
import type { ChannelName } from '../core/outbox.js';
import type { NotifyMessage } from './message.js';
import { buildSlackPayload } from './slack.payload.js';
import { buildTeamsPayload } from './teams.payload.js';
import { buildWebhookPayload } from './webhook.payload.js';
import { buildEmailPayload } from './email.payload.js';
import { buildPagerDutyEvent, type PagerDutyAction } from './pagerduty.payload.js';

/**
 * Where a message goes. A route names a purpose; config says which channels serve it.
 *  - incident: the incident channel (#incidents for SEV1/SEV2, #incidents-low otherwise)
 *  - comms: same destinations, for messages the communications lead must see (overdue reminders)
 *  - post_incident: #engineering (post-incident summaries)
 */
export type Route = 'incident' | 'comms' | 'post_incident';

/** One row to enqueue: a payload for one channel and destination. Secrets are never part of it. */
export interface OutboxDraft {
  channel: ChannelName;
  /** Destination reference: a Slack channel, "webhook", email addresses, or a PagerDuty key reference (default, team:NAME, person:NAME). */
  target: string;
  kind: string;
  incidentId: string | null;
  summary: string;
  payload: unknown;
  /** Appended to the message key to make the per-channel idempotency key. */
  key: string;
}

export const DEFAULT_SLACK_CHANNELS = { incidents: '#incidents', incidents_low: '#incidents-low', engineering: '#engineering' };

export function slackChannelFor(config: WarroomConfig, route: Route, severity: Severity | null, override?: string | null): string {
  if (override) return override;
  const ch = { ...DEFAULT_SLACK_CHANNELS, ...(config.channels?.slack?.channels ?? {}) };
  if (route === 'post_incident') return ch.engineering;
  return severity === 'SEV1' || severity === 'SEV2' ? ch.incidents : ch.incidents_low;
}

/** Drafts for a chat/broadcast route: Slack, Teams, the generic webhook and email. */
export function planRouteDrafts(
  config: WarroomConfig,
  route: Route,
  m: NotifyMessage,
  key: string,
  opts: { slackChannel?: string | null } = {},
): OutboxDraft[] {
  const c = config.channels ?? {};
  const out: OutboxDraft[] = [];
  const base = { kind: m.kind, incidentId: m.incidentId, summary: m.title };
  if (c.slack) {
    // With a bot token the channel is chosen per message; an incoming webhook posts to its own channel.
    const target = c.slack.bot_token ? slackChannelFor(config, route, m.severity, opts.slackChannel) : 'webhook';
    out.push({
      ...base,
      channel: 'slack',
      target,
      payload: buildSlackPayload(m, c.slack.bot_token ? target : undefined),
      key: `${key}:slack:${target}`,
    });
  }
  if (c.teams) out.push({ ...base, channel: 'teams', target: 'webhook', payload: buildTeamsPayload(m), key: `${key}:teams` });
  if (c.webhook)
    out.push({ ...base, channel: 'webhook', target: 'webhook', payload: buildWebhookPayload(m, `${key}:webhook`), key: `${key}:webhook` });
  if (c.email?.to?.length)
    out.push({ ...base, channel: 'email', target: c.email.to.join(','), payload: buildEmailPayload(m, c.email.to), key: `${key}:email` });
  return out;
}

/** Which PagerDuty routing key reaches a person: their own, their team's, or the default. */
export function pagerDutyRefFor(config: WarroomConfig, person: string, team: string | null): string {
  if (config.contacts?.people?.[person]?.pagerduty_routing_key) return `person:${person}`;
  if (team && config.contacts?.teams[team]?.pagerduty_routing_key) return `team:${team}`;
  return 'default';
}

/** Drafts for paging targets: a PagerDuty trigger per distinct routing key, an email per person. */
export function planPageDrafts(
  config: WarroomConfig,
  targets: EscalationTarget[],
  team: string | null,
  m: NotifyMessage,
  key: string,
): OutboxDraft[] {
  const c = config.channels ?? {};
  const out: OutboxDraft[] = [];
  const refs = new Set<string>();
  for (const t of targets) {
    if (t.action === 'ticket') {
      if (c.ticket)
        out.push({
          channel: 'ticket',
          target: 'webhook',
          kind: 'ticket',
          incidentId: m.incidentId,
          summary: m.title,
          payload: buildWebhookPayload(m, `${key}:ticket`, 'ticket'),
          key: `${key}:ticket`,
        });
      continue;
    }
    if (t.action === 'page' && c.pagerduty) {
      const ref = pagerDutyRefFor(config, t.person, team);
      if (!refs.has(ref)) {
        refs.add(ref);
        out.push({
          channel: 'pagerduty',
          target: ref,
          kind: m.kind,
          incidentId: m.incidentId,
          summary: `page ${t.person}: ${m.title}`,
          payload: buildPagerDutyEvent(m, 'trigger', { source: c.pagerduty.source, details: { paged: t.person, role: t.role } }),
          key: `${key}:pagerduty:${ref}`,
        });
      }
    }
    const email = config.contacts?.people?.[t.person]?.email;
    if ((t.action === 'page' || t.action === 'notify') && c.email && email) {
      out.push({
        channel: 'email',
        target: email,
        kind: m.kind,
        incidentId: m.incidentId,
        summary: `${t.action} ${t.person}: ${m.title}`,
        payload: buildEmailPayload({ ...m, title: `${t.action === 'page' ? 'PAGE' : 'FYI'}: ${m.title}` }, [email]),
        key: `${key}:email:${email}`,
      });
    }
  }
  return out;
}

/** Acknowledge/resolve the PagerDuty incident on every routing key that was triggered for it. */
export function planPagerDutyFollowUp(
  config: WarroomConfig,
  refs: string[],
  action: Exclude<PagerDutyAction, 'trigger'>,
  m: NotifyMessage,
  key: string,
): OutboxDraft[] {
  if (!config.channels?.pagerduty) return [];
  return refs.map((ref) => ({
    channel: 'pagerduty' as const,
    target: ref,
    kind: `pagerduty_${action}`,
    incidentId: m.incidentId,
    summary: `${action} ${m.incidentId}`,
    payload: buildPagerDutyEvent(m, action),
    key: `${key}:pagerduty:${ref}`,
  }));
}

/** Slack member ids of people, for mentions. */
export function slackMentions(config: WarroomConfig, people: (string | null | undefined)[]): string[] {
  const ids = people.map((p) => (p ? config.contacts?.people?.[p]?.slack : undefined)).filter((x): x is string => !!x);
  return [...new Set(ids)];
}
