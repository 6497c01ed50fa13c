import { resolve } from 'node:path';
import { validation } from '../../core/errors.js';
import { parseDuration } from '../../core/time.js';
import { causesOf, type TriageReport } from '../../app/run-triage.js';
import { backendFor } from '../backend.js';
import { printTriage, triageMarkdown } from '../triage-render.js';
import { printJson, table } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from '../output-dir.js';

export interface TriageOptions {
  incident?: string;
  service?: string[];
  url?: string[];
  tcp?: string[];
  postgres?: string[];
  redis?: string[];
  tls?: string[];
  dns?: string[];
  disk?: string[];
  /** Log files to read for the ad hoc targets. */
  logs?: string[];
  timeout?: string;
  outputDir?: string;
  show?: string;
  list?: boolean;
}

export async function run(rt: Runtime, o: TriageOptions): Promise<number> {
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
  if (o.show) {
    const id = o.show === 'latest' ? 'latest' : Number(o.show);
    if (id !== 'latest' && (!Number.isInteger(id) || id < 1))
      throw validation(`--show: expected a report id or "latest", got "${o.show}"`, 'show');
    report = await backend.getTriageReport(id, { incident: o.incident });
  } else {
    const timeoutMs = o.timeout ? parseDuration(o.timeout, 'timeout') : undefined;
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
      timeoutMs,
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
