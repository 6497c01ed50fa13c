import { redactWith } from '../core/redact.js';
import { validation, WarroomError } from '../core/errors.js';
import type { ServiceConfig } from '../config/schema.js';
import { emptyPartial, finalizeAnalysis, mergePartials, type PartialAnalysis } from './scan/partial.js';
import { LineChunker, nextRangeEnd } from './scan/read.js';
import { runScanTask, type ScanTask } from './scan/scan-task.js';
import { LogScanner, type ScanOptions } from './scan/scanner.js';
import {
  defaultWorkerCount,
  releaseLogWorkers,
  SPLIT_MIN_BYTES,
  takeLogWorkers,
  takePreassigned,
  WORKER_MIN_BYTES,
  workerScript,
  type PooledWorker,
} from './scan/worker-pool.js';
import { resolveLogFiles, type LogFile } from './sources/file.js';
import { streamSources } from './sources/index.js';
import type { ChangeRecord, LogAnalysis } from './types.js';

export type { LogAnalysis } from './types.js';

export interface AnalyzeOptions {
  /** Only lines in this window count (lines without a time inherit the previous line's). */
  window?: { since: Date; until: Date } | null;
  /** Recorded deploys and infra changes to line a spike up against (Deploy rows fit). */
  deploys?: ChangeRecord[];
  /** Extra secret patterns (regular expressions) from config `redact`. */
  redact?: string[];
  /** Worker threads (default: one per core, at most 4; 0 or 1 scans on the calling thread). */
  workers?: number;
  /** Rows kept in each top list (default 20). */
  top?: number;
}

function scanOptions(opts: AnalyzeOptions): ScanOptions {
  return { window: opts.window ? { sinceMs: opts.window.since.getTime(), untilMs: opts.window.until.getTime() } : null };
}

function workerCount(opts: AnalyzeOptions): number {
  return opts.workers ?? defaultWorkerCount();
}

/**
 * Scan tasks: gzip files whole, large plain files in byte ranges that shrink toward the end
 * (nextRangeEnd). `from`: where the ranges of a single file start (prestarted workers have the
 * ones before).
 */
function planTasks(files: LogFile[], workers: number, splitMin = SPLIT_MIN_BYTES, from = 0): ScanTask[] {
  const tasks: ScanTask[] = [];
  for (const f of files) {
    if (f.gzip || f.dockerJson || workers <= 1 || f.size < splitMin) {
      tasks.push({ path: f.path, start: 0, end: f.size, gzip: f.gzip, dockerJson: f.dockerJson });
      continue;
    }
    let start = files.length === 1 ? from : 0;
    while (start < f.size) {
      const end = nextRangeEnd(f.path, start, f.size, workers);
      if (end > start) tasks.push({ path: f.path, start, end, gzip: false });
      start = end;
    }
  }
  return tasks;
}

/** Scans the planned tasks on n workers; `plan` runs while the workers start (~50 ms each). */
function runInWorkers(script: URL, n: number, options: ScanOptions, plan: () => ScanTask[]): Promise<PartialAnalysis> {
  return new Promise((resolve, reject) => {
    let queue: ScanTask[] = [];
    let merged = emptyPartial();
    let live = n;
    let failed = false;
    const workers = takeLogWorkers(script, n);
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const p of workers) void p.worker.terminate();
      reject(e);
    };
    const next = (p: PooledWorker) => {
      const task = queue.shift();
      p.worker.postMessage(task ? { task, options } : { finish: true });
    };
    for (const p of workers) {
      p.onError = fail;
      p.onMessage = (msg) => {
        const m = msg as { ready?: true; result?: PartialAnalysis; error?: { message: string; code: string | null } };
        if (m.error) return fail(fileError(m.error));
        if (m.ready) return next(p);
        if (m.result) {
          merged = mergePartials(merged, m.result);
          void p.worker.terminate();
          if (--live === 0 && !failed) resolve(merged);
        }
      };
    }
    try {
      queue = plan();
    } catch (e) {
      fail(e as Error);
    }
    // Workers that booted before this run listened: they said so already.
    for (const p of workers) {
      if (failed) break;
      if (p.error) fail(p.error);
      else if (p.early && 'error' in p.early) fail(fileError(p.early.error));
      else if (p.early) next(p);
    }
  });
}

function fileError(e: { message: string; code: string | null }): Error {
  if (e.code === 'ENOENT') return new WarroomError('NOT_FOUND', e.message);
  if (e.code === 'EACCES' || e.code === 'EPERM') return new WarroomError('FORBIDDEN', e.message);
  if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR') return validation(`corrupt gzip data: ${e.message}`, 'file');
  return new WarroomError('UNAVAILABLE', e.message);
}

/** Scans files (plain or gzip) into merged counts, across worker threads when it pays. */
export async function scanFiles(files: LogFile[], opts: AnalyzeOptions = {}): Promise<PartialAnalysis> {
  const sopts = scanOptions(opts);
  const total = files.reduce((a, f) => a + f.size, 0);
  const want = workerCount(opts);
  // An explicit worker count (option or WARROOM_LOG_WORKERS) is honoured for small inputs too.
  const explicit = opts.workers !== undefined || process.env.WARROOM_LOG_WORKERS !== undefined;
  const splitMin = explicit ? 1 << 20 : SPLIT_MIN_BYTES;
  const script = want > 1 && (explicit || total >= WORKER_MIN_BYTES) ? workerScript() : null;
  // More than one task: several files, or a file split into ranges (planTasks).
  const split = files.some((f) => !f.gzip && !f.dockerJson && f.size >= splitMin);
  // Ranges prestarted workers already scan, when this is the file they were given.
  const from = takePreassigned(files);
  if (!script || !(split || files.length > 1)) releaseLogWorkers();
  if (script && (split || files.length > 1)) {
    return runInWorkers(script, split ? want : Math.min(want, files.length), sopts, () => planTasks(files, want, splitMin, from)).catch(
      (e: NodeJS.ErrnoException) => {
        throw e instanceof WarroomError ? e : fileError({ message: e.message, code: e.code ?? null });
      },
    );
  }
  const scanner = new LogScanner(sopts);
  for (const t of planTasks(files, 1, splitMin)) {
    try {
      await runScanTask(t, scanner);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw err instanceof WarroomError ? err : fileError({ message: err.message, code: err.code ?? null });
    }
  }
  return scanner.finish();
}

/** Scans a byte stream (docker, journald, a command) on this thread. */
export async function scanStream(stream: AsyncIterable<Buffer | string>, opts: AnalyzeOptions = {}): Promise<PartialAnalysis> {
  const scanner = new LogScanner(scanOptions(opts));
  const chunker = new LineChunker(scanner);
  for await (const c of stream) chunker.push(typeof c === 'string' ? Buffer.from(c) : c);
  chunker.end();
  return scanner.finish();
}

export function finalize(p: PartialAnalysis, opts: AnalyzeOptions): LogAnalysis {
  return finalizeAnalysis(p, {
    window: opts.window ?? null,
    changes: opts.deploys ?? [],
    redact: redactWith(opts.redact ?? []),
    top: opts.top,
  });
}

/**
 * Analyses log files given by path or glob (each taken as it is: no rotated siblings).
 * gzip files are recognised by their magic bytes.
 */
export async function analyzeFiles(paths: string[], opts: AnalyzeOptions = {}): Promise<LogAnalysis> {
  if (!paths.length) throw validation('file: give at least one log file', 'file');
  const files = resolveLogFiles(paths, { rotated: false });
  return finalize(await scanFiles(files, opts), opts);
}

/**
 * Analyses a service's logs for a window, from every source its config names (files with
 * their rotations, Docker, journald, a command). Used by triage and `warroom diagnose app`.
 */
export async function analyzeServiceLogs(
  svc: ServiceConfig,
  window: { since: Date; until: Date },
  opts: { deploys?: ChangeRecord[]; redact?: string[]; workers?: number; top?: number; name?: string } = {},
): Promise<LogAnalysis> {
  const aopts: AnalyzeOptions = { ...opts, window };
  const src = svc.logs;
  if (!src || (!src.file && !src.docker && !src.journald && !src.command)) {
    throw validation(`services.${opts.name ?? '<service>'}.logs: no log source configured (set file, docker, journald or command)`, 'logs');
  }
  let merged = emptyPartial();
  if (src.file)
    merged = mergePartials(merged, await scanFiles(resolveLogFiles(src.file, { since: window.since, field: 'logs.file' }), aopts));
  for (const s of streamSources(svc, window, { service: opts.name })) {
    if (s.kind === 'file') continue;
    merged = mergePartials(merged, await scanStream(s.open(), aopts));
  }
  return finalize(merged, aopts);
}
