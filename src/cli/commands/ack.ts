import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string) {
  const backend = await backendFor(rt);
  printChange(rt.io, await backend.acknowledge(id));
}
