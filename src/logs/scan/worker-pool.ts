// The log scanner's worker threads. A worker takes ~50 ms to boot (an isolate, the scanner's
// modules, the WebAssembly module), so `warroom logs analyze` starts them before the CLI has
// even loaded (prestartForArgs, called from bin/warroom.js): they boot on the other cores
// while the main thread loads, parses arguments and reads the config. For one large file read
// whole (no window), each is also given its first range at once, and starts scanning it.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nextRangeEnd } from './read.js';
import type { ScanTask } from './scan-task.js';
import { sniffLogFile } from '../sources/file-read.js';
import type { LogFile } from '../sources/file.js';

/** What a worker sent before anyone listened (kept, not lost): it is ready, or its first task failed. */
export type EarlyMessage = { ready: true } | { error: { message: string; code: string | null } };

/** A worker and what it said before anyone listened. */
export interface PooledWorker {
  worker: Worker;
  early: EarlyMessage | null;
  error: Error | null;
  onMessage: ((m: unknown) => void) | null;
  onError: ((e: Error) => void) | null;
}

const prestarted: PooledWorker[] = [];
/** The file whose leading ranges [0, end) the prestarted workers were given (prestartForArgs). */
let preassigned: { path: string; end: number } | null = null;

/**
 * The bundled worker script. It exists only in the build (dist/logs-worker.js); running
 * from source (tests through vitest) scans in-thread, which computes the same result.
 */
export function workerScript(): URL | null {
  for (const rel of ['./logs-worker.js', '../logs-worker.js']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  }
  return null;
}

/** Worker threads wanted: WARROOM_LOG_WORKERS, else one per core, at most 4. */
export function defaultWorkerCount(): number {
  const env = process.env.WARROOM_LOG_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Number(env);
  return Math.min(availableParallelism(), 4);
}

/** A worker; `first`: a task it scans as soon as it has booted (with the default options). */
function spawn(script: URL, first?: ScanTask): PooledWorker {
  // A small young generation: the scan allocates short-lived strings only, and every
  // megabyte of semi-space is resident memory multiplied by the number of workers.
  const worker = new Worker(script, {
    workerData: first ? { task: first, options: {} } : null,
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  const p: PooledWorker = { worker, early: null, error: null, onMessage: null, onError: null };
  worker.on('message', (m: EarlyMessage) => {
    if (p.onMessage) p.onMessage(m);
    else p.early = m;
  });
  worker.on('error', (e) => {
    if (p.onError) p.onError(e);
    else p.error = e;
  });
  return p;
}

/**
 * Starts the default number of workers ahead of need; with `file`, each gets the next leading
 * range of it (the ranges scanFiles would plan first). They do not hold the process open: a
 * run that ends up scanning on its own thread (a small file) simply never takes them.
 */
export function prestartLogWorkers(file?: { path: string; size: number }): void {
  const script = workerScript();
  const n = defaultWorkerCount();
  if (!script || n <= 1 || prestarted.length) return;
  let start = 0;
  for (let i = 0; i < n; i++) {
    let first: ScanTask | undefined;
    if (file && start < file.size) {
      const end = nextRangeEnd(file.path, start, file.size, n);
      first = { path: file.path, start, end, gzip: false };
      start = end;
    }
    const p = spawn(script, first);
    p.worker.unref();
    prestarted.push(p);
  }
  if (file) preassigned = { path: file.path, end: start };
}

/**
 * For a scan of `files`: where the prestarted workers' leading ranges end when the scan is of
 * exactly the file they were given (the rest is left to plan), else 0, after stopping those
 * workers (their counts belong to no scan). Asked once: the ranges are forgotten.
 */
export function takePreassigned(files: readonly LogFile[]): number {
  const pre = preassigned;
  preassigned = null;
  if (!pre) return 0;
  if (files.length === 1 && !files[0].gzip && !files[0].dockerJson && resolve(files[0].path) === pre.path && files[0].size >= pre.end)
    return pre.end;
  releaseLogWorkers();
  return 0;
}

/** Inputs below this are scanned on the main thread (analyze.ts): workers would cost more. */
export const WORKER_MIN_BYTES = 16 << 20;
/** Plain files above this are split into byte ranges so every core gets a share (analyze.ts). */
export const SPLIT_MIN_BYTES = 48 << 20;

/**
 * prestartLogWorkers when the arguments of `logs analyze` name files the scan will spread over
 * workers (as scanFiles decides: several files worth it, or one large enough to split).
 * Anything that is not a readable file (an option or its value) is skipped; globs and
 * --service are resolved later, without a head start.
 */
export function prestartForArgs(args: readonly string[]): void {
  if (args.includes('--workers')) return;
  const files: { path: string; size: number; plain: boolean }[] = [];
  for (const a of args) {
    if (a.startsWith('-')) continue;
    try {
      const st = statSync(a);
      if (!st.isFile()) continue;
      const sniff = sniffLogFile(a);
      files.push({ path: resolve(a), size: st.size, plain: !sniff.gzip && !sniff.dockerJson });
    } catch {
      // not a file
    }
  }
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const split = files.some((f) => f.plain && f.size >= SPLIT_MIN_BYTES);
  if (!split && (files.length < 2 || bytes < WORKER_MIN_BYTES)) return;
  // One file read whole: the workers can start on it now (a window or a service needs the config).
  const whole = files.length === 1 && !args.some((a) => /^--(since|until|service)(=|$)/.test(a));
  prestartLogWorkers(whole ? files[0] : undefined);
}

/** n workers for a scan: prestarted ones first (they hold the process open again), new ones for the rest. */
export function takeLogWorkers(script: URL, n: number): PooledWorker[] {
  const out = prestarted.splice(0, n);
  for (const p of out) p.worker.ref();
  while (out.length < n) out.push(spawn(script));
  releaseLogWorkers();
  return out;
}

/** Stops prestarted workers no scan took. */
export function releaseLogWorkers(): void {
  for (const p of prestarted.splice(0)) void p.worker.terminate();
}
