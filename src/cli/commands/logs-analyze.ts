import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { formatDuration, parseTimePoint } from '../../core/time.js';
import type { Deploy } from '../../core/deploy.js';
import { finalize, scanFiles, scanStream, type AnalyzeOptions } from '../../logs/analyze.js';
import { renderErrorChart } from '../../logs/chart.js';
import { emptyPartial, mergePartials } from '../../logs/scan/partial.js';
import { resolveLogFiles } from '../../logs/sources/file.js';
import { streamSources } from '../../logs/sources/index.js';
import type { LogAnalysis } from '../../logs/types.js';
import { backendFor, type Backend } from '../backend.js';
import { paint, printJson, table } from '../io.js';
import { parseOptions, wholeNumber } from '../options.js';
import type { Runtime } from '../runtime.js';

/** Since and until are time points against one clock reading (a service's window defaults to the last 15 minutes). */
const options = (now: Date) =>
  z.object({
    top: wholeNumber('top', 1, 1000),
    workers: wholeNumber('workers', 0, 64).optional(),
    service: z.string().optional(),
    since: z
      .string()
      .optional()
      .transform((v) => (v ? parseTimePoint(v, now, 'since') : undefined)),
    until: z
      .string()
      .optional()
      .transform((v) => (v ? parseTimePoint(v, now, 'until') : undefined)),
    deploys: z.boolean().optional(),
  });

/** Deploys and infra changes near the analysed time, from the local store or the server (opening). */
async function loadChanges(rt: Runtime, opening: Promise<Backend>, service: string | undefined, fromMs: number | null): Promise<Deploy[]> {
  if (fromMs === null) return [];
  try {
    const backend = await opening;
    const since = new Date(fromMs - 2 * 3_600_000).toISOString();
    const all = await backend.listDeploys({ since, limit: 1000 });
    // The service's own changes, plus infra changes, which can break anything.
    return service ? all.filter((d) => d.service === service || d.kind === 'infra') : all;
  } catch (e) {
    rt.io.err(`warning: deploys not read, so spikes are not matched to changes: ${(e as Error).message}`);
    return [];
  }
}

export async function run(rt: Runtime, files: string[], raw: unknown) {
  const now = new Date();
  const o = parseOptions(options(now), raw);
  const { top, workers } = o;
  if (!files.length && !o.service) throw validation('give log files to analyse, or --service NAME to read its configured sources', 'files');
  // A service is read for a window (default the last 15 minutes); files are read whole unless one is given.
  const wantWindow = !!(o.since || o.until || o.service);
  const window = wantWindow ? { since: o.since ?? parseTimePoint('15m', now, 'since'), until: o.until ?? now } : null;
  if (window && window.since.getTime() > window.until.getTime()) throw validation('--since: must be before --until', 'since');
  const { config } = rt.config();
  const opts: AnalyzeOptions = { window, redact: config.redact, workers, top };
  // The store (or server) is opened while the logs are read: the main thread waits on the
  // workers anyway. A failure is reported once the deploys are wanted (a warning, not fatal).
  const opening = o.deploys === false ? null : backendFor(rt);
  opening?.catch(() => {});
  let partial = emptyPartial();
  if (files.length) partial = mergePartials(partial, await scanFiles(resolveLogFiles(files, { rotated: false, cwd: rt.io.cwd }), opts));
  if (o.service) {
    const svc = config.services?.[o.service];
    if (!svc) throw validation(`--service: no service "${o.service}" in ${rt.config().path ?? 'warroom.yaml (none found)'}`, 'service');
    const src = svc.logs;
    if (!src || (!src.file && !src.docker && !src.journald && !src.command))
      throw validation(
        `services.${o.service}.logs: no log source configured (set file, docker, journald or command)`,
        `services.${o.service}.logs`,
      );
    if (src.file)
      partial = mergePartials(
        partial,
        await scanFiles(
          resolveLogFiles(src.file, { since: window!.since, cwd: rt.io.cwd, field: `services.${o.service}.logs.file` }),
          opts,
        ),
      );
    for (const s of streamSources(svc, window!, { service: o.service })) partial = mergePartials(partial, await scanStream(s.open(), opts));
  }
  const from = window ? window.since.getTime() : partial.firstMs;
  const deploys = opening ? await loadChanges(rt, opening, o.service, from) : [];
  const analysis = finalize(partial, { ...opts, deploys });
  if (rt.io.json) return printJson(rt.io, analysis);
  rt.io.out(renderText(rt, analysis));
}

function renderText(rt: Runtime, a: LogAnalysis): string {
  const p = paint(rt.io);
  const t = a.totals;
  const out: string[] = [];
  const span =
    t.firstTimestamp && t.lastTimestamp
      ? `${t.firstTimestamp} → ${t.lastTimestamp} (${formatDuration(Date.parse(t.lastTimestamp) - Date.parse(t.firstTimestamp))})`
      : 'no timestamps';
  const formats = Object.entries(t.formats)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  out.push(
    p.bold(
      `${t.linesInWindow.toLocaleString('en')} lines${a.window ? ` in window (of ${t.lines.toLocaleString('en')} read)` : ''}, ${(t.bytes / 1048576).toFixed(1)} MiB, ${span}`,
    ),
  );
  out.push(
    `formats: ${formats || 'none'}${t.malformed ? `; ${p.yellow(`${t.malformed} malformed lines skipped`)}` : ''}${t.undated ? `; ${t.undated} undated` : ''}`,
  );
  const rate = t.linesInWindow ? ` (${((a.errorEvents / t.linesInWindow) * 100).toFixed(2)}% of lines)` : '';
  out.push(`${a.errorEvents ? p.red(`${a.errorEvents.toLocaleString('en')} error events`) : p.green('no error events')}${rate}`);
  if (a.spike) out.push('', p.bold(p.red(`Spike: ${a.spike.summary}`)));
  if (a.errorRatePerMinute.length)
    out.push('', p.bold('Errors per minute (UTC)'), renderErrorChart(a.errorRatePerMinute, { mark: a.spike?.minute ?? null }));
  if (a.topFailingEndpoints.length) {
    out.push('', p.bold('Top failing endpoints'));
    out.push(
      table(
        a.topFailingEndpoints.map((e) => [
          String(e.errors),
          e.endpoint,
          Object.entries(e.statuses)
            .sort((x, y) => y[1] - x[1])
            .map(([s, n]) => `${s}×${n}`)
            .join(' '),
          e.requests ? `${((e.errors / e.requests) * 100).toFixed(1)}% of ${e.requests}` : '',
        ]),
        ['ERRORS', 'ENDPOINT', 'STATUSES', 'RATE'],
      ),
    );
  }
  if (a.signatures.length) {
    out.push('', p.bold('Error signatures'));
    out.push(
      table(
        a.signatures.map((s) => [
          String(s.count),
          s.type,
          truncate(s.template, 70),
          s.firstSeen?.slice(11, 19) ?? '',
          s.lastSeen?.slice(11, 19) ?? '',
        ]),
        ['COUNT', 'TYPE', 'MESSAGE', 'FIRST', 'LAST'],
      ),
    );
  }
  if (a.latency.length) {
    out.push('', p.bold('Latency (ms)'));
    out.push(
      table(
        a.latency.map((l) => [l.endpoint, String(l.count), fmt(l.p50), fmt(l.p95), fmt(l.p99), fmt(l.max)]),
        ['ENDPOINT', 'COUNT', 'P50', 'P95', 'P99', 'MAX'],
      ),
    );
  }
  return out.join('\n');
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
