import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliResult } from '../helpers/cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A private copy of the built package (bin, dist, templates, package.json; node_modules linked),
 * so a long browser test keeps running the build it started with even when the shared dist/
 * is rebuilt meanwhile. It also proves the server finds dist/web relative to where the
 * package is installed, not relative to the repository.
 */
export function snapshotPackage(): { bin: string; cleanup(): void } {
  if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('dist/web is missing: run "npm run build" first');
  const dir = mkdtempSync(join(tmpdir(), 'warroom-pkg-'));
  for (const p of ['bin', 'dist', 'templates', 'package.json'])
    if (existsSync(join(ROOT, p))) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { bin: join(dir, 'bin/warroom.js'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARROOM_USER: 'tester',
    NO_COLOR: '1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: undefined,
    WARROOM_URL: undefined,
    WARROOM_TOKEN: undefined,
    WARROOM_CONFIG: undefined,
    WARROOM_DATA: undefined,
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

export function runBin(bin: string, args: string[], opts: { cwd: string; input?: string }): Promise<CliResult> {
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveP({
        code: code ?? -1,
        stdout,
        stderr,
        json<T>() {
          return JSON.parse(stdout) as T;
        },
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** `warroom serve` from the snapshot on a loopback port; resolves once /healthz answers. */
export async function serveBin(
  bin: string,
  cwd: string,
  port = 20000 + Math.floor(Math.random() * 20000),
): Promise<{ url: string; child: ChildProcess; stderr(): string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port)], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`warroom serve exited ${child.exitCode}: ${err}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`warroom serve did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    stderr: () => err,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
