import { parseStatus } from '../../core/incident.js';
import { openBackend } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, status: string, o: { note?: string }) {
  const backend = await openBackend(rt);
  printChange(rt.io, await backend.changeStatus(id, { status: parseStatus(status), note: o.note }));
}
