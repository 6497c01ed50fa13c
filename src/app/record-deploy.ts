import { z } from 'zod';
import { validation } from '../core/errors.js';
import { DEPLOY_KINDS, type Deploy } from '../core/deploy.js';
import * as deploys from '../store/deploy.repository.js';
import { parseInput, requireRole, type AppContext } from './context.js';

// Re-exported for src/app/run-triage.ts, which still imports Deploy from here.
export { DEPLOY_KINDS, type Deploy } from '../core/deploy.js';

/** A required text field that must hold more than whitespace (the value is stored as given). */
const notBlank = (max: number) =>
  z
    .string()
    .min(1, 'must not be blank')
    .max(max)
    .refine((s) => s.trim() !== '', 'must not be blank');

export const recordDeployInputSchema = z
  .object({
    service: notBlank(100),
    version: notBlank(200),
    kind: z.enum(DEPLOY_KINDS).default('deploy'),
    at: z.iso.datetime({ offset: true }).nullish(),
    by: z.string().min(1).max(100).nullish(),
    description: z.string().max(10_000).nullish(),
  })
  .strict();

/** Records a deploy or infra change so triage can line errors up against recent changes. */
export async function recordDeploy(ctx: AppContext, input: z.input<typeof recordDeployInputSchema>): Promise<Deploy> {
  requireRole(ctx, 'responder', 'recording a deploy');
  const data = parseInput(recordDeployInputSchema, input);
  const now = ctx.now().toISOString();
  const at = data.at ? new Date(data.at).toISOString() : now;
  if (Date.parse(at) > Date.parse(now) + 5 * 60_000) throw validation('at: must not be in the future', 'at');
  return deploys.insertDeploy(
    ctx.store.db,
    {
      service: data.service,
      version: data.version,
      kind: data.kind,
      at,
      by: data.by ?? ctx.actor.name,
      description: data.description ?? null,
    },
    now,
  );
}

export async function listDeploys(ctx: AppContext, f: { service?: string; since?: string; limit?: number } = {}): Promise<Deploy[]> {
  requireRole(ctx, 'viewer', 'listing deploys');
  return deploys.listDeploys(ctx.store.db, f);
}
