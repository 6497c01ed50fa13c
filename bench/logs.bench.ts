// Log analysis speed: `warroom logs analyze` against the seed's pipeline
//   grep "ERROR" app.log | grep -oP '"path":"[^"]*"' | sort | uniq -c | sort -rn
// on the same seeded JSON-lines file, both with the file in the page cache, in one run.
// The pipeline's five processes are spawned with argument arrays and piped together here
// (no shell). Peak RSS of warroom (all its threads) comes from GNU time's %M, and CPU time
// (user+sys) of both sides from GNU time's %U/%S (summed over the pipeline's five processes):
// on a machine loaded by other jobs, CPU time moves much less than wall time.
//
// Usage: npm run bench -- logs            (1 GiB, generated once into bench/out/)
//        LOGS_BENCH_MB=200 npm run bench -- logs
import { spawn } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateLogFile } from './logs-generate.js';
import { normalizePath } from '../src/logs/scan/normalize-path.js';
import type { LogAnalysis } from '../src/logs/types.js';

const MB = Number(process.env.LOGS_BENCH_MB ?? 1024);
const RUNS = Number(process.env.LOGS_BENCH_RUNS ?? 3);
const file = resolve(`bench/out/app-${MB}m.log`);
const bytes = MB * 1048576;
const BIN = resolve('bin/warroom.js');
const TIME = '/usr/bin/time';

function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 << 20);
  let pos = 0;
  while (readSync(fd, buf, 0, buf.length, pos) > 0) pos += buf.length;
  closeSync(fd);
}

/** User+sys seconds from a `CPU_S=<user> <sys>` line that GNU time wrote, or null. */
function cpuOf(stderr: string): number | null {
  const m = /CPU_S=([\d.]+) ([\d.]+)/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : null;
}

/** Runs argv[0] | argv[1] | ... with pipes wired here; resolves with the last stdout, the time and the CPU time of all stages. */
function runPipeline(stages: string[][]): Promise<{ ms: number; cpuS: number | null; out: string }> {
  return new Promise((resolveP, reject) => {
    const useTime = existsSync(TIME);
    const t0 = performance.now();
    const procs = stages.map(([cmd, ...args], i) =>
      useTime
        ? spawn(TIME, ['-f', 'CPU_S=%U %S', cmd, ...args], { stdio: [i === 0 ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
        : spawn(cmd, args, { stdio: [i === 0 ? 'ignore' : 'pipe', 'pipe', 'inherit'] }),
    );
    let cpuS: number | null = useTime ? 0 : null;
    for (const p of procs) {
      let err = '';
      p.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
      p.stderr?.on('end', () => {
        const c = cpuOf(err);
        if (cpuS !== null) cpuS = c === null ? null : cpuS + c;
        const rest = err.replace(/^CPU_S=.*$/m, '').trim();
        if (rest) process.stderr.write(`${rest}\n`);
      });
    }
    for (let i = 0; i < procs.length - 1; i++) procs[i].stdout!.pipe(procs[i + 1].stdin!);
    let out = '';
    const last = procs[procs.length - 1];
    last.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    let open = procs.length;
    for (const p of procs) {
      p.on('error', reject);
      p.on('close', () => {
        if (--open === 0) resolveP({ ms: performance.now() - t0, cpuS, out });
      });
    }
  });
}

function runWarroom(): Promise<{ ms: number; rssKb: number | null; cpuS: number | null; analysis: LogAnalysis }> {
  return new Promise((resolveP, reject) => {
    const useTime = existsSync(TIME);
    const argv = [process.execPath, BIN, 'logs', 'analyze', file, '--json', '--no-deploys', '--top', '1000'];
    const t0 = performance.now();
    const child = useTime
      ? spawn(TIME, ['-f', 'RSS_KB=%M CPU_S=%U %S', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`warroom exited ${code}: ${err}`));
      const m = /RSS_KB=(\d+)/.exec(err);
      resolveP({ ms, rssKb: m ? Number(m[1]) : null, cpuS: cpuOf(err), analysis: JSON.parse(out) as LogAnalysis });
    });
  });
}

async function main() {
  if (!existsSync(BIN.replace('bin/warroom.js', 'dist/logs-worker.js'))) throw new Error('run npm run build first (npm run bench does)');
  if (!existsSync(file) || statSync(file).size < bytes) {
    console.log(`generating ${MB} MiB of seeded JSON-lines log into ${file} …`);
    const g = generateLogFile(file, { bytes, seed: 42 });
    console.log(`  ${g.lines} lines, ${g.first.toISOString()} → ${g.last.toISOString()}, deploy at ${g.deploy.toISOString()}`);
  }
  const size = statSync(file).size;
  warmPageCache(file);
  const pipeline = [['grep', 'ERROR', file], ['grep', '-oP', '"path":"[^"]*"'], ['sort'], ['uniq', '-c'], ['sort', '-rn']];
  const p: number[] = [];
  const w: number[] = [];
  const rss: number[] = [];
  const pCpu: number[] = [];
  const wCpu: number[] = [];
  let pipeOut = '';
  let analysis: LogAnalysis | null = null;
  for (let i = 0; i < RUNS; i++) {
    // Alternate so background load hits both alike.
    const pr = await runPipeline(pipeline);
    p.push(pr.ms);
    pipeOut = pr.out;
    const wr = await runWarroom();
    w.push(wr.ms);
    if (wr.rssKb !== null) rss.push(wr.rssKb);
    if (pr.cpuS !== null) pCpu.push(pr.cpuS);
    if (wr.cpuS !== null) wCpu.push(wr.cpuS);
    analysis = wr.analysis;
    const cpu = (c: number | null) => (c === null ? '' : ` (CPU ${c.toFixed(2)} s)`);
    console.log(
      `run ${i + 1}: pipeline ${pr.ms.toFixed(0)} ms${cpu(pr.cpuS)}, warroom ${wr.ms.toFixed(0)} ms${cpu(wr.cpuS)}${wr.rssKb ? `, peak RSS ${(wr.rssKb / 1024).toFixed(0)} MiB` : ''}`,
    );
  }
  const best = (xs: number[]) => Math.min(...xs);
  const mbps = (ms: number) => (size / 1048576 / (ms / 1000)).toFixed(0);
  console.log(`file: ${(size / 1048576).toFixed(0)} MiB, ${analysis!.totals.lines} lines, ${analysis!.errorEvents} error events`);
  console.log(`pipeline: best ${best(p).toFixed(0)} ms (${mbps(best(p))} MiB/s)`);
  console.log(
    `warroom:  best ${best(w).toFixed(0)} ms (${mbps(best(w))} MiB/s), peak RSS ${rss.length ? `${(Math.max(...rss) / 1024).toFixed(0)} MiB` : 'n/a'}`,
  );
  console.log(
    `ratio (pipeline time / warroom time, best of ${RUNS}): ${(best(p) / best(w)).toFixed(2)}; median ratio ${(median(p) / median(w)).toFixed(2)}`,
  );
  if (pCpu.length && wCpu.length)
    console.log(
      `CPU user+sys, median: pipeline ${median(pCpu).toFixed(2)} s, warroom ${median(wCpu).toFixed(2)} s (CPU ratio ${(median(pCpu) / median(wCpu)).toFixed(2)})`,
    );

  // Top endpoints: the pipeline counts raw paths; fold them with warroom's normaliser and compare.
  const fromPipe = new Map<string, number>();
  for (const line of pipeOut.split('\n')) {
    const m = /^\s*(\d+) "path":"(.*)"$/.exec(line);
    if (m) fromPipe.set(normalizePath(m[2]), (fromPipe.get(normalizePath(m[2])) ?? 0) + Number(m[1]));
  }
  const fromWarroom = new Map<string, number>();
  for (const e of analysis!.topFailingEndpoints) fromWarroom.set(e.path, (fromWarroom.get(e.path) ?? 0) + e.errors);
  const keys = new Set([...fromPipe.keys(), ...fromWarroom.keys()]);
  const diffs = [...keys].filter((k) => (fromPipe.get(k) ?? 0) !== (fromWarroom.get(k) ?? 0));
  const top = [...fromPipe.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`top endpoints (pipeline, normalised): ${top.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  console.log(
    diffs.length
      ? `MISMATCH on ${diffs.length} endpoints: ${diffs
          .slice(0, 5)
          .map((k) => `${k} pipeline=${fromPipe.get(k) ?? 0} warroom=${fromWarroom.get(k) ?? 0}`)
          .join('; ')}`
      : `top-endpoint counts match the pipeline on all ${keys.size} endpoints`,
  );
  if (diffs.length) process.exitCode = 1;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

await main();
