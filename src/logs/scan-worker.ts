// Worker-thread entry (bundled to dist/logs-worker.js). The parent hands out scan tasks one
// at a time so fast workers take more; each worker folds its results together and sends
// one merged partial back at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { emptyPartial, mergePartials } from './partial.js';
import { runScanTask, type ScanTask } from './scan-task.js';
import type { ScanOptions } from './scanner.js';

type FromParent = { task: ScanTask } | { finish: true };

const opts = (workerData as { options: ScanOptions }).options;
let merged = emptyPartial();
const port = parentPort!;

port.on('message', (msg: FromParent) => {
  if ('finish' in msg) {
    port.postMessage({ result: merged });
    return;
  }
  runScanTask(msg.task, opts).then(
    (p) => {
      merged = mergePartials(merged, p);
      port.postMessage({ ready: true });
    },
    (e: Error & { code?: string }) => port.postMessage({ error: { message: e.message, code: e.code ?? null } }),
  );
});
port.postMessage({ ready: true });
