import { splitList } from '../../core/comma-list.js';
import { openBackend } from '../backend.js';
import { printIncident } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, o: { kind?: string }) {
  const backend = await openBackend(rt);
  printIncident(rt.io, await backend.show(id, { kinds: splitList(o.kind) }));
}
