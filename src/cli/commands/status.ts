import { z } from 'zod';
import { parseStatus } from '../../core/incident.js';
import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ note: z.string().optional() });

export async function run(rt: Runtime, id: string, status: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const to = parseStatus(status);
  const backend = await backendFor(rt);
  printChange(rt.io, await backend.changeStatus(id, { status: to, note: o.note }));
}
