import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDisk } from '../../src/checks/disk.js';
import { checkDns } from '../../src/checks/dns.js';
import { checkContainer } from '../../src/checks/container.js';
import { inspectBody, startFakeDockerEngine } from './peers.js';

/** A real, nearly full filesystem: a 1 MiB tmpfs filled with a file (needs root, which CI has). */
export function mountFullTmpfs(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
  try {
    writeFileSync(join(dir, 'fill'), Buffer.alloc(1024 * 1024));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  return {
    dir,
    cleanup() {
      execFileSync('umount', [dir]);
      rmdirSync(dir);
    },
  };
}

describe('disk check (statfs)', () => {
  let full: ReturnType<typeof mountFullTmpfs>;
  beforeAll(() => {
    full = mountFullTmpfs();
  });
  afterAll(() => full?.cleanup());

  it('is down on a real full filesystem, with free bytes and inodes in the evidence', async () => {
    const r = await checkDisk('db', full.dir);
    expect(r.state).toBe('down');
    expect(r.evidence.freePct).toBeLessThan(5);
    expect(typeof r.evidence.inodesFreePct).toBe('number');
    expect(r.error).toMatch(/% space free/);
  });

  it('is up on the temp dir of this machine when it has room, and explains a missing path', async () => {
    const r = await checkDisk('host', tmpdir(), { warnFreePct: 0, criticalFreePct: 0 });
    expect(r.state).toBe('up');
    expect(r.evidence.totalBytes).toBeGreaterThan(0);
    const missing = await checkDisk('host', '/no/such/path/here');
    expect(missing.state).toBe('down');
    expect(missing.error).toBe('/no/such/path/here does not exist');
  });
});

describe('dns check', () => {
  it('resolves localhost and reports a name that does not exist', async () => {
    const r = await checkDns('x', 'localhost');
    expect(r.state).toBe('up');
    expect((r.evidence.addresses as string[]).length).toBeGreaterThan(0);
    // .invalid is reserved (RFC 2606): it can never resolve.
    const bad = await checkDns('x', 'warroom-test.invalid', { timeoutMs: 5000 });
    expect(bad.state).toBe('down');
    expect(bad.error).toMatch(/does not resolve|temporary DNS failure|took longer/);
  });
});

describe('container check through the Docker Engine API', () => {
  // No Docker engine runs on this machine: the peer is a unix-socket HTTP server replaying the
  // Engine API's real response format (see startFakeDockerEngine).
  let engine: Awaited<ReturnType<typeof startFakeDockerEngine>>;
  beforeAll(async () => {
    engine = await startFakeDockerEngine({
      'app-backend': inspectBody('app-backend', { Health: { Status: 'healthy', FailingStreak: 0, Log: [] } }, { RestartCount: 0 }),
      'app-worker': inspectBody(
        'app-worker',
        { Status: 'exited', Running: false, OOMKilled: true, ExitCode: 137, FinishedAt: '2024-01-15T14:31:00Z' },
        { RestartCount: 5 },
      ),
      'app-sick': inspectBody('app-sick', {
        Health: { Status: 'unhealthy', FailingStreak: 4, Log: [{ ExitCode: 1, Output: 'curl: (7) Failed to connect' }] },
      }),
      'app-loop': inspectBody('app-loop', { Status: 'restarting', Running: true, Restarting: true }, { RestartCount: 12 }),
    });
  });
  afterAll(() => engine?.close());

  it('is up for a running, healthy container and asks the versioned endpoint', async () => {
    const r = await checkContainer('backend', { name: 'app-backend', socket: engine.socket });
    expect(r.state).toBe('up');
    expect(r.evidence).toMatchObject({ status: 'running', health: 'healthy', restartCount: 0, oomKilled: false });
    expect(engine.requests).toContain('GET /v1.41/containers/app-backend/json');
  });

  it('is down for an OOM-killed exited container, unhealthy or restart-looping ones', async () => {
    const oom = await checkContainer('worker', { name: 'app-worker', socket: engine.socket });
    expect(oom.state).toBe('down');
    expect(oom.error).toBe('container is exited (exit code 137, OOM-killed)');
    expect(oom.evidence).toMatchObject({ oomKilled: true, restartCount: 5 });
    const sick = await checkContainer('sick', { name: 'app-sick', socket: engine.socket });
    expect(sick.state).toBe('down');
    expect(sick.error).toMatch(/unhealthy \(4 failures in a row\)/);
    const loop = await checkContainer('loop', { name: 'app-loop', socket: engine.socket });
    expect(loop.state).toBe('down');
    expect(loop.evidence.restartCount).toBe(12);
  });

  it('explains a missing container and a missing socket', async () => {
    const missing = await checkContainer('x', { name: 'nope', socket: engine.socket });
    expect(missing.state).toBe('down');
    expect(missing.error).toMatch(/no container named nope .*No such container: nope/);
    const noSocket = await checkContainer('x', { name: 'app-backend', socket: '/tmp/warroom-no-such.sock' });
    expect(noSocket.state).toBe('down');
    expect(noSocket.error).toMatch(/no socket there \(is Docker running\?\)/);
  });
});
