// The log scanner's worker threads. A worker takes ~50 ms to boot (an isolate, the scanner's
// modules, the WebAssembly module), so `warroom logs analyze` starts them before the CLI has
// even loaded (prestartLogWorkers, called from bin/warroom.js): they boot on the other cores
// while the main thread loads, parses arguments and reads the config.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker and what it said before anyone listened (boot messages are kept, not lost). */
export interface PooledWorker {
  worker: Worker;
  ready: boolean;
  error: Error | null;
  onMessage: ((m: unknown) => void) | null;
  onError: ((e: Error) => void) | null;
}

const prestarted: PooledWorker[] = [];

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

function spawn(script: URL): PooledWorker {
  // A small young generation: the scan allocates short-lived strings only, and every
  // megabyte of semi-space is resident memory multiplied by the number of workers.
  const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const p: PooledWorker = { worker, ready: false, error: null, onMessage: null, onError: null };
  worker.on('message', (m: { ready?: true }) => {
    if (p.onMessage) p.onMessage(m);
    else if (m.ready) p.ready = true;
  });
  worker.on('error', (e) => {
    if (p.onError) p.onError(e);
    else p.error = e;
  });
  return p;
}

/**
 * Starts the default number of workers ahead of need. They do not hold the process open:
 * a run that ends up scanning on its own thread (a small file) simply never takes them.
 */
export function prestartLogWorkers(): void {
  const script = workerScript();
  const n = defaultWorkerCount();
  if (!script || n <= 1 || prestarted.length) return;
  for (let i = 0; i < n; i++) {
    const p = spawn(script);
    p.worker.unref();
    prestarted.push(p);
  }
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
  let bytes = 0;
  let files = 0;
  let largest = 0;
  for (const a of args) {
    if (a.startsWith('-')) continue;
    try {
      const size = statSync(a).size;
      bytes += size;
      files++;
      largest = Math.max(largest, size);
    } catch {
      // not a file
    }
  }
  if (largest >= SPLIT_MIN_BYTES || (files > 1 && bytes >= WORKER_MIN_BYTES)) prestartLogWorkers();
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
