import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { runAppDiagnosis, runNetworkDiagnosis, runPostgresDiagnosis, runRedisDiagnosis } from '../../app/run-diagnosis.js';
import { genericMarkdown, lockTreeLines, postgresMarkdown, redisMarkdown } from '../render.js';
import { paint, printJson, table } from '../io.js';
import type { Runtime } from '../runtime.js';
import { writeReportFiles } from '../output-dir.js';
import { checksContext } from '../checks-context.js';
import { duration, parseOptions, repeatable } from '../options.js';

const options = z.object({
  service: z.string().optional(),
  url: z.string().optional(),
  timeout: duration('timeout'),
  longQuery: duration('long-query'),
  idleInTransaction: duration('idle-in-transaction'),
  // The app diagnosis reads it as a time point (its use case words the problem).
  since: z.string().optional(),
  host: repeatable(),
  disk: repeatable(),
  outputDir: z.string().optional(),
});

const KINDS = ['postgres', 'redis', 'app', 'network'] as const;

export async function run(rt: Runtime, kind: string, service: string | undefined, raw: unknown): Promise<number> {
  if (!(KINDS as readonly string[]).includes(kind))
    throw validation(`unknown diagnosis "${kind}" (expected one of ${KINDS.join(', ')})`, 'kind');
  const o = parseOptions(options, raw);
  const svc = o.service ?? service;
  const timeoutMs = o.timeout;
  // Only the app diagnosis reads the store (recent deploys, to line log spikes up against them).
  const ctx = kind === 'app' ? await rt.openContext() : checksContext(rt);
  const p = paint(rt.io);
  const out = (summary: string[]) => {
    for (const s of summary) rt.io.out(`  ${s}`);
  };
  const files = (name: string, json: unknown, md: string) =>
    o.outputDir
      ? writeReportFiles(rt.io.cwd, o.outputDir, { [`${name}.json`]: `${JSON.stringify(json, null, 2)}\n`, [`${name}.md`]: md })
      : [];
  const done = (written: string[]) => {
    for (const f of written) rt.io.out(p.dim(`wrote ${f}`));
  };

  if (kind === 'postgres') {
    const d = await runPostgresDiagnosis(ctx, {
      service: svc,
      url: o.url,
      timeoutMs,
      longQueryMs: o.longQuery,
      idleInTransactionMs: o.idleInTransaction,
    });
    const written = files('diagnose-postgres', d, postgresMarkdown(d));
    if (rt.io.json) printJson(rt.io, d);
    else {
      rt.io.out(p.bold(`PostgreSQL ${d.target}${d.service ? ` (${d.service})` : ''}`));
      out(d.summary);
      if (d.lockTree.length) {
        rt.io.out(p.bold('\nLock tree'));
        for (const l of lockTreeLines(d.lockTree)) rt.io.out(`  ${l}`);
      }
      if (d.longQueries.length) {
        rt.io.out(p.bold(`\nQueries running longer than ${d.facts.long_query_threshold_s} s`));
        rt.io.out(
          table(
            d.longQueries.map((q) => [
              String(q.pid),
              `${q.queryAgeS} s`,
              q.state ?? '',
              [q.waitEventType, q.waitEvent].filter(Boolean).join(':'),
              q.query ?? '',
            ]),
            ['PID', 'DURATION', 'STATE', 'WAIT', 'QUERY'],
          ),
        );
      }
      if (d.idleInTransaction.length) {
        rt.io.out(p.bold('\nIdle in transaction'));
        rt.io.out(
          table(
            d.idleInTransaction.map((q) => [String(q.pid), `${q.stateAgeS} s`, `${q.xactAgeS} s`, q.application ?? '', q.query ?? '']),
            ['PID', 'IDLE', 'XACT AGE', 'APPLICATION', 'LAST QUERY'],
          ),
        );
      }
      done(written);
    }
    return d.reachable && !d.error ? 0 : 1;
  }
  if (kind === 'redis') {
    const d = await runRedisDiagnosis(ctx, { service: svc, url: o.url, timeoutMs });
    const written = files('diagnose-redis', d, redisMarkdown(d));
    if (rt.io.json) printJson(rt.io, d);
    else {
      rt.io.out(p.bold(`Redis ${d.target}${d.service ? ` (${d.service})` : ''}`));
      out(d.summary);
      if (d.slowlog.length) {
        rt.io.out(p.bold('\nSLOWLOG (slowest first)'));
        rt.io.out(
          table(
            d.slowlog.map((e) => [String(e.id), e.at, `${e.durationUs} µs`, e.command]),
            ['ID', 'AT', 'DURATION', 'COMMAND'],
          ),
        );
      }
      done(written);
    }
    return d.reachable && !d.error ? 0 : 1;
  }
  if (kind === 'app') {
    const d = await runAppDiagnosis(ctx, { service: svc, url: o.url, timeoutMs, since: o.since });
    const written = files(
      'diagnose-app',
      d,
      genericMarkdown(`App diagnosis: ${d.service}`, d.summary, { facts: d.facts, payload: d.payload }),
    );
    if (rt.io.json) printJson(rt.io, d);
    else {
      rt.io.out(p.bold(`App ${d.service}: ${d.state}`));
      out(d.summary);
      if (d.payload) rt.io.out(`\n${JSON.stringify(d.payload, null, 2)}`);
      done(written);
    }
    return d.state === 'up' ? 0 : 1;
  }
  const d = await runNetworkDiagnosis(ctx, { services: svc ? [svc] : undefined, hosts: o.host, disks: o.disk, timeoutMs });
  const written = files('diagnose-network', d, genericMarkdown('Network diagnosis', d.summary, d.facts));
  if (rt.io.json) printJson(rt.io, d);
  else {
    rt.io.out(p.bold(`Network: ${d.state}`));
    out(d.summary);
    done(written);
  }
  return d.state === 'up' ? 0 : 1;
}
