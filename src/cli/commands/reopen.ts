import { openBackend } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, o: { reason?: string }) {
  const backend = await openBackend(rt);
  printChange(rt.io, await backend.reopen(id, { reason: o.reason }));
}
