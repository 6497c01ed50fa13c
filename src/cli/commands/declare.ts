import { parseSeverity } from '../../core/severity.js';
import { formatDuration } from '../../core/time.js';
import { openBackend } from '../backend.js';
import { printChange } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, title: string, o: { severity: string; commander?: string; impact?: string; service?: string[] }) {
  const backend = await openBackend(rt);
  const r = await backend.declare({ title, severity: parseSeverity(o.severity), commander: o.commander, impact: o.impact, services: o.service });
  const due = r.incident.derived.nextUpdateDueAt;
  printChange(rt.io, r, `Declared ${r.incident.id} (${r.incident.severity}): ${r.incident.title}${due ? `\nNext update due ${due} (every ${formatDuration(Date.parse(due) - Date.parse(r.incident.declaredAt))})` : ''}`);
}
