// End to end through the built binary (npm run build first): worker threads only exist there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateLogFile, type GenerateResult } from '../../bench/logs-generate.js';
import { runCli, tempDir } from '../helpers/cli.js';
import type { LogAnalysis } from '../../src/logs/types.js';
import type * as WorkerPool from '../../src/logs/scan/worker-pool.js';
import { openStore } from '../../src/store/db.js';
import { recordDeploy } from '../../src/app/record-deploy.js';
import { testContext } from '../helpers/store.js';

let dir: string;
let log: string;
let gen: GenerateResult;

beforeAll(() => {
  dir = tempDir('warroom-logs-cli-');
  log = join(dir, 'app.log');
  // ~3 MB over ~20 minutes, with the seeded deploy two thirds of the way in.
  gen = generateLogFile(log, { bytes: 3_000_000, seed: 7, gapMs: 90 });
  writeFileSync(
    join(dir, 'warroom.yaml'),
    [
      'services:',
      '  backend:',
      '    logs:',
      `      file: ${JSON.stringify(log)}`,
      `      command: [${JSON.stringify(process.execPath)}, "-e", "console.log(process.argv[1] + ' ERROR token=sk_live_abcdef123456 during window start'); console.log('AKIAIOSFODNN7EXAMPLE leaked')", "{since}"]`,
      'redact:',
      '  - "ACME-[0-9]+"',
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('warroom logs analyze', () => {
  it('gives the same answer with worker threads as on one thread, in the documented shape', async () => {
    const [threads, single] = await Promise.all([
      runCli(['logs', 'analyze', log, '--json', '--no-deploys', '--top', '50'], {
        cwd: dir,
        env: { WARROOM_LOG_WORKERS: '2' },
        timeoutMs: 60_000,
      }),
      runCli(['logs', 'analyze', log, '--json', '--no-deploys', '--top', '50', '--workers', '0'], { cwd: dir, timeoutMs: 60_000 }),
    ]);
    expect(threads.code).toBe(0);
    expect(single.code).toBe(0);
    const a = threads.json<LogAnalysis>();
    expect(a).toEqual(single.json<LogAnalysis>());
    expect(Object.keys(a)).toEqual([
      'window',
      'totals',
      'errorEvents',
      'errorRatePerMinute',
      'topFailingEndpoints',
      'signatures',
      'spike',
      'latency',
    ]);
    expect(a.totals.lines).toBe(gen.lines);
    expect(a.totals.bytes).toBe(gen.bytes);
    expect(a.totals.malformed).toBe(0);
    expect(a.totals.firstTimestamp).toBe((JSON.parse(readFileSync(log, 'utf8').split('\n')[0]) as { ts: string }).ts);
    expect(a.errorRatePerMinute.reduce((n, m) => n + m.errors, 0)).toBe(a.errorEvents);
    expect(a.errorRatePerMinute.reduce((n, m) => n + m.lines, 0)).toBe(a.totals.linesInWindow);
    expect(a.topFailingEndpoints[0]).toMatchObject({ endpoint: expect.stringMatching(/^(GET|POST) \/api\/(orders|users|payments)\/:id$/) });
    expect(a.latency[0]).toEqual({
      endpoint: expect.any(String),
      count: expect.any(Number),
      p50: expect.any(Number),
      p90: expect.any(Number),
      p95: expect.any(Number),
      p99: expect.any(Number),
      max: expect.any(Number),
      mean: expect.any(Number),
    });
  });

  it('gives the same answer with workers started before the CLI loaded (files worth workers)', async () => {
    // No --workers and no WARROOM_LOG_WORKERS: bin/warroom.js starts the workers itself for
    // two files of 9 MiB (several files over 16 MiB in all go to workers): a log and the one
    // rotated after it.
    const parts = [join(dir, 'part1.log'), join(dir, 'part2.log')];
    const first = generateLogFile(parts[0], { bytes: 9 << 20, seed: 11 });
    const gens = [first, generateLogFile(parts[1], { bytes: 9 << 20, seed: 12, start: new Date(first.last.getTime() + 1) })];
    const [early, single] = await Promise.all([
      runCli(['logs', 'analyze', ...parts, '--json', '--no-deploys', '--top', '50'], { cwd: dir, timeoutMs: 60_000 }),
      runCli(['logs', 'analyze', ...parts, '--json', '--no-deploys', '--top', '50', '--workers', '0'], { cwd: dir, timeoutMs: 60_000 }),
    ]);
    expect(early.code).toBe(0);
    expect(early.json<LogAnalysis>()).toEqual(single.json<LogAnalysis>());
    expect(early.json<LogAnalysis>().totals.bytes).toBe(gens[0].bytes + gens[1].bytes);
  });

  it('gives the same answer when the workers start on a large file before the CLI loaded', async () => {
    // One file of 48 MiB or more, no window: bin/warroom.js hands each worker its first range.
    const big = join(dir, 'big.log');
    generateLogFile(big, { bytes: 50 << 20, seed: 13 });
    const [early, single] = await Promise.all([
      runCli(['logs', 'analyze', 'big.log', '--json', '--no-deploys', '--top', '50'], { cwd: dir, timeoutMs: 60_000 }),
      runCli(['logs', 'analyze', big, '--json', '--no-deploys', '--top', '50', '--workers', '0'], { cwd: dir, timeoutMs: 60_000 }),
    ]);
    expect(early.code).toBe(0);
    expect(early.json<LogAnalysis>()).toEqual(single.json<LogAnalysis>());
    rmSync(big);
  });

  it('stops prestarted workers whose ranges belong to another file than the scan', async () => {
    // The built module: from source there is no worker script to start.
    const pool = (await import(pathToFileURL(join(process.cwd(), 'dist/logs-pool.js')).href)) as typeof WorkerPool;
    const a = join(dir, 'a.log');
    generateLogFile(a, { bytes: 49 << 20, seed: 3 });
    pool.prestartLogWorkers({ path: a, size: 49 << 20 });
    // A scan of another file gets no head start, and the workers given ranges of a.log stop.
    expect(pool.takePreassigned([{ path: log, size: gen.bytes, mtimeMs: 0, gzip: false, rotation: 0 }])).toBe(0);
    expect(pool.takePreassigned([{ path: a, size: 49 << 20, mtimeMs: 0, gzip: false, rotation: 0 }])).toBe(0);
    // The same file does get it: the ranges before the returned offset are the workers'.
    pool.prestartLogWorkers({ path: a, size: 49 << 20 });
    const from = pool.takePreassigned([{ path: a, size: 49 << 20, mtimeMs: 0, gzip: false, rotation: 0 }]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(49 << 20);
    pool.releaseLogWorkers();
    rmSync(a);
  });

  it('reads a service for a window and names the deploy before the spike', async () => {
    const deployAt = new Date(gen.deploy.getTime() - 20_000).toISOString();
    // Recorded through the use case in the CLI's own store (.warroom in the working directory):
    // `warroom deploy record --version` is taken by the global --version flag (reported separately).
    const store = await openStore({ dataDir: join(dir, '.warroom') });
    try {
      await recordDeploy(testContext(store), { service: 'backend', version: 'abc123', at: deployAt });
    } finally {
      await store.close();
    }
    const since = gen.first.toISOString();
    const until = new Date(gen.last.getTime() + 1000).toISOString();
    const r = await runCli(['logs', 'analyze', '--service', 'backend', '--since', since, '--until', until, '--json'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    const a = r.json<LogAnalysis>();
    expect(a.window).toEqual({ since, until: new Date(until).toISOString() });
    // The command source printed two lines (one an ERROR) besides the file's.
    expect(a.totals.lines).toBe(gen.lines + 2);
    expect(a.spike).not.toBeNull();
    expect(a.spike!.change).toMatchObject({ version: 'abc123', service: 'backend', kind: 'deploy' });
    expect(a.spike!.change!.secondsBefore).toBeGreaterThanOrEqual(0);
    expect(a.spike!.summary).toMatch(/^errors on \S+ \S+ started .* after deploy abc123 of backend/);
    expect(JSON.stringify(a)).not.toContain('sk_live_abcdef123456');

    const text = await runCli(['logs', 'analyze', '--service', 'backend', '--since', since, '--until', until], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Spike: errors on');
    expect(text.stdout).toContain('Errors per minute (UTC)');
    expect(text.stdout).toContain('← spike');
    expect(text.stdout).toContain('Top failing endpoints');
    expect(text.stdout).toContain('Latency (ms)');
  });

  it('explains user mistakes, in JSON when asked', async () => {
    const none = await runCli(['logs', 'analyze', '--json'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.json()).toEqual({ error: { code: 'VALIDATION', message: expect.stringContaining('--service'), field: 'files' } });
    const since = await runCli(['logs', 'analyze', log, '--since', 'yesterday-ish', '--json'], { cwd: dir });
    expect(since.code).toBe(2);
    expect(since.json<{ error: { field: string } }>().error.field).toBe('since');
    const missing = await runCli(['logs', 'analyze', join(dir, 'nope.log')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no log file matches');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const svc = await runCli(['logs', 'fetch', '--service', 'frontend', '-o', join(dir, 'out'), '--json'], { cwd: dir });
    expect(svc.code).toBe(2);
    expect(svc.json<{ error: { message: string } }>().error.message).toContain('no service "frontend"');
  });
});

describe('warroom logs fetch', () => {
  it('writes each source redacted, with a manifest, and prints the manifest as JSON', async () => {
    const out = join(dir, 'incident-logs');
    const since = new Date(gen.first.getTime() + 60_000).toISOString();
    const until = new Date(gen.first.getTime() + 120_000).toISOString();
    const r = await runCli(['logs', 'fetch', '--service', 'backend', '--since', since, '--until', until, '--output-dir', out, '--json'], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    const m = r.json<{
      service: string;
      window: { since: string; until: string };
      outputDir: string;
      sources: { source: string; file: string; lines: number; bytes: number; skipped: number; error: string | null }[];
    }>();
    expect(m.service).toBe('backend');
    expect(m.window).toEqual({ since, until });
    expect(m.sources.map((s) => s.source)).toEqual(['file', 'command']);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(m);
    const fileSrc = m.sources[0];
    const written = readFileSync(join(out, fileSrc.file), 'utf8');
    expect(written.split('\n').filter(Boolean).length).toBe(fileSrc.lines);
    expect(Buffer.byteLength(written)).toBe(fileSrc.bytes);
    expect(fileSrc.skipped + fileSrc.lines).toBe(gen.lines);
    const times = written
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { ts: string }).ts);
    expect(times.every((t) => t >= since && t <= until)).toBe(true);
    const cmd = readFileSync(join(out, m.sources[1].file), 'utf8');
    expect(cmd).toContain('ERROR token=[REDACTED]');
    expect(cmd).not.toContain('sk_live_abcdef123456');
    expect(cmd).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
