import type { LogScanner } from './scanner.js';
import { LineChunker, scanFileRange } from './read.js';
import { openLogStream } from './sources/file-read.js';

/** One unit of scanning work: a byte range of a plain file, or a whole gzip file. */
export interface ScanTask {
  path: string;
  start: number;
  end: number;
  gzip: boolean;
}

/**
 * Scans one task into `scanner`. One scanner takes every task of a thread: its counts simply go
 * on, and it keeps what it learned (keys, endpoints, signatures, the fast path's instance), which
 * a scanner per range would set up and learn again.
 */
export async function runScanTask(task: ScanTask, scanner: LogScanner): Promise<void> {
  scanner.startRange();
  if (task.gzip) {
    const chunker = new LineChunker(scanner);
    for await (const chunk of openLogStream(task)) chunker.push(chunk as Buffer);
    chunker.end();
  } else {
    scanFileRange(task.path, task.start, task.end, scanner);
  }
}
