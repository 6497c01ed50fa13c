import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { parseTimePoint } from '../../core/time.js';
import { fetchServiceLogs } from '../../logs/fetch.js';
import { paint, printJson, table } from '../io.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

/** The window is read against one clock reading, so "until" defaults to the same now as "since" counts back from. */
const options = (now: Date) =>
  z.object({
    service: z.string(),
    since: z.string().transform((v) => parseTimePoint(v, now, 'since')),
    until: z
      .string()
      .optional()
      .transform((v) => (v ? parseTimePoint(v, now, 'until') : now)),
    outputDir: z.string(),
  });

export async function run(rt: Runtime, raw: unknown) {
  const now = new Date();
  const o = parseOptions(options(now), raw);
  const window = { since: o.since, until: o.until };
  const { config, path } = rt.config();
  const svc = config.services?.[o.service];
  if (!svc) throw validation(`--service: no service "${o.service}" in ${path ?? 'warroom.yaml (none found)'}`, 'service');
  const manifest = await fetchServiceLogs(o.service, svc, window, o.outputDir, { redact: config.redact, cwd: rt.io.cwd, now });
  const failed = manifest.sources.filter((s) => s.error).length;
  if (rt.io.json) printJson(rt.io, manifest);
  else {
    const p = paint(rt.io);
    rt.io.out(`Logs of ${o.service} from ${manifest.window.since} to ${manifest.window.until} → ${manifest.outputDir}`);
    rt.io.out(
      table(
        manifest.sources.map((s) => [
          s.source,
          s.error ? p.red('failed') : 'ok',
          String(s.lines),
          String(s.bytes),
          s.file ?? '',
          s.error ?? s.target,
        ]),
        ['SOURCE', 'STATUS', 'LINES', 'BYTES', 'FILE', 'DETAIL'],
      ),
    );
  }
  // Partial success still writes what it could; the exit code says something is missing.
  return failed ? 1 : 0;
}
