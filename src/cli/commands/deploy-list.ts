import { validation } from '../../core/errors.js';
import { parseTimePoint } from '../../core/time.js';
import { openBackend } from '../backend.js';
import { printJson, table } from '../io.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, o: { service?: string; since?: string; limit: string }) {
  const limit = Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw validation(`--limit: expected a whole number from 1 to 10000, got "${o.limit}"`, 'limit');
  const since = o.since ? parseTimePoint(o.since, new Date(), 'since').toISOString() : undefined;
  const backend = await openBackend(rt);
  const deploys = await backend.listDeploys({ service: o.service, since, limit });
  if (rt.io.json) return printJson(rt.io, { deploys });
  if (!deploys.length) return rt.io.out('No deploys recorded. Record one with "warroom deploy record --service NAME --version V".');
  rt.io.out(table(deploys.map((d) => [String(d.id), d.at, d.kind, d.service, d.version, d.by, d.description ?? '']), ['ID', 'AT', 'KIND', 'SERVICE', 'VERSION', 'BY', 'DESCRIPTION']));
}
