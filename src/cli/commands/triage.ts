import { resolve } from 'node:path';
import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { causesOf, type TriageReport } from '../../app/run-triage.js';
import { backendFor } from '../backend.js';
import { printTriage, triageMarkdown } from '../triage-render.js';
import { printJson, table } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from '../output-dir.js';
import { adHocTargets, duration, parseOptions, repeatable } from '../options.js';

const options = z.object({
  incident: z.string().optional(),
  service: repeatable(),
  ...adHocTargets,
  /** Log files to read for the ad hoc targets. */
  logs: repeatable(),
  timeout: duration('timeout'),
  outputDir: z.string().optional(),
  /** A stored report: its id, or the latest. */
  show: z
    .string()
    .optional()
    .transform((v) => {
      if (!v) return undefined;
      if (v === 'latest') return v;
      const id = Number(v);
      if (!Number.isInteger(id) || id < 1) throw validation(`--show: expected a report id or "latest", got "${v}"`, 'show');
      return id;
    }),
  list: z.boolean().optional(),
});

export async function run(rt: Runtime, raw: unknown): Promise<number> {
  const o = parseOptions(options, raw);
  const server = rt.serverUrl();
  const local = (['url', 'tcp', 'postgres', 'redis', 'tls', 'dns', 'disk', 'logs'] as const).find((k) => o[k]?.length);
  if (server && local)
    throw validation(
      `--${local}: ad hoc targets cannot be sent to a server (it only checks its own configured services); drop --server to check them from here`,
      local,
    );
  const backend = await backendFor(rt);
  if (o.list) {
    const items = await backend.listTriageReports({ incident: o.incident });
    if (rt.io.json) printJson(rt.io, { reports: items });
    else if (!items.length) rt.io.out('No triage reports yet: run "warroom triage".');
    else
      rt.io.out(
        table(
          items.map((i) => [
            String(i.id),
            i.createdAt,
            i.actor,
            i.incident ?? '',
            i.state,
            i.suggestedSeverity ?? '',
            String(i.findingCount),
          ]),
          ['ID', 'AT', 'BY', 'INCIDENT', 'STATE', 'SUGGESTED', 'FINDINGS'],
        ),
      );
    return 0;
  }
  let report: TriageReport;
  if (o.show !== undefined) {
    report = await backend.getTriageReport(o.show, { incident: o.incident });
  } else {
    report = await backend.runTriage({
      incident: o.incident,
      services: o.service,
      urls: o.url,
      tcp: o.tcp,
      postgres: o.postgres,
      redis: o.redis,
      tls: o.tls,
      dns: o.dns,
      disk: o.disk,
      logFiles: o.logs,
      timeoutMs: o.timeout,
      reportLocation: o.outputDir ? resolve(rt.io.cwd, o.outputDir, 'triage.md') : undefined,
    });
  }
  const written = o.outputDir
    ? writeReportFiles(rt.io.cwd, o.outputDir, {
        'triage.json': `${JSON.stringify(report, null, 2)}\n`,
        'triage.md': triageMarkdown(report),
      })
    : [];
  if (rt.io.json) printJson(rt.io, report);
  else printTriage(rt.io, report, written);
  return causesOf(report).length === 0 && report.state === 'up' ? 0 : 1;
}
