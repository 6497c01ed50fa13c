import { z } from 'zod';
import { DEPLOY_KINDS } from '../../core/deploy.js';
import { backendFor } from '../backend.js';
import { printJson } from '../io.js';
import { oneOf, parseOptions, timePoint } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({
  service: z.string(),
  version: z.string(),
  kind: oneOf(DEPLOY_KINDS).default('deploy'),
  at: timePoint('at').optional(),
  by: z.string().optional(),
  description: z.string().optional(),
});

export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  const d = await backend.recordDeploy({
    service: o.service,
    version: o.version,
    kind: o.kind,
    at: o.at,
    by: o.by,
    description: o.description,
  });
  if (rt.io.json) return printJson(rt.io, d);
  rt.io.out(`Recorded ${d.kind} ${d.version} of ${d.service} at ${d.at} by ${d.by} (#${d.id})`);
}
