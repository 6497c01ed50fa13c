// Worker-thread entry (bundled to dist/logs-worker.js). The parent hands out scan tasks one
// at a time so fast workers take more; each worker scans all of its tasks with one scanner and
// sends its counts back at the end. A worker may boot before its run is known (worker-pool.ts):
// the scan options come with the tasks, and the scanner is made on the first one.
import { parentPort, workerData } from 'node:worker_threads';
import { JsonLinesEngine } from './json-lines-wasm.js';
import { runScanTask, type ScanTask } from './scan-task.js';
import { LogScanner, type ScanOptions } from './scanner.js';

type FromParent = { task: ScanTask; options: ScanOptions } | { finish: true };

let scanner: LogScanner | null = null;
const port = parentPort!;
const done = () => port.postMessage({ ready: true });
const failed = (e: Error & { code?: string }) => port.postMessage({ error: { message: e.message, code: e.code ?? null } });

port.on('message', (msg: FromParent) => {
  if ('finish' in msg) {
    port.postMessage({ result: (scanner ?? new LogScanner()).finish() });
    return;
  }
  scanner ??= new LogScanner(msg.options);
  runScanTask(msg.task, scanner).then(done, failed);
});
const first = workerData as { task: ScanTask; options: ScanOptions } | null;
if (first?.task) {
  // Prestarted with its first range (worker-pool.ts): scan it now, then ask for more.
  scanner = new LogScanner(first.options);
  runScanTask(first.task, scanner).then(done, failed);
} else {
  // Compiled while booting, so the first task starts scanning at once.
  JsonLinesEngine.warm();
  done();
}
