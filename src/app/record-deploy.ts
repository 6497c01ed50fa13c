import { z } from 'zod';
import { validation } from '../core/errors.js';
import { DEPLOY_KINDS, type Deploy } from '../core/deploy.js';
import { parseInput, requireRole, type AppContext } from './context.js';

// Re-exported for src/app/run-triage.ts, which still imports Deploy from here.
export { DEPLOY_KINDS, type Deploy } from '../core/deploy.js';

export const recordDeployInputSchema = z.object({
  service: z.string().min(1).max(100),
  version: z.string().min(1).max(200),
  kind: z.enum(DEPLOY_KINDS).default('deploy'),
  at: z.iso.datetime({ offset: true }).nullish(),
  by: z.string().min(1).max(100).nullish(),
  description: z.string().max(10_000).nullish(),
}).strict();

/** Records a deploy or infra change so triage can line errors up against recent changes. */
export async function recordDeploy(ctx: AppContext, input: z.input<typeof recordDeployInputSchema>): Promise<Deploy> {
  requireRole(ctx, 'responder', 'recording a deploy');
  const data = parseInput(recordDeployInputSchema, input);
  const now = ctx.now().toISOString();
  const at = data.at ? new Date(data.at).toISOString() : now;
  if (Date.parse(at) > Date.parse(now) + 5 * 60_000) throw validation('at: must not be in the future', 'at');
  const row = await ctx.store.db.insertInto('deploys').values({
    service: data.service, version: data.version, kind: data.kind, at, by: data.by ?? ctx.actor.name, description: data.description ?? null, created_at: now,
  }).returningAll().executeTakeFirstOrThrow();
  return { id: Number(row.id), service: row.service, version: row.version, kind: row.kind as Deploy['kind'], at: row.at, by: row.by, description: row.description };
}

export async function listDeploys(ctx: AppContext, f: { service?: string; since?: string; limit?: number } = {}): Promise<Deploy[]> {
  requireRole(ctx, 'viewer', 'listing deploys');
  let q = ctx.store.db.selectFrom('deploys').selectAll();
  if (f.service) q = q.where('service', '=', f.service);
  if (f.since) q = q.where('at', '>=', f.since);
  const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(f.limit ?? 100).execute();
  return rows.map((r) => ({ id: Number(r.id), service: r.service, version: r.version, kind: r.kind as Deploy['kind'], at: r.at, by: r.by, description: r.description }));
}
