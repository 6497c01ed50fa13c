import { z } from 'zod';
import { NOTE_KINDS } from '../../core/incident.js';
import { backendFor } from '../backend.js';
import { printJson } from '../io.js';
import { printTimeline } from '../format-incident.js';
import { oneOf, parseOptions, timePoint, wholeNumber } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({
  kind: oneOf(NOTE_KINDS).default('note'),
  corrects: wholeNumber('corrects', 1, Number.MAX_SAFE_INTEGER, (v) => `--corrects: "${v}" is not an entry id`).optional(),
  at: timePoint('at').optional(),
});

export async function run(rt: Runtime, id: string, text: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  const entry = await backend.addEntry(id, { text, kind: o.kind, corrects: o.corrects, at: o.at });
  if (rt.io.json) return printJson(rt.io, entry);
  printTimeline(rt.io, [entry]);
}
