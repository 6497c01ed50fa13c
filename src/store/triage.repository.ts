import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** A stored triage report's row: the report itself is JSON (already redacted by the caller). */
export interface TriageReportRow {
  id: number;
  createdAt: string;
  actor: string;
  incident: string | null;
  state: string;
  suggestedSeverity: string | null;
  findingCount: number;
}

export async function insertTriageReport(db: Db, r: Omit<TriageReportRow, 'id'> & { report: string }): Promise<number> {
  const row = await db
    .insertInto('triage_reports')
    .values({
      created_at: r.createdAt,
      actor: r.actor,
      incident_id: r.incident,
      state: r.state,
      suggested_severity: r.suggestedSeverity,
      finding_count: r.findingCount,
      report: r.report,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** One report's JSON by id, or the newest (of an incident, when given). */
export async function findTriageReport(
  db: Db,
  id: number | 'latest',
  incident?: string,
): Promise<{ id: number; report: string } | undefined> {
  let q = db.selectFrom('triage_reports').select(['id', 'report']);
  if (id === 'latest') {
    if (incident) q = q.where('incident_id', '=', incident);
    q = q.orderBy('id', 'desc').limit(1);
  } else {
    q = q.where('id', '=', id);
  }
  const row = await q.executeTakeFirst();
  return row ? { id: Number(row.id), report: row.report } : undefined;
}

export async function listTriageReportRows(db: Db, f: { incident?: string; limit?: number } = {}): Promise<TriageReportRow[]> {
  let q = db
    .selectFrom('triage_reports')
    .select(['id', 'created_at', 'actor', 'incident_id', 'state', 'suggested_severity', 'finding_count']);
  if (f.incident) q = q.where('incident_id', '=', f.incident);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit ?? 20)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    createdAt: r.created_at,
    actor: r.actor,
    incident: r.incident_id,
    state: r.state,
    suggestedSeverity: r.suggested_severity,
    findingCount: Number(r.finding_count),
  }));
}
