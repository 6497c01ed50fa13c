import { z } from 'zod';
import { parseRole } from '../../core/incident.js';
import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

// parseRole also takes the aliases people type (ic, comms, communications lead).
const options = z.object({ role: z.string().transform((v) => parseRole(v)), to: z.string() });

export async function run(rt: Runtime, id: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  printChange(rt.io, await backend.assignRole(id, { role: o.role, to: o.to }));
}
