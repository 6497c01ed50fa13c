import { openBackend } from '../backend.js';
import { printIncidentList } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, o: { all?: boolean; severity?: string; status?: string; service?: string }) {
  const backend = await openBackend(rt);
  printIncidentList(rt.io, await backend.list({ all: o.all, severity: o.severity, status: o.status, service: o.service }));
}
