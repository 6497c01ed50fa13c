import { z } from 'zod';
import { formatDuration } from '../../core/time.js';
import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ summary: z.string().optional() });

export async function run(rt: Runtime, id: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  const r = await backend.resolve(id, { summary: o.summary });
  printChange(rt.io, r, `Resolved ${r.incident.id} after ${formatDuration(r.incident.derived.durationMs)}.`);
}
