import { resolve } from 'node:path';
import { validation } from '../../core/errors.js';
import { parseDuration } from '../../core/time.js';
import { getTriageReport, listTriageReports, runTriage, type TriageListItem, type TriageReport } from '../../app/run-triage.js';
import { callTriageApi } from './triage-remote.js';
import { findingLines, healthMarkdown } from '../../checks/render.js';
import { paint, printJson, table, type CliIo } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from './output-dir.js';
import { printHealth } from './health.js';

export interface TriageOptions {
  incident?: string;
  service?: string[];
  url?: string[]; tcp?: string[]; postgres?: string[]; redis?: string[]; tls?: string[]; dns?: string[]; disk?: string[];
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
  if (server && local) throw validation(`--${local}: ad hoc targets cannot be sent to a server (it only checks its own configured services); drop --server to check them from here`, local);
  const ctx = server ? null : await rt.openContext();
  const q = (o: Record<string, string | undefined>) => { const p = new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined)); return p.size ? `?${p}` : ''; };
  if (o.list) {
    const items = ctx ? await listTriageReports(ctx, { incident: o.incident }) : (await callTriageApi<{ reports: TriageListItem[] }>(rt, server!, 'GET', `/triage${q({ incident: o.incident })}`)).reports;
    if (rt.io.json) printJson(rt.io, { reports: items });
    else if (!items.length) rt.io.out('No triage reports yet: run "warroom triage".');
    else rt.io.out(table(items.map((i) => [String(i.id), i.createdAt, i.actor, i.incident ?? '', i.state, i.suggestedSeverity ?? '', String(i.findingCount)]), ['ID', 'AT', 'BY', 'INCIDENT', 'STATE', 'SUGGESTED', 'FINDINGS']));
    return 0;
  }
  let report: TriageReport;
  if (o.show) {
    const id = o.show === 'latest' ? 'latest' : Number(o.show);
    if (id !== 'latest' && (!Number.isInteger(id) || id < 1)) throw validation(`--show: expected a report id or "latest", got "${o.show}"`, 'show');
    report = ctx ? await getTriageReport(ctx, id, { incident: o.incident })
      : await callTriageApi<TriageReport>(rt, server!, 'GET', id === 'latest' ? `/triage/latest${q({ incident: o.incident })}` : `/triage/${id}`);
  } else {
    const timeoutMs = o.timeout ? parseDuration(o.timeout, 'timeout') : undefined;
    report = ctx
      ? await runTriage(ctx, { incident: o.incident, services: o.service, urls: o.url, tcp: o.tcp, postgres: o.postgres, redis: o.redis, tls: o.tls, dns: o.dns, disk: o.disk, logFiles: o.logs, timeoutMs, reportLocation: o.outputDir ? resolve(rt.io.cwd, o.outputDir, 'triage.md') : undefined })
      : await callTriageApi<TriageReport>(rt, server!, 'POST', '/triage', { incident: o.incident, services: o.service, timeout: o.timeout });
  }
  const written = o.outputDir ? writeReportFiles(rt.io.cwd, o.outputDir, { 'triage.json': `${JSON.stringify(report, null, 2)}\n`, 'triage.md': triageMarkdown(report) }) : [];
  if (rt.io.json) printJson(rt.io, report);
  else printTriage(rt.io, report, written);
  return report.findings.length === 0 && report.state === 'up' ? 0 : 1;
}

export function triageMarkdown(r: TriageReport): string {
  const lines = [`# Triage report #${r.id}`, '', `- At: ${r.createdAt} by ${r.actor} (${r.durationMs} ms)${r.incident ? `, incident ${r.incident}` : ''}`,
    `- Suggested severity: **${r.suggestedSeverity ?? 'none'}**`, ...r.summary.map((s) => `- ${s}`), '', '## Findings', ''];
  if (!r.findings.length) lines.push('No rule fired.', '');
  for (const f of r.findings) lines.push(...findingLines(f));
  lines.push('## Recent changes', '');
  if (!r.recentChanges.length) lines.push('None recorded in the window.', '');
  for (const d of r.recentChanges) lines.push(`- ${d.at} ${d.kind} ${d.service} ${d.version} by ${d.by}${d.description ? ` — ${d.description}` : ''}`);
  lines.push('', healthMarkdown(r.health).replace(/^# Health report/, '## Health'));
  for (const [name, d] of Object.entries(r.diagnoses.postgres)) lines.push(`## PostgreSQL (${name})`, '', ...d.summary.map((s) => `- ${s}`), '');
  for (const [name, d] of Object.entries(r.diagnoses.redis)) lines.push(`## Redis (${name})`, '', ...d.summary.map((s) => `- ${s}`), '');
  for (const [name, d] of Object.entries(r.diagnoses.logs)) lines.push(`## Logs (${name})`, '', ...d.summary.map((s) => `- ${s}`), '');
  return `${lines.join('\n')}\n`;
}

function printTriage(io: CliIo, r: TriageReport, written: string[]): void {
  const p = paint(io);
  io.out(p.bold(`Triage #${r.id} — ${r.durationMs} ms`));
  for (const s of r.summary) io.out(`  ${s}`);
  io.out('');
  if (!r.findings.length) io.out(p.green('No rule fired: nothing matches a known incident pattern.'));
  for (const f of r.findings) {
    const sev = f.severity === 'SEV1' ? p.red(f.severity) : f.severity === 'SEV2' ? p.yellow(f.severity) : p.cyan(f.severity);
    io.out(`${sev} ${p.bold(`${f.service}: ${f.title}`)}`);
    io.out(`  cause:    ${f.cause}`);
    for (const e of f.evidence) io.out(`  evidence: ${e}`);
    io.out(`  do first: ${f.action}`);
    io.out('');
  }
  printHealth(io, r.health);
  if (r.incident) io.out(p.dim(`\nfindings added to the timeline of ${r.incident}`));
  for (const f of written) io.out(p.dim(`wrote ${f}`));
}
