import type { WarroomConfig } from '../config/schema.js';
import { planEscalation } from '../core/escalation.js';
import { deriveFacts, type Incident } from '../core/incident.js';
import type { SeverityPolicy } from '../core/severity.js';
import { formatDuration } from '../core/time.js';
import type { Db, Store } from '../store/db.js';
import { findIncidents, lastUpdateTimes } from '../store/incident.repository.js';
import { countTimersDueBefore, deleteTimer, findDueTimers, moveTimers, type Timer } from '../store/timer.repository.js';
import { composeMessage, templateView } from '../notify/compose.js';
import { contactsOf, owningTeam, reachOptions } from '../notify/effects.js';
import { enqueueDrafts } from '../notify/outbox.js';
import { planPageDrafts, planRouteDrafts, slackMentions, type OutboxDraft } from '../notify/routing.js';
import { coordinationSettings } from '../notify/settings.js';

/** Timers fired per transaction: large enough that 1,000 due at once take two passes. */
export const TIMER_BATCH = 500;

export interface TimerDeps {
  store: Store;
  config: WarroomConfig;
  policy: SeverityPolicy;
  now: () => Date;
}

export interface TimerFiring {
  key: string;
  incidentId: string;
  kind: string;
  dueAt: string;
  firedAt: string;
  /** What happened: reminder_due, reminder_overdue, escalation, or dropped (incident resolved/acknowledged). */
  outcome: string;
}

/**
 * Fires due timers, at most `limit` per transaction. Exactly once across instances: the due
 * rows are locked (PostgreSQL: FOR UPDATE SKIP LOCKED, so a second instance takes other rows
 * rather than waiting; SQLite: BEGIN IMMEDIATE serialises writers), and the messages they
 * cause are enqueued and the timer moved in that same transaction. A crash before commit
 * leaves the timer due; the idempotency key (timer key + due time) makes a re-fire harmless.
 */
export async function runDueTimers(deps: TimerDeps, o: { limit?: number } = {}): Promise<{ firings: TimerFiring[]; outboxIds: number[] }> {
  const settings = coordinationSettings(deps.config);
  return deps.store.writeTx(async (trx) => {
    const now = deps.now().toISOString();
    const due = await findDueTimers(trx, now, { limit: o.limit ?? TIMER_BATCH, lock: deps.store.dialect });
    if (!due.length) return { firings: [], outboxIds: [] };
    const ids = [...new Set(due.map((t) => t.incidentId))];
    const incidents = await findIncidents(trx, ids);
    const last = await lastUpdateTimes(trx, ids);
    const drafts: OutboxDraft[] = [];
    const firings: TimerFiring[] = [];
    // Timer moves are collected and written grouped by (due_at, count): a handful of UPDATEs per batch, not one per timer.
    const moves = new Map<string, number[]>();
    const move = (id: number, dueAt: string, count: number) => {
      const k = `${dueAt}|${count}`;
      moves.set(k, [...(moves.get(k) ?? []), id]);
    };
    for (const t of due) {
      const inc = incidents.get(t.incidentId);
      const fire = (outcome: string) =>
        firings.push({ key: t.key, incidentId: t.incidentId, kind: t.kind, dueAt: t.dueAt, firedAt: now, outcome });
      if (!inc || inc.status === 'resolved' || (t.kind === 'escalation' && inc.acknowledgedAt)) {
        await deleteTimer(trx, t.id);
        fire('dropped');
        continue;
      }
      if (t.kind === 'reminder')
        drafts.push(...fireReminder(deps, settings.overdueRepeatMs, t, inc, last.get(inc.id) ?? null, now, fire, move));
      else drafts.push(...fireEscalation(deps, t, inc, now, fire, move));
    }
    for (const [k, list] of moves) {
      const [dueAt, count] = k.split('|');
      await moveTimers(trx, list, dueAt, Number(count), now);
    }
    const outboxIds = await enqueueDrafts(trx, drafts, now);
    return { firings, outboxIds };
  });
}

type Move = (id: number, dueAt: string, count: number) => void;

function fireReminder(
  deps: TimerDeps,
  repeatMs: number | null,
  t: Timer,
  inc: Incident,
  lastUpdate: string | null,
  now: string,
  fire: (o: string) => void,
  move: Move,
): OutboxDraft[] {
  const { config, policy } = deps;
  const facts = deriveFacts(inc, policy, now, lastUpdate);
  const nextDue = facts.nextUpdateDueAt!;
  if (Date.parse(nextDue) > Date.parse(now)) {
    // An update was posted since this timer was set (the hook normally moves it; this is the safety net).
    move(t.id, nextDue, 0);
    fire('rescheduled');
    return [];
  }
  const count = t.count + 1;
  const overdue = count > 1;
  const view = templateView(config, policy, inc, now, nextDue, {
    last_update: lastUpdate ? `${lastUpdate.slice(0, 16).replace('T', ' ')} UTC` : 'none since declaration',
    overdue_by: formatDuration(Date.parse(now) - Date.parse(nextDue)),
    reminder_count: count,
  });
  const people = overdue ? [inc.roles.commander, inc.roles.comms_lead] : [inc.roles.commander];
  const msg = composeMessage(
    config,
    overdue ? 'reminder_overdue' : 'reminder_due',
    overdue ? 'reminder_overdue' : 'reminder_due',
    `${overdue ? 'Update overdue' : 'Update due'}: ${inc.id} ${inc.title}`,
    view,
    inc,
    now,
    { mentions: slackMentions(config, people) },
  );
  const repeat = repeatMs ?? Math.min(5 * 60_000, policy[inc.severity].updateCadenceMs);
  move(t.id, new Date(Date.parse(now) + repeat).toISOString(), count);
  fire(msg.kind);
  // The overdue reminder goes to the comms route: the communications lead must hear it too.
  return planRouteDrafts(config, overdue ? 'comms' : 'incident', msg, `${t.key}:${t.dueAt}`);
}

function fireEscalation(deps: TimerDeps, t: Timer, inc: Incident, now: string, fire: (o: string) => void, move: Move): OutboxDraft[] {
  const { config, policy } = deps;
  const level = t.count + 1;
  const team = owningTeam(config, inc);
  const plan = planEscalation(policy, inc.severity, contactsOf(config), team, now, level, reachOptions(config));
  const targets = plan.targets.map((x) => x.person).join(', ') || `nobody (${plan.problem ?? 'no contacts'})`;
  const view = templateView(config, policy, inc, now, null, {
    level,
    targets,
    response_time: formatDuration(policy[inc.severity].responseTimeMs),
  });
  const msg = composeMessage(config, 'escalation', 'escalation', `Escalation ${level}: ${inc.id} not acknowledged`, view, inc, now, {
    mentions: slackMentions(
      config,
      plan.targets.map((x) => x.person),
    ),
  });
  move(t.id, new Date(Date.parse(now) + policy[inc.severity].responseTimeMs).toISOString(), level);
  fire('escalation');
  const key = `${t.key}:${level}`;
  return [...planRouteDrafts(config, 'incident', msg, key), ...planPageDrafts(config, plan.targets, team, msg, key)];
}

/** Timers that should have fired more than `graceMs` ago: nobody (no `warroom serve`) is running them. */
export async function findStaleTimers(db: Db, now: Date, graceMs = 60_000): Promise<{ count: number; oldestDueAt: string | null }> {
  return countTimersDueBefore(db, new Date(now.getTime() - graceMs).toISOString());
}
