import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import {
  formatIncidentId,
  type Incident,
  type NewTimelineEntry,
  type Status,
  type TimelineEntry,
  type TimelineKind,
} from '../core/incident.js';
import type { Severity } from '../core/severity.js';
import { notFound } from '../core/errors.js';
import type { Database, IncidentsTable, TimelineTable } from './schema.js';
import type { Dialect, Store } from './db.js';

type Db = Kysely<Database>;

function toIncident(r: Selectable<IncidentsTable>): Incident {
  return {
    id: r.id,
    seq: Number(r.seq),
    title: r.title,
    severity: r.severity as Severity,
    status: r.status as Status,
    impact: r.impact,
    summary: r.summary,
    services: JSON.parse(r.services),
    roles: JSON.parse(r.roles),
    createdBy: r.created_by,
    declaredAt: r.declared_at,
    acknowledgedAt: r.acknowledged_at,
    mitigatedAt: r.mitigated_at,
    resolvedAt: r.resolved_at,
    updatedAt: r.updated_at,
  };
}

function toRow(i: Incident): IncidentsTable {
  return {
    id: i.id,
    seq: i.seq,
    title: i.title,
    severity: i.severity,
    status: i.status,
    impact: i.impact,
    summary: i.summary,
    services: JSON.stringify(i.services),
    roles: JSON.stringify(i.roles),
    created_by: i.createdBy,
    declared_at: i.declaredAt,
    acknowledged_at: i.acknowledgedAt,
    mitigated_at: i.mitigatedAt,
    resolved_at: i.resolvedAt,
    updated_at: i.updatedAt,
  };
}

export function toEntry(r: Selectable<TimelineTable>): TimelineEntry {
  return {
    id: Number(r.id),
    incidentId: r.incident_id,
    at: r.at,
    author: r.author,
    kind: r.kind as TimelineKind,
    text: r.text,
    corrects: r.corrects === null ? null : Number(r.corrects),
    data: r.data ? JSON.parse(r.data) : null,
  };
}

/**
 * Allocates the next number of a named sequence in one atomic statement, so ids stay unique
 * and gap-free across processes and server instances sharing one database.
 */
export async function nextSequence(trx: Db, name: string): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set({ value: sql`value + 1` })
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirst();
  if (row) return Number(row.value);
  // First use: insert, tolerating a concurrent first insert.
  const inserted = await trx
    .insertInto('counters')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('value')
    .executeTakeFirst();
  if (inserted) return 1;
  return nextSequence(trx, name);
}

export async function insertIncident(trx: Db, inc: Omit<Incident, 'id' | 'seq'>): Promise<Incident> {
  const seq = await nextSequence(trx, 'incident');
  const full: Incident = { ...inc, id: formatIncidentId(seq), seq };
  await trx.insertInto('incidents').values(toRow(full)).execute();
  return full;
}

export async function findIncident(db: Db, id: string, opts: { lock?: Dialect } = {}): Promise<Incident | null> {
  let q = db.selectFrom('incidents').selectAll().where('id', '=', id);
  if (opts.lock === 'postgres') q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toIncident(r) : null;
}

/** Several incidents by id, one query per 500 ids (a batch of timers, for instance). */
export async function findIncidents(db: Db, ids: string[]): Promise<Map<string, Incident>> {
  const out = new Map<string, Incident>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('incidents')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, toIncident(r));
  }
  return out;
}

export async function getIncident(db: Db, id: string, opts: { lock?: Dialect } = {}): Promise<Incident> {
  const inc = await findIncident(db, id, opts);
  if (!inc) throw notFound(`incident ${id} not found (see "warroom list --all")`);
  return inc;
}

export async function saveIncident(trx: Db, inc: Incident): Promise<void> {
  const { id: _id, seq: _seq, ...rest } = toRow(inc);
  await trx.updateTable('incidents').set(rest).where('id', '=', inc.id).execute();
}

export interface IncidentFilter {
  /** Include resolved incidents. */
  all?: boolean;
  status?: Status[];
  severity?: Severity[];
  service?: string;
  /** Only incidents declared at or after this ISO time. */
  since?: string;
  limit?: number;
}

/** Incidents per severity, all time or (open) only those not resolved. */
export async function countIncidentsBySeverity(db: Db, f: { open?: boolean } = {}): Promise<Record<string, number>> {
  let q = db.selectFrom('incidents').select(['severity', (eb) => eb.fn.countAll<number>().as('n')]);
  if (f.open) q = q.where('status', '!=', 'resolved');
  const rows = await q.groupBy('severity').execute();
  return Object.fromEntries(rows.map((r) => [r.severity, Number(r.n)]));
}

export async function listIncidents(db: Db, f: IncidentFilter = {}): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll();
  if (f.status?.length) q = q.where('status', 'in', f.status);
  else if (!f.all) q = q.where('status', '!=', 'resolved');
  if (f.severity?.length) q = q.where('severity', 'in', f.severity);
  if (f.since) q = q.where('declared_at', '>=', f.since);
  if (f.service) q = q.where('services', 'like', `%${JSON.stringify(f.service)}%`);
  q = q.orderBy('seq', 'desc');
  if (f.limit) q = q.limit(f.limit);
  return (await q.execute()).map(toIncident);
}

/**
 * The single-entry INSERT is the hottest query warroom runs; its SQL is compiled once per
 * database handle and reused with new parameters, skipping Kysely's per-call build and compile.
 */
const singleInsertSql = new WeakMap<object, string>();

function singleInsert(db: Db, incidentId: string, e: NewTimelineEntry): { sqlText: string; parameters: unknown[] } {
  let sqlText = singleInsertSql.get(db);
  if (!sqlText) {
    sqlText = db
      .insertInto('timeline')
      .values({ incident_id: '', at: '', author: '', kind: '', text: '', corrects: null, data: null })
      .returningAll()
      .compile().sql;
    singleInsertSql.set(db, sqlText);
  }
  return { sqlText, parameters: [incidentId, e.at, e.author, e.kind, e.text, e.corrects, e.data ? JSON.stringify(e.data) : null] };
}

export async function appendEntries(trx: Db, incidentId: string, entries: NewTimelineEntry[]): Promise<TimelineEntry[]> {
  if (entries.length === 0) return [];
  if (entries.length === 1) {
    const { sqlText, parameters } = singleInsert(trx, incidentId, entries[0]);
    const { rows } = await trx.executeQuery<Selectable<TimelineTable>>(CompiledQuery.raw(sqlText, parameters));
    return rows.map(toEntry);
  }
  const rows = await trx
    .insertInto('timeline')
    .values(
      entries.map((e) => ({
        incident_id: incidentId,
        at: e.at,
        author: e.author,
        kind: e.kind,
        text: e.text,
        corrects: e.corrects,
        data: e.data ? JSON.stringify(e.data) : null,
      })),
    )
    .returningAll()
    .execute();
  return rows.map(toEntry);
}

/**
 * Appends one entry outside any transaction (it commits on its own): the hot path of every
 * timeline note. SQLite runs it at once when the connection is free (store.executeNow).
 */
export async function appendEntry(store: Store, incidentId: string, e: NewTimelineEntry): Promise<TimelineEntry> {
  const { sqlText, parameters } = singleInsert(store.db, incidentId, e);
  const { rows } =
    store.executeNow?.<Selectable<TimelineTable>>(sqlText, parameters) ??
    (await store.db.executeQuery<Selectable<TimelineTable>>(CompiledQuery.raw(sqlText, parameters)));
  return toEntry(rows[0]);
}

export interface TimelineQuery {
  afterId?: number;
  kinds?: TimelineKind[];
  limit?: number;
}

export async function listTimeline(db: Db, incidentId: string, q: TimelineQuery = {}): Promise<TimelineEntry[]> {
  let s = db.selectFrom('timeline').selectAll().where('incident_id', '=', incidentId);
  if (q.afterId !== undefined) s = s.where('id', '>', q.afterId);
  if (q.kinds?.length) s = s.where('kind', 'in', q.kinds);
  s = s.orderBy('id', 'asc');
  if (q.limit) s = s.limit(q.limit);
  return (await s.execute()).map(toEntry);
}

/**
 * The entries of these kinds of many incidents, in id order within each incident. Chunked IN
 * lists keep every statement within both databases' parameter limits.
 */
export async function listTimelineOf(db: Db, incidentIds: string[], kinds: TimelineKind[]): Promise<TimelineEntry[]> {
  const out: TimelineEntry[] = [];
  for (let i = 0; i < incidentIds.length; i += 500) {
    const rows = await db
      .selectFrom('timeline')
      .selectAll()
      .where('incident_id', 'in', incidentIds.slice(i, i + 500))
      .where('kind', 'in', kinds)
      .orderBy('id')
      .execute();
    out.push(...rows.map(toEntry));
  }
  return out;
}

export async function findEntry(db: Db, incidentId: string, entryId: number): Promise<TimelineEntry | null> {
  const r = await db.selectFrom('timeline').selectAll().where('incident_id', '=', incidentId).where('id', '=', entryId).executeTakeFirst();
  return r ? toEntry(r) : null;
}

/** Time of the last posted update per incident; the cadence clock is derived from it. */
export async function lastUpdateTimes(db: Db, incidentIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (incidentIds.length === 0) return out;
  const rows = await db
    .selectFrom('timeline')
    .select(['incident_id', (eb) => eb.fn.max('at').as('last')])
    .where('kind', '=', 'update')
    .where('incident_id', 'in', incidentIds)
    .groupBy('incident_id')
    .execute();
  for (const r of rows) if (r.last) out.set(r.incident_id, String(r.last));
  return out;
}
