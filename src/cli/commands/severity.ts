import { parseSeverity } from '../../core/severity.js';
import { openBackend } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, severity: string, o: { reason: string }) {
  const backend = await openBackend(rt);
  printChange(rt.io, await backend.changeSeverity(id, { severity: parseSeverity(severity), reason: o.reason }));
}
