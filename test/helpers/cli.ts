import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/warroom.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws with the output when it is not JSON). */
  json<T = unknown>(): T;
}

/** A fresh working directory: the embedded store goes to <dir>/.warroom. */
export function tempDir(prefix = 'warroom-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the built binary (npm test builds first) with an argument array; never a shell. */
export function runCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolveP, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WARROOM_USER: 'tester',
      NO_COLOR: '1',
      DATABASE_URL: undefined,
      WARROOM_URL: undefined,
      WARROOM_TOKEN: undefined,
      WARROOM_CONFIG: undefined,
      WARROOM_DATA: undefined,
      ...opts.env,
    };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveP({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`not JSON (exit ${code}):\nstdout: ${stdout}\nstderr: ${stderr}`);
          }
        },
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}
