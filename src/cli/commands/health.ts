import { parseDuration } from '../../core/time.js';
import { runHealthCheck } from '../../app/run-health.js';
import { describeEvidence, healthMarkdown } from '../../checks/render.js';
import type { HealthReport } from '../../checks/types.js';
import { paint, printJson, table, type CliIo } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from './output-dir.js';
import { checksContext } from './checks-context.js';

export interface HealthOptions {
  url?: string[]; tcp?: string[]; postgres?: string[]; redis?: string[]; tls?: string[]; dns?: string[]; disk?: string[];
  service?: string[];
  timeout?: string;
  deadline?: string;
  outputDir?: string;
}

export async function run(rt: Runtime, o: HealthOptions): Promise<number> {
  const timeoutMs = o.timeout ? parseDuration(o.timeout, 'timeout') : undefined;
  const deadlineMs = o.deadline ? parseDuration(o.deadline, 'deadline') : undefined;
  const ctx = checksContext(rt);
  const report = await runHealthCheck(ctx, { urls: o.url, tcp: o.tcp, postgres: o.postgres, redis: o.redis, tls: o.tls, dns: o.dns, disk: o.disk, services: o.service, timeoutMs, deadlineMs });
  const written = o.outputDir ? writeReportFiles(rt.io.cwd, o.outputDir, { 'health.json': `${JSON.stringify(report, null, 2)}\n`, 'health.md': healthMarkdown(report) }) : [];
  if (rt.io.json) printJson(rt.io, report);
  else printHealth(rt.io, report, written);
  return report.state === 'up' ? 0 : 1;
}

export function printHealth(io: CliIo, r: HealthReport, written: string[] = []): void {
  const p = paint(io);
  const colour = (s: string) => (s === 'up' ? p.green(s) : s === 'degraded' ? p.yellow(s) : p.red(s));
  const rows: string[][] = [];
  for (const s of r.services) {
    s.checks.forEach((c, i) => rows.push([i === 0 ? s.service : '', i === 0 ? colour(s.state) : '', c.kind, c.target, `${c.latencyMs} ms`, c.error ?? describeEvidence(c)]));
  }
  io.out(table(rows, ['SERVICE', 'STATE', 'CHECK', 'TARGET', 'LATENCY', 'EVIDENCE']));
  io.out(`\n${colour(r.state)}: ${r.counts.up} up, ${r.counts.degraded} degraded, ${r.counts.down} down in ${r.durationMs} ms`);
  if (r.skipped.length) io.out(p.dim(`not checked (no probes): ${r.skipped.join(', ')}`));
  for (const f of written) io.out(p.dim(`wrote ${f}`));
}
