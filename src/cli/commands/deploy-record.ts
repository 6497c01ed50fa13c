import { parseTimePoint } from '../../core/time.js';
import { openBackend } from '../backend.js';
import { printJson } from '../io.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, o: { service: string; version: string; kind: string; at?: string; by?: string; description?: string }) {
  const at = o.at ? parseTimePoint(o.at, new Date(), 'at').toISOString() : undefined;
  const backend = await openBackend(rt);
  const d = await backend.recordDeploy({ service: o.service, version: o.version, kind: o.kind, at, by: o.by, description: o.description });
  if (rt.io.json) return printJson(rt.io, d);
  rt.io.out(`Recorded ${d.kind} ${d.version} of ${d.service} at ${d.at} by ${d.by} (#${d.id})`);
}
