import { spawn } from 'node:child_process';
import { WarroomError } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';

/**
 * A child process's stdout as a stream of buffers, spawned from an argument array (never a
 * shell). A missing program or a non-zero exit becomes an UNAVAILABLE error that quotes the
 * end of its stderr, redacted.
 */
export async function* childOutput(
  argv: string[],
  label: string,
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): AsyncGenerator<Buffer> {
  const [bin, ...args] = argv;
  const child = spawn(bin, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: NodeJS.ErrnoException }>((res) => {
    child.on('error', (error: NodeJS.ErrnoException) => res({ code: null, signal: null, error }));
    child.on('close', (code, signal) => res({ code, signal }));
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, opts.timeoutMs ?? 120_000);
  try {
    for await (const c of child.stdout) yield c as Buffer;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  const r = await exit;
  if (r.error) {
    const why = r.error.code === 'ENOENT' ? 'program not found' : r.error.code === 'EACCES' ? 'permission denied' : r.error.message;
    throw new WarroomError('UNAVAILABLE', `${label}: cannot run ${bin}: ${why}`);
  }
  if (timedOut) throw new WarroomError('UNAVAILABLE', `${label}: ${bin} did not finish within ${(opts.timeoutMs ?? 120_000) / 1000}s`);
  if (r.code !== 0) {
    const tail = redactText(stderr.trim().split('\n').slice(-3).join(' | '));
    throw new WarroomError('UNAVAILABLE', `${label}: ${bin} exited with ${r.code ?? r.signal}${tail ? `: ${tail}` : ''}`);
  }
}
