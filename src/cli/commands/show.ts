import { z } from 'zod';
import { splitList } from '../../core/comma-list.js';
import { backendFor } from '../backend.js';
import { printIncident } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({
  kind: z
    .string()
    .optional()
    .transform((v) => splitList(v)),
});

export async function run(rt: Runtime, id: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  printIncident(rt.io, await backend.show(id, { kinds: o.kind }));
}
