import { z } from 'zod';
import { splitList } from '../../core/comma-list.js';
import { backendFor } from '../backend.js';
import { printIncidentList } from '../format-incident.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

// Severities and statuses are checked by the use case (or the server), which names the bad one.
const options = z.object({
  all: z.boolean().optional(),
  severity: z
    .string()
    .optional()
    .transform((v) => splitList(v)),
  status: z
    .string()
    .optional()
    .transform((v) => splitList(v)),
  service: z.string().optional(),
});

export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  printIncidentList(rt.io, await backend.list({ all: o.all, severity: o.severity, status: o.status, service: o.service }));
}
