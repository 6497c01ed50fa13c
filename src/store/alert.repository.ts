import type { Db } from './db.js';

/** An alert as stored: one per (source, fingerprint, incident); its labels are JSON text, already redacted. */
export interface StoredAlert {
  id: number;
  source: string;
  fingerprint: string;
  incidentId: string;
  status: 'firing' | 'resolved';
  name: string;
  service: string | null;
  labels: string;
  summary: string | null;
  startsAt: string | null;
  endsAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** The newest alert with this fingerprint attached to an incident that is still open. */
export async function findOpenIncidentAlert(
  db: Db,
  source: string,
  fingerprint: string,
): Promise<Pick<StoredAlert, 'id' | 'incidentId' | 'status'> | undefined> {
  const r = await db
    .selectFrom('alerts')
    .innerJoin('incidents', 'incidents.id', 'alerts.incident_id')
    .select(['alerts.id', 'alerts.incident_id', 'alerts.status'])
    .where('alerts.source', '=', source)
    .where('alerts.fingerprint', '=', fingerprint)
    .where('incidents.status', '!=', 'resolved')
    .orderBy('alerts.id', 'desc')
    .executeTakeFirst();
  return r ? { id: Number(r.id), incidentId: r.incident_id, status: r.status as StoredAlert['status'] } : undefined;
}

/** Inserts a firing alert; undefined when the same alert is already attached to that incident. */
export async function insertAlert(db: Db, a: Omit<StoredAlert, 'id'>): Promise<number | undefined> {
  const r = await db
    .insertInto('alerts')
    .values({
      source: a.source,
      fingerprint: a.fingerprint,
      incident_id: a.incidentId,
      status: a.status,
      name: a.name,
      service: a.service,
      labels: a.labels,
      summary: a.summary,
      starts_at: a.startsAt,
      ends_at: a.endsAt,
      first_seen_at: a.firstSeenAt,
      last_seen_at: a.lastSeenAt,
    })
    .onConflict((oc) => oc.columns(['source', 'fingerprint', 'incident_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

/** Seen again while firing. */
export async function touchAlert(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('alerts').set({ last_seen_at: at }).where('id', '=', id).execute();
}

/** Firing again after it had resolved. */
export async function refireAlert(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('alerts').set({ status: 'firing', ends_at: null, last_seen_at: at }).where('id', '=', id).execute();
}

export async function resolveAlert(db: Db, id: number, endsAt: string, at: string): Promise<void> {
  await db.updateTable('alerts').set({ status: 'resolved', ends_at: endsAt, last_seen_at: at }).where('id', '=', id).execute();
}

/** The alerts attached to an incident (what tells whether all of them resolved). */
export async function listIncidentAlerts(db: Db, incidentId: string): Promise<Pick<StoredAlert, 'id' | 'status' | 'name' | 'endsAt'>[]> {
  const rows = await db.selectFrom('alerts').select(['id', 'status', 'name', 'ends_at']).where('incident_id', '=', incidentId).execute();
  return rows.map((r) => ({ id: Number(r.id), status: r.status as StoredAlert['status'], name: r.name, endsAt: r.ends_at }));
}
