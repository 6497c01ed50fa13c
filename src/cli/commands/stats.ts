import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { formatDuration } from '../../core/time.js';
import type { Ratio } from '../../core/insights.js';
import { printJson, table } from '../io.js';
import type { Runtime } from '../runtime.js';
import { backendFor } from '../backend.js';
import { parseOptions } from '../options.js';

// The window ("90d") is parsed by the use case (or the server), which names the problem.
const options = z.object({ since: z.string() });

const pct = (r: Ratio) => (r.percent === null ? '—' : `${r.percent}% (${r.met}/${r.total})`);
const dur = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const s = await (await backendFor(rt)).stats(o.since);
  if (rt.io.json) return printJson(rt.io, s);
  const io = rt.io;
  io.out(`Incidents declared since ${s.since} (${o.since}): ${s.incidents.total}, ${s.incidents.open} still open`);
  io.out(
    table(
      SEVERITIES.map((sev) => [
        sev,
        String(s.incidents.bySeverity[sev]),
        dur(s.timeToAcknowledge[sev].meanMs),
        dur(s.timeToAcknowledge[sev].medianMs),
        dur(s.timeToResolve[sev].meanMs),
        dur(s.timeToResolve[sev].medianMs),
      ]),
      ['SEVERITY', 'COUNT', 'TTA MEAN', 'TTA MEDIAN', 'TTR MEAN', 'TTR MEDIAN'],
    ),
  );
  const services = Object.entries(s.incidents.byService).sort((a, b) => b[1] - a[1]);
  if (services.length)
    io.out(
      `\n${table(
        services.map(([k, v]) => [k, String(v)]),
        ['SERVICE', 'INCIDENTS'],
      )}`,
    );
  io.out('');
  io.out(
    table([
      ['Response-time target met', pct(s.responseTarget)],
      ['Update cadence kept', pct(s.updateCadence)],
      ['Post-mortems published on time', pct(s.postmortems.onTime)],
      ['Post-mortems overdue', String(s.postmortems.overdue)],
      [
        'Post-mortems (none/draft/review/published)',
        `${s.postmortems.byState.none}/${s.postmortems.byState.draft}/${s.postmortems.byState.in_review}/${s.postmortems.byState.published} of ${s.postmortems.required} required`,
      ],
      ['Action items open / overdue / done', `${s.actionItems.open} / ${s.actionItems.overdue} / ${s.actionItems.done}`],
    ]),
  );
}
