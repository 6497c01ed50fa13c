import { z } from 'zod';
import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ reason: z.string().optional() });

export async function run(rt: Runtime, id: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  printChange(rt.io, await backend.reopen(id, { reason: o.reason }));
}
