import { formatDuration } from '../../core/time.js';
import { openBackend } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, o: { summary?: string }) {
  const backend = await openBackend(rt);
  const r = await backend.resolve(id, { summary: o.summary });
  printChange(rt.io, r, `Resolved ${r.incident.id} after ${formatDuration(r.incident.derived.durationMs)}.`);
}
