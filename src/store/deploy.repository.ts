import type { Selectable } from 'kysely';
import type { Deploy } from '../core/deploy.js';
import type { Db } from './db.js';
import type { DeploysTable } from './schema.js';

function toDeploy(r: Selectable<DeploysTable>): Deploy {
  return {
    id: Number(r.id),
    service: r.service,
    version: r.version,
    kind: r.kind as Deploy['kind'],
    at: r.at,
    by: r.by,
    description: r.description,
  };
}

export async function insertDeploy(db: Db, d: Omit<Deploy, 'id'>, createdAt: string): Promise<Deploy> {
  const row = await db
    .insertInto('deploys')
    .values({
      service: d.service,
      version: d.version,
      kind: d.kind,
      at: d.at,
      by: d.by,
      description: d.description,
      created_at: createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDeploy(row);
}

export interface DeployFilter {
  service?: string;
  /** Only deploys at or after this ISO time. */
  since?: string;
  limit?: number;
}

/** Newest first. */
export async function listDeploys(db: Db, f: DeployFilter = {}): Promise<Deploy[]> {
  let q = db.selectFrom('deploys').selectAll();
  if (f.service) q = q.where('service', '=', f.service);
  if (f.since) q = q.where('at', '>=', f.since);
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit ?? 100)
    .execute();
  return rows.map(toDeploy);
}
