import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { BIN, tempDir } from '../helpers/cli.js';
import { refusedPort, startHangingListener, type Peer } from './peers.js';

/**
 * The process exits as soon as its answer is printed, however its Redis and PostgreSQL targets
 * are down. ioredis used to keep it alive 2 s after every refused or unanswered connection (a
 * disconnect timer on an already closed socket). The bound is far below the 3 s check timeout
 * and the 2 s of that timer, and far above what a busy machine needs to exit.
 */
const LINGER_BOUND_MS = 1000;

interface Timed {
  code: number | null;
  stdout: string;
  stderr: string;
  lastOutputAt: number;
  exitAt: number;
}

function runTimed(args: string[], cwd: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, WARROOM_USER: 'tester', NO_COLOR: '1' };
    for (const k of ['DATABASE_URL', 'WARROOM_URL', 'WARROOM_TOKEN', 'WARROOM_CONFIG', 'WARROOM_DATA']) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lastOutputAt = NaN;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      lastOutputAt = performance.now();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    // 'exit' is the moment the process ends; 'close' follows once its pipes are drained.
    let exitAt = NaN;
    child.on('exit', () => {
      exitAt = performance.now();
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, lastOutputAt, exitAt });
    });
  });
}

async function expectPromptExit(args: string[], cwd: string): Promise<Record<string, unknown>> {
  const r = await runTimed(args, cwd);
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  expect(r.code, r.stderr).toBe(1);
  expect(r.exitAt - r.lastOutputAt, `exited ${Math.round(r.exitAt - r.lastOutputAt)} ms after printing its answer`).toBeLessThan(
    LINGER_BOUND_MS,
  );
  return report;
}

describe('no lingering after the answer when Redis and PostgreSQL are down', () => {
  let cwd: string;
  let refused: number;
  let hanging: Peer;
  beforeAll(async () => {
    cwd = tempDir();
    refused = await refusedPort();
    hanging = await startHangingListener();
  });
  afterAll(async () => {
    await hanging.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('health: refused ports', async () => {
    const report = await expectPromptExit(
      [
        'health',
        '--redis',
        `redis://127.0.0.1:${refused}`,
        '--postgres',
        `postgres://x@127.0.0.1:${refused}/db`,
        '--timeout',
        '3s',
        '--json',
      ],
      cwd,
    );
    expect(report).toMatchObject({ state: 'down', counts: { down: 2 } });
  });

  it('health: a listener that accepts and never answers', async () => {
    const report = await expectPromptExit(
      [
        'health',
        '--redis',
        `redis://127.0.0.1:${hanging.port}`,
        '--postgres',
        `postgres://x@127.0.0.1:${hanging.port}/db`,
        '--timeout',
        '3s',
        '--json',
      ],
      cwd,
    );
    expect(report).toMatchObject({ state: 'down', counts: { down: 2 } });
  });

  it('diagnose redis: refused port', async () => {
    const report = await expectPromptExit(['diagnose', 'redis', '--url', `redis://127.0.0.1:${refused}`, '--timeout', '3s', '--json'], cwd);
    expect(report).toMatchObject({ reachable: false });
  });

  it('triage (health and both diagnoses): refused ports', async () => {
    const report = await expectPromptExit(
      [
        'triage',
        '--redis',
        `redis://127.0.0.1:${refused}`,
        '--postgres',
        `postgres://x@127.0.0.1:${refused}/db`,
        '--timeout',
        '3s',
        '--json',
      ],
      cwd,
    );
    expect(report).toMatchObject({ state: 'down' });
  });
});
