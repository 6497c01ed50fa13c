import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const APP_DIR = resolve(import.meta.dirname, '../../examples/fastapi-app');

/** The example FastAPI app under uvicorn (Debian's python3), on a random port. Fails loudly when python is missing. */
export async function startFastApi(env: {
  DATABASE_URL: string;
  REDIS_URL: string;
}): Promise<{ url: string; child: ChildProcess; output: () => string; stop(): Promise<void> }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(
    '/usr/bin/python3',
    ['-m', 'uvicorn', 'app:app', '--app-dir', APP_DIR, '--host', '127.0.0.1', '--port', String(port)],
    {
      env: { ...process.env, ...env, CHECK_TIMEOUT_S: '0.5', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`uvicorn exited ${child.exitCode}: ${out}`);
    try {
      if ((await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`uvicorn did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
