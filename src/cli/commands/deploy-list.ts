import { z } from 'zod';
import { backendFor } from '../backend.js';
import { printJson, table } from '../io.js';
import { parseOptions, timePoint, wholeNumber } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({
  service: z.string().optional(),
  since: timePoint('since').optional(),
  limit: wholeNumber('limit', 1, 10_000).default(50),
});

export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  const deploys = await backend.listDeploys({ service: o.service, since: o.since, limit: o.limit });
  if (rt.io.json) return printJson(rt.io, { deploys });
  if (!deploys.length) return rt.io.out('No deploys recorded. Record one with "warroom deploy record --service NAME --version V".');
  rt.io.out(
    table(
      deploys.map((d) => [String(d.id), d.at, d.kind, d.service, d.version, d.by, d.description ?? '']),
      ['ID', 'AT', 'KIND', 'SERVICE', 'VERSION', 'BY', 'DESCRIPTION'],
    ),
  );
}
