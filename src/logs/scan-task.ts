import { LogScanner, type ScanOptions } from './scanner.js';
import { LineChunker, scanFileRange } from './read.js';
import { openLogStream } from './sources/file.js';
import type { PartialAnalysis } from './partial.js';

/** One unit of scanning work: a byte range of a plain file, or a whole gzip file. */
export interface ScanTask {
  path: string;
  start: number;
  end: number;
  gzip: boolean;
}

export async function runScanTask(task: ScanTask, opts: ScanOptions): Promise<PartialAnalysis> {
  const scanner = new LogScanner(opts);
  if (task.gzip) {
    const chunker = new LineChunker(scanner);
    for await (const chunk of openLogStream(task)) chunker.push(chunk as Buffer);
    chunker.end();
  } else {
    scanFileRange(task.path, task.start, task.end, scanner);
  }
  return scanner.finish();
}
