import { z } from 'zod';
import { computeDueAt, isReviewOverdue, listSeverityChanges, peakSeverity, requiredReview, startPostmortem } from '../core/postmortem.js';
import { formatDuration } from '../core/time.js';
import type { Incident } from '../core/incident.js';
import { findIncident, listIncidents, listTimeline } from '../store/incident.repository.js';
import {
  findPostmortem,
  insertPostmortem,
  listActionItems,
  listPostmortems,
  markActionItemsReminded,
  markPostmortemReminded,
} from '../store/postmortem.repository.js';
import { enqueueNotification } from '../notify/outbox.js';
import { parseInput, requireRole, type AppContext } from './context.js';
import { rulesFromConfig } from './generate-postmortem.js';

export const remindInputSchema = z
  .object({
    /** List what is overdue without sending or recording anything. */
    dryRun: z.boolean().default(false),
  })
  .strict();

export interface ReminderResult {
  reviews: {
    incidentId: string;
    title: string;
    commander: string | null;
    dueAt: string;
    overdueMs: number;
    state: string;
    notified: number;
  }[];
  actionItems: {
    id: number;
    incidentId: string;
    title: string;
    owner: string;
    dueDate: string;
    commander: string | null;
    notified: number;
  }[];
  dryRun: boolean;
}

/** At most one reminder per item per day, however often the job runs (cron, several servers). */
const REMIND_EVERY_MS = 24 * 3_600_000;

/**
 * Reminds incident commanders of overdue reviews and overdue action items through the
 * coordination outbox (route "incident"). Reviews never started are found too: a resolved
 * SEV1/SEV2 whose deadline passed gets its draft created so it is tracked from then on.
 */
export async function remindOverdue(ctx: AppContext, input: z.input<typeof remindInputSchema> = {}): Promise<ReminderResult> {
  requireRole(ctx, 'commander', 'sending post-mortem reminders');
  const { dryRun } = parseInput(remindInputSchema, input);
  const now = ctx.now().toISOString();
  const day = now.slice(0, 10);
  const cutoff = new Date(Date.parse(now) - REMIND_EVERY_MS).toISOString();
  const rules = rulesFromConfig(ctx.config);
  const out: ReminderResult = { reviews: [], actionItems: [], dryRun };

  // Reviews never started: resolved incidents whose review is required and past due.
  const started = new Set((await listPostmortems(ctx.store.db)).map((p) => p.incidentId));
  for (const inc of await listIncidents(ctx.store.db, { status: ['resolved'] })) {
    if (started.has(inc.id)) continue;
    const changes = listSeverityChanges(await listTimeline(ctx.store.db, inc.id, { kinds: ['severity_change'] }));
    const req = requiredReview(peakSeverity(inc, changes), ctx.policy);
    if (req === 'none') continue;
    const due = computeDueAt(req === 'full' ? 'full' : 'lightweight', true, inc.resolvedAt, rules);
    if (!due || due >= now || dryRun) {
      if (due && due < now)
        out.reviews.push({
          incidentId: inc.id,
          title: inc.title,
          commander: inc.roles.commander,
          dueAt: due,
          overdueMs: Date.parse(now) - Date.parse(due),
          state: 'none',
          notified: 0,
        });
      continue;
    }
    await ctx.store.writeTx(async (trx) => {
      if (!(await findPostmortem(trx, inc.id))) await insertPostmortem(trx, startPostmortem(inc, [], ctx.policy, rules, 'warroom', now));
    });
  }

  for (const pm of await listPostmortems(ctx.store.db, { dueBefore: now })) {
    if (!isReviewOverdue(pm, now) || (pm.remindedAt && pm.remindedAt > cutoff)) continue;
    if (dryRun && out.reviews.some((r) => r.incidentId === pm.incidentId)) continue;
    const inc = (await findIncident(ctx.store.db, pm.incidentId))!;
    const overdueMs = Date.parse(now) - Date.parse(pm.dueAt!);
    const row = {
      incidentId: inc.id,
      title: inc.title,
      commander: inc.roles.commander,
      dueAt: pm.dueAt!,
      overdueMs,
      state: pm.state,
      notified: 0,
    };
    if (!dryRun) {
      row.notified = await ctx.store.writeTx(async (trx) => {
        await markPostmortemReminded(trx, inc.id, now);
        return (
          await enqueueNotification(trx, ctx.config, {
            route: 'incident',
            kind: 'postmortem_overdue',
            key: `postmortem:${inc.id}:overdue:${day}`,
            title: `Post-mortem overdue: ${inc.id} ${inc.title}`,
            text: `${whoText(inc)}: the ${pm.level} post-mortem of ${inc.id} was due ${pm.dueAt} (${formatDuration(overdueMs)} ago) and is ${pm.state.replace('_', ' ')}. Run "warroom postmortem ${inc.id}" to write the draft.`,
            incident: inc,
            now,
          })
        ).ids.length;
      });
    }
    out.reviews.push(row);
  }

  const items = await listActionItems(ctx.store.db, { dueBefore: day, remindedBefore: cutoff });
  const byIncident = new Map<string, typeof items>();
  for (const a of items) byIncident.set(a.incidentId, [...(byIncident.get(a.incidentId) ?? []), a]);
  for (const [incidentId, list] of byIncident) {
    const inc = (await findIncident(ctx.store.db, incidentId))!;
    let notified = 0;
    if (!dryRun) {
      notified = await ctx.store.writeTx(async (trx) => {
        await markActionItemsReminded(
          trx,
          list.map((a) => a.id),
          now,
        );
        return (
          await enqueueNotification(trx, ctx.config, {
            route: 'incident',
            kind: 'action_items_overdue',
            key: `action-items:${incidentId}:overdue:${day}`,
            title: `${list.length} overdue action item${list.length === 1 ? '' : 's'} from ${inc.id} ${inc.title}`,
            text: `${whoText(inc)}: ${list.map((a) => `#${a.id} "${a.title}" (${a.owner}, due ${a.dueDate})`).join('; ')}. Close them with "warroom action done ID".`,
            incident: inc,
            now,
          })
        ).ids.length;
      });
    }
    for (const a of list)
      out.actionItems.push({
        id: a.id,
        incidentId,
        title: a.title,
        owner: a.owner,
        dueDate: a.dueDate,
        commander: inc.roles.commander,
        notified,
      });
  }
  return out;
}

const whoText = (inc: Incident) =>
  inc.roles.commander ? `${inc.roles.commander} (incident commander)` : 'Incident commander (none assigned)';
