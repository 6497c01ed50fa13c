import { z } from 'zod';
import { checkPerson, checkText, parseIncidentId } from '../core/incident.js';
import { conflict, notFound, validation } from '../core/errors.js';
import { ACTION_KINDS, isActionOverdue, parseActionKind, parseDueDate, type ActionItem } from '../core/postmortem.js';
import { getIncident } from '../store/incident.repository.js';
import { completeActionItemRow, findActionItem, insertActionItem, listActionItems as query } from '../store/postmortem.repository.js';
import { parseInput, requireRole, type AppContext } from './context.js';

export const addActionItemInputSchema = z
  .object({
    title: z.string().max(500, 'must be at most 500 characters'),
    owner: z.string().max(100, 'must be at most 100 characters'),
    /** YYYY-MM-DD, today or later (UTC). */
    due: z.string().max(40),
    kind: z.enum(ACTION_KINDS).default('fix'),
  })
  .strict();

export type ActionItemView = ActionItem & { overdue: boolean };

const view = (a: ActionItem, now: string): ActionItemView => ({ ...a, overdue: isActionOverdue(a, now) });

/** Adds a longer-term fix to an incident: owner and due date are required, the past is refused. */
export async function addActionItem(
  ctx: AppContext,
  id: string,
  input: { title: string; owner: string; due: string; kind?: string },
): Promise<ActionItemView> {
  requireRole(ctx, 'responder', 'adding an action item');
  const incidentId = parseIncidentId(id);
  // The kind is checked by the domain first so the CLI and API give the same message.
  const kind = parseActionKind(input.kind);
  const data = parseInput(addActionItemInputSchema, { ...input, kind });
  const now = ctx.now().toISOString();
  const title = checkText(data.title, 'title', 500);
  if (/[\n\r]/.test(title)) throw validation('title: an action item is one line', 'title');
  const owner = checkPerson(data.owner, 'owner');
  const dueDate = parseDueDate(data.due, now, 'due');
  return ctx.store.writeTx(async (trx) => {
    await getIncident(trx, incidentId);
    const a = await insertActionItem(trx, {
      incidentId,
      title,
      owner,
      kind: data.kind,
      dueDate,
      status: 'open',
      createdAt: now,
      createdBy: ctx.actor.name,
      doneAt: null,
      doneBy: null,
    });
    return view(a, now);
  });
}

export const listActionItemsQuerySchema = z
  .object({
    incident: z.string().optional(),
    owner: z.string().optional(),
    status: z.enum(['open', 'done', 'all']).default('open'),
    overdue: z.boolean().default(false),
  })
  .strict();

/** Open items by default; --overdue keeps those whose due day has passed. */
export async function listActionItems(ctx: AppContext, input: z.input<typeof listActionItemsQuerySchema> = {}): Promise<ActionItemView[]> {
  requireRole(ctx, 'viewer', 'listing action items');
  const f = parseInput(listActionItemsQuerySchema, input);
  const now = ctx.now().toISOString();
  const items = await query(ctx.store.db, {
    incidentId: f.incident ? parseIncidentId(f.incident, 'incident') : undefined,
    owner: f.owner?.trim() || undefined,
    status: f.overdue ? 'open' : f.status === 'all' ? undefined : f.status,
    dueBefore: f.overdue ? now.slice(0, 10) : undefined,
  });
  return items.map((a) => view(a, now));
}

export function parseActionItemId(input: string | number, field = 'id'): number {
  const m = /^(?:#|ai-?)?(\d{1,12})$/i.exec(String(input).trim());
  if (!m) throw validation(`${field}: "${input}" is not an action item id (a number, as shown by "warroom action list")`, field);
  return Number(m[1]);
}

export async function completeActionItem(ctx: AppContext, idInput: string | number): Promise<ActionItemView> {
  requireRole(ctx, 'responder', 'completing an action item');
  const id = parseActionItemId(idInput);
  const now = ctx.now().toISOString();
  return ctx.store.writeTx(async (trx) => {
    const a = await findActionItem(trx, id, { lock: ctx.store.dialect });
    if (!a) throw notFound(`action item ${id} not found (see "warroom action list --all")`);
    if (a.status === 'done') throw conflict(`action item ${id} was already done at ${a.doneAt} by ${a.doneBy}`);
    await completeActionItemRow(trx, id, now, ctx.actor.name);
    return view({ ...a, status: 'done', doneAt: now, doneBy: ctx.actor.name }, now);
  });
}
