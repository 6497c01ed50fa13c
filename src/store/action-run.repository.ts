import type { ActionRunRecord, RunStatus } from '../core/action-run.js';
import type { Db } from './db.js';

/** Appends one attempt to the audit log; returns its id. */
export async function insertActionRun(db: Db, r: Omit<ActionRunRecord, 'id'>): Promise<number> {
  const row = await db
    .insertInto('action_runs')
    .values({
      action: r.action,
      target: r.target,
      incident_id: r.incidentId,
      actor: r.actor,
      actor_role: r.actorRole,
      via: r.via,
      status: r.status,
      started_at: r.startedAt,
      finished_at: r.finishedAt,
      duration_ms: r.durationMs,
      exit_code: r.exitCode,
      summary: r.summary,
      data: JSON.stringify(r.data),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The attempts recorded for an incident, oldest first. */
export async function listActionRuns(db: Db, incidentId: string): Promise<ActionRunRecord[]> {
  const rows = await db.selectFrom('action_runs').selectAll().where('incident_id', '=', incidentId).orderBy('id', 'asc').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    action: r.action,
    target: r.target,
    incidentId: r.incident_id,
    actor: r.actor,
    actorRole: r.actor_role,
    via: r.via,
    status: r.status as RunStatus,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: Number(r.duration_ms),
    exitCode: r.exit_code === null ? null : Number(r.exit_code),
    summary: r.summary,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}
