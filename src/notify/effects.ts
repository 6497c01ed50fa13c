import type { WarroomConfig } from '../config/schema.js';
import { publicStateFor, renderPublicText, type PublicState } from '../core/communication.js';
import { planEscalation, teamForIncident, type ContactsMatrix, type ReachOptions } from '../core/escalation.js';
import { deriveFacts, type Incident, type TimelineEntry } from '../core/incident.js';
import { redactWith } from '../core/redact.js';
import { compareSeverity, type SeverityPolicy } from '../core/severity.js';
import { formatDuration } from '../core/time.js';
import type { Db } from '../store/db.js';
import { lastUpdateTimes } from '../store/incident.repository.js';
import { listPagedTargets } from '../store/outbox.repository.js';
import { hasStatusPosts, insertStatusPost } from '../store/status-post.repository.js';
import { deleteTimerByKey, upsertTimer } from '../store/timer.repository.js';
import { composeMessage, templateView } from './compose.js';
import { enqueueDrafts } from './outbox.js';
import { planPageDrafts, planPagerDutyFollowUp, planRouteDrafts, slackMentions, type OutboxDraft } from './routing.js';
import { componentStateFor, publicTitle, type StatusPost } from './status-page.js';

/**
 * The decision of what an incident change causes: messages (outbox drafts), timer changes,
 * public status posts. Planned from the before/after incidents and the new entries, so the
 * same function serves the real change (inside its transaction) and `warroom update --dry-run`.
 */
export interface TimerOp {
  kind: 'reminder' | 'escalation';
  /** null deletes the timer. */
  dueAt: string | null;
  count: number;
}

export interface EffectsPlan {
  drafts: OutboxDraft[];
  timers: TimerOp[];
  statusPosts: Omit<StatusPost, 'id'>[];
}

export interface ChangeInput {
  incident: Incident;
  previous: Incident | null;
  entries: Pick<TimelineEntry, 'id' | 'kind' | 'at' | 'author' | 'data' | 'text'>[];
  actor: string;
}

export function contactsOf(config: WarroomConfig): ContactsMatrix | undefined {
  return config.contacts as ContactsMatrix | undefined;
}

export function reachOptions(config: WarroomConfig): ReachOptions {
  const c = config.channels ?? {};
  return { pagerduty: !!c.pagerduty, email: !!c.email, slack: !!c.slack, ticket: !!c.ticket };
}

export function serviceTeams(config: WarroomConfig): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(config.services ?? {}).map(([k, v]) => [k, v.team]));
}

export function owningTeam(config: WarroomConfig, inc: Incident): string | null {
  const contacts = contactsOf(config);
  return contacts ? teamForIncident(contacts, inc.services, serviceTeams(config)) : null;
}

/** The public description when the commander gave none: generic on purpose (no internal facts). */
function genericDescription(inc: Incident): string {
  return inc.services.length ? `a problem affecting ${inc.services.join(', ')}` : 'a service disruption';
}

export function buildStatusPost(
  config: WarroomConfig,
  policy: SeverityPolicy,
  inc: Incident,
  state: PublicState,
  at: string,
  nextDue: string | null,
  o: { description?: string | null; eta?: string | null } = {},
): Omit<StatusPost, 'id'> {
  const redact = redactWith(config.redact ?? []);
  const components = inc.services;
  const text = renderPublicText(
    state,
    {
      description: o.description ?? genericDescription(inc),
      impact: 'errors or slowness',
      components: components.length ? components.join(', ') : 'our service',
      next_update_in: nextDue
        ? formatDuration(Math.max(60_000, Date.parse(nextDue) - Date.parse(at)))
        : formatDuration(policy[inc.severity].updateCadenceMs),
      eta: o.eta ?? 'to be confirmed',
      organization: config.organization ?? '',
    },
    config.templates ?? {},
  );
  return {
    incidentId: inc.id,
    at,
    state,
    title: publicTitle(inc),
    text: redact(text),
    components,
    impact: componentStateFor(inc.severity),
  };
}

export async function planIncidentEffects(db: Db, config: WarroomConfig, policy: SeverityPolicy, ch: ChangeInput): Promise<EffectsPlan> {
  const inc = ch.incident;
  const prev = ch.previous;
  const now = prev ? inc.updatedAt : inc.declaredAt;
  const plan: EffectsPlan = { drafts: [], timers: [], statusPosts: [] };
  const updates = ch.entries.filter((e) => e.kind === 'update');
  const lastFromDb = (await lastUpdateTimes(db, [inc.id])).get(inc.id) ?? null;
  const lastUpdate =
    [lastFromDb, ...updates.map((u) => u.at)]
      .filter((x): x is string => !!x)
      .sort()
      .pop() ?? null;
  const nextDue = deriveFacts(inc, policy, now, lastUpdate).nextUpdateDueAt;
  const view = templateView(config, policy, inc, now, nextDue);
  const team = owningTeam(config, inc);
  const contacts = contactsOf(config);
  const ch0 = reachOptions(config);
  const level = policy[inc.severity];
  const resolvedNow = inc.status === 'resolved' && (!prev || prev.status !== 'resolved');

  if (!prev) {
    const esc = planEscalation(policy, inc.severity, contacts, team, now, 0, ch0);
    const mentions = slackMentions(config, [...esc.targets.map((t) => t.person), inc.roles.commander]);
    const facts: [string, string][] = esc.targets.map((t) => [
      `${t.action} (${t.role})`,
      `${t.person}${t.via.length ? ` via ${t.via.join(', ')}` : ''}`,
    ]);
    if (esc.problem) facts.push(['Escalation', esc.problem]);
    const initial = composeMessage(config, 'declared', 'ic_initial', `${inc.severity} declared: ${inc.title}`, view, inc, now, {
      mentions,
      facts,
    });
    plan.drafts.push(...planRouteDrafts(config, 'incident', initial, `declared:${inc.id}`));
    const page = composeMessage(
      config,
      'page',
      'page',
      `${inc.severity} ${inc.id}: ${inc.title}`,
      { ...view, targets: esc.targets.map((t) => t.person).join(', ') || 'nobody' },
      inc,
      now,
    );
    plan.drafts.push(...planPageDrafts(config, esc.targets, team, page, `page:${inc.id}:0`));
    plan.timers.push({ kind: 'reminder', dueAt: nextDue, count: 0 });
    if (!inc.acknowledgedAt)
      plan.timers.push({ kind: 'escalation', dueAt: new Date(Date.parse(inc.declaredAt) + level.responseTimeMs).toISOString(), count: 0 });
    if (level.publicUpdates) plan.statusPosts.push(buildStatusPost(config, policy, inc, 'investigating', now, nextDue));
    return plan;
  }

  // Updates first: the IC's message leads, then what the change implies.
  for (const u of updates) {
    const d = (u.data ?? {}) as { findings?: string; actions?: string; public?: string | null; eta?: string | null; status?: string };
    const msg = composeMessage(
      config,
      'update',
      'ic_update',
      `Update: ${inc.title} (${view.status})`,
      { ...view, findings: d.findings ?? '', actions: d.actions ?? '' },
      inc,
      now,
    );
    plan.drafts.push(...planRouteDrafts(config, 'incident', msg, `update:${inc.id}:${u.id}`));
    if (d.public || level.publicUpdates || (await hasStatusPosts(db, inc.id))) {
      plan.statusPosts.push(
        buildStatusPost(config, policy, inc, publicStateFor(inc.status), u.at, nextDue, { description: d.public, eta: d.eta }),
      );
    }
  }
  if (updates.length && !resolvedNow) plan.timers.push({ kind: 'reminder', dueAt: nextDue, count: 0 });

  if (prev.severity !== inc.severity && inc.status !== 'resolved') {
    plan.timers.push({ kind: 'reminder', dueAt: nextDue, count: 0 });
    const msg = composeMessage(
      config,
      'severity',
      'ic_initial',
      `Severity ${prev.severity} → ${inc.severity}: ${inc.title}`,
      view,
      inc,
      now,
    );
    plan.drafts.push(...planRouteDrafts(config, 'incident', msg, `severity:${inc.id}:${now}`));
    if (compareSeverity(inc.severity, prev.severity) < 0) {
      // More severe: the new severity's paging rule applies now.
      const esc = planEscalation(policy, inc.severity, contacts, team, now, 0, ch0);
      const page = composeMessage(
        config,
        'page',
        'page',
        `${inc.severity} ${inc.id}: ${inc.title}`,
        { ...view, targets: esc.targets.map((t) => t.person).join(', ') || 'nobody' },
        inc,
        now,
      );
      plan.drafts.push(...planPageDrafts(config, esc.targets, team, page, `page:${inc.id}:${inc.severity}:${now}`));
      if (!inc.acknowledgedAt)
        plan.timers.push({ kind: 'escalation', dueAt: new Date(Date.parse(now) + level.responseTimeMs).toISOString(), count: 0 });
    }
  }

  if (!prev.acknowledgedAt && inc.acknowledgedAt) {
    plan.timers.push({ kind: 'escalation', dueAt: null, count: 0 });
    const refs = await listPagedTargets(db, inc.id);
    const ack = composeMessage(
      config,
      'acknowledged',
      'page',
      `${inc.id} acknowledged by ${inc.roles.commander ?? ch.actor}`,
      { ...view, targets: '' },
      inc,
      now,
    );
    plan.drafts.push(...planPagerDutyFollowUp(config, refs, 'acknowledge', ack, `ack:${inc.id}:${now}`));
  } else if (prev.roles.commander !== inc.roles.commander && inc.roles.commander) {
    const msg = composeMessage(config, 'commander', 'ic_initial', `Commander: ${inc.roles.commander} (${inc.id})`, view, inc, now, {
      mentions: slackMentions(config, [inc.roles.commander]),
    });
    plan.drafts.push(...planRouteDrafts(config, 'incident', msg, `commander:${inc.id}:${now}`));
  }

  if (resolvedNow) {
    plan.timers.push({ kind: 'reminder', dueAt: null, count: 0 }, { kind: 'escalation', dueAt: null, count: 0 });
    const msg = composeMessage(
      config,
      'resolved',
      'ic_resolved',
      `Resolved: ${inc.title}`,
      { ...view, summary: inc.summary ?? 'see the timeline' },
      inc,
      now,
    );
    plan.drafts.push(...planRouteDrafts(config, 'incident', msg, `resolved:${inc.id}:${now}`));
    const refs = await listPagedTargets(db, inc.id);
    plan.drafts.push(...planPagerDutyFollowUp(config, refs, 'resolve', msg, `resolve:${inc.id}:${now}`));
    const alreadyPublic = plan.statusPosts.some((p) => p.state === 'resolved');
    if (!alreadyPublic && (plan.statusPosts.length || (await hasStatusPosts(db, inc.id)))) {
      plan.statusPosts.push(
        buildStatusPost(config, policy, inc, 'resolved', now, null, { description: 'being analysed in our post-mortem' }),
      );
    }
  } else if (prev.status === 'resolved' && inc.status !== 'resolved') {
    plan.timers.push({ kind: 'reminder', dueAt: nextDue, count: 0 });
    const msg = composeMessage(config, 'reopened', 'ic_initial', `Reopened: ${inc.title}`, view, inc, now);
    plan.drafts.push(...planRouteDrafts(config, 'incident', msg, `reopened:${inc.id}:${now}`));
  } else if (prev.status !== inc.status && !updates.length) {
    const msg = composeMessage(
      config,
      'status',
      'ic_update',
      `Status ${prev.status} → ${inc.status}: ${inc.title}`,
      { ...view, findings: 'see the timeline', actions: 'see the timeline' },
      inc,
      now,
    );
    plan.drafts.push(...planRouteDrafts(config, 'incident', msg, `status:${inc.id}:${now}`));
  }
  return plan;
}

/** Writes timers (last op per kind wins), status posts and outbox rows; returns the outbox ids. */
export async function applyEffects(trx: Db, incidentId: string, plan: EffectsPlan, now: string): Promise<number[]> {
  const last = new Map<string, TimerOp>();
  for (const t of plan.timers) last.set(t.kind, t);
  for (const t of last.values()) await setTimer(trx, incidentId, t, now);
  for (const p of plan.statusPosts) await insertStatusPost(trx, p);
  return enqueueDrafts(trx, plan.drafts, now);
}

export async function setTimer(trx: Db, incidentId: string, t: TimerOp, now: string): Promise<void> {
  const key = `${t.kind}:${incidentId}`;
  if (t.dueAt === null) {
    await deleteTimerByKey(trx, key);
    return;
  }
  await upsertTimer(trx, { key, incidentId, kind: t.kind, dueAt: t.dueAt, count: t.count }, now);
}
