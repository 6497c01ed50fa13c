import type { LogScanner } from './scanner.js';
import { LineChunker, scanFileRange } from './read.js';
import { unwrapDockerJson } from '../sources/docker-json-file.js';
import { openLogStream } from '../sources/file-read.js';

/** One unit of scanning work: a byte range of a plain file, or a whole gzip or Docker json-file. */
export interface ScanTask {
  path: string;
  start: number;
  end: number;
  gzip: boolean;
  dockerJson?: boolean;
}

/**
 * Scans one task into `scanner`. One scanner takes every task of a thread: its counts simply go
 * on, and it keeps what it learned (keys, endpoints, signatures, the fast path's instance), which
 * a scanner per range would set up and learn again.
 */
export async function runScanTask(task: ScanTask, scanner: LogScanner): Promise<void> {
  scanner.startRange();
  if (task.gzip || task.dockerJson) {
    const chunker = new LineChunker(scanner);
    const bytes = openLogStream(task) as AsyncIterable<Buffer>;
    for await (const chunk of task.dockerJson ? unwrapDockerJson(bytes) : bytes) chunker.push(chunk);
    chunker.end();
  } else {
    scanFileRange(task.path, task.start, task.end, scanner);
  }
}
