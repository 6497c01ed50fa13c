import type { Kysely, Selectable } from 'kysely';
import type { ActionItem, ActionKind, ActionStatus, PostmortemLevel, PostmortemRecord, PostmortemState } from '../core/postmortem.js';
import type { Dialect } from './db.js';
import type { ActionItemsTable, Database, PostmortemsTable } from './schema.js';

type Db = Kysely<Database>;

function toRecord(r: Selectable<PostmortemsTable>): PostmortemRecord {
  return {
    incidentId: r.incident_id,
    state: r.state as PostmortemState,
    level: r.level as PostmortemLevel,
    sections: JSON.parse(r.sections),
    whys: JSON.parse(r.whys),
    dueAt: r.due_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    submittedAt: r.submitted_at,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    remindedAt: r.reminded_at,
  };
}

function toRow(p: PostmortemRecord): PostmortemsTable {
  return {
    incident_id: p.incidentId,
    state: p.state,
    level: p.level,
    sections: JSON.stringify(p.sections),
    whys: JSON.stringify(p.whys),
    due_at: p.dueAt,
    created_at: p.createdAt,
    created_by: p.createdBy,
    updated_at: p.updatedAt,
    submitted_at: p.submittedAt,
    published_at: p.publishedAt,
    published_by: p.publishedBy,
    reminded_at: p.remindedAt,
  };
}

export function toActionItem(r: Selectable<ActionItemsTable>): ActionItem {
  return {
    id: Number(r.id),
    incidentId: r.incident_id,
    title: r.title,
    owner: r.owner,
    kind: r.kind as ActionKind,
    dueDate: r.due_date,
    status: r.status as ActionStatus,
    createdAt: r.created_at,
    createdBy: r.created_by,
    doneAt: r.done_at,
    doneBy: r.done_by,
  };
}

export async function findPostmortem(db: Db, incidentId: string, opts: { lock?: Dialect } = {}): Promise<PostmortemRecord | null> {
  let q = db.selectFrom('postmortems').selectAll().where('incident_id', '=', incidentId);
  if (opts.lock === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toRecord(r) : null;
}

/** Inserts the first version; a concurrent first insert wins and ours is dropped (the caller re-reads). */
export async function insertPostmortem(trx: Db, p: PostmortemRecord): Promise<void> {
  await trx
    .insertInto('postmortems')
    .values(toRow(p))
    .onConflict((oc) => oc.column('incident_id').doNothing())
    .execute();
}

export async function savePostmortem(trx: Db, p: PostmortemRecord): Promise<void> {
  const { incident_id: _id, ...rest } = toRow(p);
  await trx.updateTable('postmortems').set(rest).where('incident_id', '=', p.incidentId).execute();
}

export interface PostmortemFilter {
  state?: PostmortemState[];
  /** Only reviews not published whose due time is before this ISO time. */
  dueBefore?: string;
}

export async function listPostmortems(db: Db, f: PostmortemFilter = {}): Promise<PostmortemRecord[]> {
  let q = db.selectFrom('postmortems').selectAll();
  if (f.state?.length) q = q.where('state', 'in', f.state);
  if (f.dueBefore) q = q.where('state', '!=', 'published').where('due_at', 'is not', null).where('due_at', '<', f.dueBefore);
  return (await q.orderBy('created_at', 'desc').execute()).map(toRecord);
}

/** Post-mortems published, all time. */
export async function countPublishedPostmortems(db: Db): Promise<number> {
  const r = await db
    .selectFrom('postmortems')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'published')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function markPostmortemReminded(trx: Db, incidentId: string, at: string): Promise<void> {
  await trx.updateTable('postmortems').set({ reminded_at: at }).where('incident_id', '=', incidentId).execute();
}

export async function insertActionItem(trx: Db, a: Omit<ActionItem, 'id'>): Promise<ActionItem> {
  const row = await trx
    .insertInto('action_items')
    .values({
      incident_id: a.incidentId,
      title: a.title,
      owner: a.owner,
      kind: a.kind,
      due_date: a.dueDate,
      status: a.status,
      created_at: a.createdAt,
      created_by: a.createdBy,
      done_at: a.doneAt,
      done_by: a.doneBy,
      reminded_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toActionItem(row);
}

export async function findActionItem(db: Db, id: number, opts: { lock?: Dialect } = {}): Promise<ActionItem | null> {
  let q = db.selectFrom('action_items').selectAll().where('id', '=', id);
  if (opts.lock === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toActionItem(r) : null;
}

export async function completeActionItemRow(trx: Db, id: number, at: string, by: string): Promise<void> {
  await trx.updateTable('action_items').set({ status: 'done', done_at: at, done_by: by }).where('id', '=', id).execute();
}

export interface ActionItemFilter {
  incidentId?: string;
  owner?: string;
  status?: ActionStatus;
  /** Open items due before this day (YYYY-MM-DD). */
  dueBefore?: string;
  /** Only items never reminded, or reminded before this ISO time. */
  remindedBefore?: string;
}

export async function listActionItems(db: Db, f: ActionItemFilter = {}): Promise<ActionItem[]> {
  let q = db.selectFrom('action_items').selectAll();
  if (f.incidentId) q = q.where('incident_id', '=', f.incidentId);
  if (f.owner) q = q.where('owner', '=', f.owner);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.dueBefore) q = q.where('status', '=', 'open').where('due_date', '<', f.dueBefore);
  if (f.remindedBefore) {
    const rb = f.remindedBefore;
    q = q.where((eb) => eb.or([eb('reminded_at', 'is', null), eb('reminded_at', '<', rb)]));
  }
  return (await q.orderBy('due_date', 'asc').orderBy('id', 'asc').execute()).map(toActionItem);
}

/** Action items completed, all time. */
export async function countDoneActionItems(db: Db): Promise<number> {
  const r = await db
    .selectFrom('action_items')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'done')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function markActionItemsReminded(trx: Db, ids: number[], at: string): Promise<void> {
  if (ids.length) await trx.updateTable('action_items').set({ reminded_at: at }).where('id', 'in', ids).execute();
}
