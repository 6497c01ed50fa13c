import { z } from 'zod';
import { runHealthCheck } from '../../app/run-health.js';
import { healthMarkdown, printHealth } from '../render.js';
import { printJson } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from '../output-dir.js';
import { checksContext } from '../checks-context.js';
import { adHocTargets, duration, parseOptions, repeatable } from '../options.js';

const options = z.object({
  ...adHocTargets,
  service: repeatable(),
  timeout: duration('timeout'),
  deadline: duration('deadline'),
  outputDir: z.string().optional(),
});

export async function run(rt: Runtime, raw: unknown): Promise<number> {
  const o = parseOptions(options, raw);
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
    timeoutMs: o.timeout,
    deadlineMs: o.deadline,
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
