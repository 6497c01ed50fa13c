import { parseRole } from '../../core/incident.js';
import { openBackend } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, o: { role: string; to: string }) {
  const backend = await openBackend(rt);
  printChange(rt.io, await backend.assignRole(id, { role: parseRole(o.role), to: o.to }));
}
