// Worker-thread entry (bundled to dist/logs-worker.js). The parent hands out scan tasks one
// at a time so fast workers take more; each worker scans all of its tasks with one scanner and
// sends its counts back at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { runScanTask, type ScanTask } from './scan-task.js';
import { LogScanner, type ScanOptions } from './scanner.js';

type FromParent = { task: ScanTask } | { finish: true };

const opts = (workerData as { options: ScanOptions }).options;
const scanner = new LogScanner(opts);
const port = parentPort!;

port.on('message', (msg: FromParent) => {
  if ('finish' in msg) {
    port.postMessage({ result: scanner.finish() });
    return;
  }
  runScanTask(msg.task, scanner).then(
    () => port.postMessage({ ready: true }),
    (e: Error & { code?: string }) => port.postMessage({ error: { message: e.message, code: e.code ?? null } }),
  );
});
port.postMessage({ ready: true });
