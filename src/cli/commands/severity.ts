import { z } from 'zod';
import { parseSeverity } from '../../core/severity.js';
import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ reason: z.string() });

export async function run(rt: Runtime, id: string, severity: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const to = parseSeverity(severity);
  const backend = await backendFor(rt);
  printChange(rt.io, await backend.changeSeverity(id, { severity: to, reason: o.reason }));
}
