import { parseDuration } from '../../core/time.js';
import { runHealthCheck } from '../../app/run-health.js';
import { healthMarkdown, printHealth } from '../render.js';
import { printJson } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from '../output-dir.js';
import { checksContext } from '../checks-context.js';

export interface HealthOptions {
  url?: string[];
  tcp?: string[];
  postgres?: string[];
  redis?: string[];
  tls?: string[];
  dns?: string[];
  disk?: string[];
  service?: string[];
  timeout?: string;
  deadline?: string;
  outputDir?: string;
}

export async function run(rt: Runtime, o: HealthOptions): Promise<number> {
  const timeoutMs = o.timeout ? parseDuration(o.timeout, 'timeout') : undefined;
  const deadlineMs = o.deadline ? parseDuration(o.deadline, 'deadline') : undefined;
  const ctx = checksContext(rt);
  const report = await runHealthCheck(ctx, {
    urls: o.url,
    tcp: o.tcp,
    postgres: o.postgres,
    redis: o.redis,
    tls: o.tls,
    dns: o.dns,
    disk: o.disk,
    services: o.service,
    timeoutMs,
    deadlineMs,
  });
  const written = o.outputDir
    ? writeReportFiles(rt.io.cwd, o.outputDir, {
        'health.json': `${JSON.stringify(report, null, 2)}\n`,
        'health.md': healthMarkdown(report),
      })
    : [];
  if (rt.io.json) printJson(rt.io, report);
  else printHealth(rt.io, report, written);
  return report.state === 'up' ? 0 : 1;
}
