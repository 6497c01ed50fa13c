import { z } from 'zod';
import {
  addWhy,
  publishPostmortem as decidePublish,
  removeWhy,
  setSection,
  startPostmortem,
  submitForReview,
  parseSectionKey,
  type PostmortemRecord,
} from '../core/postmortem.js';
import { checkBlameless, type BlamelessWarning } from '../core/blameless.js';
import { formatDuration } from '../core/time.js';
import { parseIncidentId, type Incident } from '../core/incident.js';
import { redactText } from '../core/redact.js';
import type { Db } from '../store/db.js';
import { appendEntries, getIncident, listTimeline } from '../store/incident.repository.js';
import { findPostmortem, insertPostmortem, listActionItems, savePostmortem } from '../store/postmortem.repository.js';
import { enqueueNotification } from '../notify/outbox.js';
import { parseInput, requireRole, type AccessRole, type AppContext } from './context.js';
import { rulesFromConfig } from './generate-postmortem.js';

export interface EditResult {
  postmortem: PostmortemRecord;
  /** Blameless-language warnings for what was just written (never a block). */
  warnings: BlamelessWarning[];
}

/**
 * Every edit takes the same path: lock the review (creating the draft on first touch), apply a
 * pure decision from src/core/postmortem.ts, save, then run the effects inside the transaction.
 */
async function editPostmortem(
  ctx: AppContext,
  id: string,
  min: AccessRole,
  what: string,
  decide: (pm: PostmortemRecord, now: string, trx: Db, incident: Incident) => Promise<PostmortemRecord> | PostmortemRecord,
  effects?: (trx: Db, pm: PostmortemRecord, incident: Incident, now: string) => Promise<void>,
): Promise<PostmortemRecord> {
  requireRole(ctx, min, what);
  const incidentId = parseIncidentId(id);
  return ctx.store.writeTx(async (trx) => {
    const now = ctx.now().toISOString();
    const incident = await getIncident(trx, incidentId, { lock: ctx.store.dialect });
    let pm = await findPostmortem(trx, incidentId, { lock: ctx.store.dialect });
    if (!pm) {
      pm = startPostmortem(
        incident,
        await listTimeline(trx, incidentId, { kinds: ['severity_change'] }),
        ctx.policy,
        rulesFromConfig(ctx.config),
        ctx.actor.name,
        now,
      );
      await insertPostmortem(trx, pm);
    }
    const next = await decide(pm, now, trx, incident);
    await savePostmortem(trx, next);
    await effects?.(trx, next, incident, now);
    return next;
  });
}

const peopleOf = (inc: Incident) =>
  [inc.createdBy, inc.roles.commander, inc.roles.comms_lead, inc.roles.scribe, ...inc.roles.responders].filter((p): p is string => !!p);

export const setSectionInputSchema = z.object({ text: z.string().max(50_000, 'must be at most 50000 characters') }).strict();

/** Writes one section (empty text clears it). Root cause and contributing factors get the blameless check. */
export async function setPostmortemSection(
  ctx: AppContext,
  id: string,
  section: string,
  input: z.input<typeof setSectionInputSchema>,
): Promise<EditResult> {
  const key = parseSectionKey(section);
  const { text } = parseInput(setSectionInputSchema, input);
  let people: string[] = [];
  const pm = await editPostmortem(ctx, id, 'responder', 'editing a post-mortem', (p, now, _trx, inc) => {
    people = peopleOf(inc);
    return setSection(p, key, text, now);
  });
  const warnings = (key === 'root_cause' || key === 'contributing_factors') && text.trim() ? checkBlameless(text, key, { people }) : [];
  return { postmortem: pm, warnings };
}

export const addWhyInputSchema = z.object({ why: z.string().max(2000), because: z.string().max(2000) }).strict();

export async function addPostmortemWhy(ctx: AppContext, id: string, input: z.input<typeof addWhyInputSchema>): Promise<EditResult> {
  const data = parseInput(addWhyInputSchema, input);
  let people: string[] = [];
  const pm = await editPostmortem(ctx, id, 'responder', 'editing a post-mortem', (p, now, _trx, inc) => {
    people = peopleOf(inc);
    return addWhy(p, data.why, data.because, now);
  });
  return { postmortem: pm, warnings: checkBlameless(data.because, `whys[${pm.whys.length}].because`, { people }) };
}

export async function removePostmortemWhy(ctx: AppContext, id: string, index: number): Promise<EditResult> {
  const pm = await editPostmortem(ctx, id, 'responder', 'editing a post-mortem', (p, now) => removeWhy(p, index, now));
  return { postmortem: pm, warnings: [] };
}

/** draft → in_review (needs a root cause; a full review needs an action item too). */
export async function submitPostmortem(ctx: AppContext, id: string): Promise<EditResult> {
  const pm = await editPostmortem(ctx, id, 'responder', 'submitting a post-mortem for review', async (p, now, trx) => {
    const items = await listActionItems(trx, { incidentId: p.incidentId });
    return submitForReview(p, items.length, now);
  });
  return { postmortem: pm, warnings: [] };
}

/**
 * in_review → published, by a commander. The publication is recorded on the incident's
 * timeline and the summary is posted to the post-incident channel (#engineering in the seed)
 * through the durable outbox, in the same transaction: both happen or neither does.
 */
export async function publishPostmortem(ctx: AppContext, id: string): Promise<EditResult & { notified: number }> {
  let notified = 0;
  const pm = await editPostmortem(
    ctx,
    id,
    'commander',
    'publishing a post-mortem',
    (p, now) => decidePublish(p, ctx.actor.name, now),
    async (trx, p, inc, now) => {
      const items = await listActionItems(trx, { incidentId: p.incidentId });
      const onTime = p.dueAt
        ? p.publishedAt! <= p.dueAt
          ? 'on time'
          : `${formatDuration(Date.parse(p.publishedAt!) - Date.parse(p.dueAt))} after the deadline`
        : null;
      await appendEntries(trx, inc.id, [
        {
          at: now,
          author: ctx.actor.name,
          kind: 'note',
          corrects: null,
          text: `Post-mortem published by ${ctx.actor.name}${onTime ? ` (${onTime})` : ''}; ${items.length} action item${items.length === 1 ? '' : 's'}`,
          data: { postmortem: 'published', dueAt: p.dueAt, actionItems: items.length },
        },
      ]);
      const rootCause = p.sections.root_cause ? redactText(p.sections.root_cause).slice(0, 1500) : '(not written)';
      const text = [
        `${inc.title} (${inc.id}, ${inc.severity}) — post-mortem published by ${ctx.actor.name}.`,
        p.sections.summary ? `Summary: ${redactText(p.sections.summary).slice(0, 1500)}` : null,
        `Root cause: ${rootCause}`,
        items.length
          ? `Action items:\n${items.map((a) => `• ${a.title} — ${a.owner}, due ${a.dueDate} (${a.kind}, ${a.status})`).join('\n')}`
          : 'No action items.',
      ]
        .filter(Boolean)
        .join('\n');
      const r = await enqueueNotification(trx, ctx.config, {
        route: 'post_incident',
        kind: 'postmortem_published',
        key: `postmortem:${inc.id}:published`,
        title: `Post-mortem published: ${inc.id} ${inc.title}`,
        text,
        incident: inc,
        slackChannel: ctx.config.postmortem?.channel ?? null,
        facts: [
          ['Severity', inc.severity],
          ['Review', p.level],
          ['Action items', String(items.length)],
          ...(onTime ? [['Deadline', onTime] as [string, string]] : []),
        ],
        now,
      });
      notified = r.ids.length;
    },
  );
  return { postmortem: pm, warnings: [], notified };
}
