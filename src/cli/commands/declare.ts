import { z } from 'zod';
import { parseSeverity } from '../../core/severity.js';
import { formatDuration } from '../../core/time.js';
import { backendFor } from '../backend.js';
import { printChange } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({
  severity: z.string().transform((v) => parseSeverity(v)),
  commander: z.string().optional(),
  impact: z.string().optional(),
  service: z.array(z.string()).optional(),
});

export async function run(rt: Runtime, title: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  const r = await backend.declare({ title, severity: o.severity, commander: o.commander, impact: o.impact, services: o.service });
  const due = r.incident.derived.nextUpdateDueAt;
  printChange(
    rt.io,
    r,
    `Declared ${r.incident.id} (${r.incident.severity}): ${r.incident.title}${due ? `\nNext update due ${due} (every ${formatDuration(Date.parse(due) - Date.parse(r.incident.declaredAt))})` : ''}`,
  );
}
