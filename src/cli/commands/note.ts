import { validation } from '../../core/errors.js';
import { parseTimePoint } from '../../core/time.js';
import { openBackend } from '../backend.js';
import { printJson } from '../io.js';
import { printTimeline } from '../format-incident.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, id: string, text: string, o: { kind: string; corrects?: string; at?: string }) {
  const corrects = o.corrects === undefined ? undefined : Number(o.corrects);
  if (corrects !== undefined && (!Number.isInteger(corrects) || corrects <= 0)) throw validation(`--corrects: "${o.corrects}" is not an entry id`, 'corrects');
  const at = o.at ? parseTimePoint(o.at, new Date(), 'at').toISOString() : undefined;
  const backend = await openBackend(rt);
  const entry = await backend.addEntry(id, { text, kind: o.kind as never, corrects, at });
  if (rt.io.json) return printJson(rt.io, entry);
  printTimeline(rt.io, [entry]);
}
