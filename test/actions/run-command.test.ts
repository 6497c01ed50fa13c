import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/actions/run-command.js';
import { tempDir } from '../helpers/cli.js';

const FAKE = resolve(import.meta.dirname, 'fixtures/fake-deploy.mjs');
const node = process.execPath;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForFile(path: string, ms = 10_000): Promise<string> {
  const end = Date.now() + ms;
  while (!existsSync(path) || !readFileSync(path, 'utf8')) {
    if (Date.now() > end) throw new Error(`${path} never appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return readFileSync(path, 'utf8');
}

describe('runCommand (real child processes)', () => {
  it('passes each argument literally: shell metacharacters reach the program untouched and no shell runs', async () => {
    const dir = tempDir('wr-run-');
    const log = join(dir, 'calls.jsonl');
    const evil = `v1; touch ${join(dir, 'PWNED')} && echo $(id) | cat \`whoami\` > x`;
    const r = await runCommand({ argv: [node, FAKE, '--version', evil], env: { FAKE_DEPLOY_LOG: log }, cwd: dir, timeoutMs: 10_000 });
    expect(r.status).toBe('succeeded');
    expect(r.exitCode).toBe(0);
    const call = JSON.parse(readFileSync(log, 'utf8').trim());
    expect(call.argv).toEqual(['--version', evil]);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('captures stdout and stderr, redacts secrets, and streams lines as they come', async () => {
    const lines: string[] = [];
    const r = await runCommand({ argv: [node, FAKE, '--version', 'v9'], timeoutMs: 10_000, onLine: (l) => lines.push(l) });
    expect(r.output).toContain('rolling back to v9');
    expect(r.output).toContain('pulling image... done');
    expect(r.output).not.toContain('hunter2');
    expect(r.output).toContain('password=[REDACTED]');
    expect(lines.join('\n')).not.toContain('hunter2');
    expect(lines).toContain('rolling back to v9');
  });

  it("passes the step's env, but not warroom's own token", async () => {
    process.env.WARROOM_TOKEN = 'wr_should_not_leak';
    try {
      const r = await runCommand({
        argv: [node, '-e', 'console.log(`${process.env.WARROOM_TOKEN ?? "none"} ${process.env.STEP_VAR}`)'],
        env: { STEP_VAR: 'from-step' },
        timeoutMs: 10_000,
      });
      expect(r.output).toBe('none from-step');
    } finally {
      delete process.env.WARROOM_TOKEN;
    }
  });

  it('reports a non-zero exit as failed with its status', async () => {
    const r = await runCommand({ argv: [node, FAKE], env: { FAKE_DEPLOY_MODE: 'fail' }, timeoutMs: 10_000 });
    expect(r).toMatchObject({ status: 'failed', exitCode: 3, error: 'exited with status 3' });
    expect(r.output).toContain('registry unreachable');
  });

  it('reports a missing binary clearly instead of throwing', async () => {
    const r = await runCommand({ argv: ['/nonexistent/deploy-tool', '--rollback'], timeoutMs: 5000 });
    expect(r).toMatchObject({ status: 'failed', exitCode: null, error: 'command not found: /nonexistent/deploy-tool' });
  });

  it('on timeout sends SIGTERM, then SIGKILL to the whole process group (grandchildren included)', async () => {
    const dir = tempDir('wr-run-');
    const childPidFile = join(dir, 'child.pid');
    const r = await runCommand({
      argv: [node, FAKE],
      env: { FAKE_DEPLOY_MODE: 'hang', FAKE_DEPLOY_CHILD_PID: childPidFile },
      timeoutMs: 3000,
      killGraceMs: 300,
    });
    expect(r.status).toBe('timed_out');
    expect(r.signal).toBe('SIGKILL');
    expect(r.output).toContain('got SIGTERM, ignoring it');
    expect(r.output).toContain('sending SIGKILL');
    const grandchild = Number(readFileSync(childPidFile, 'utf8'));
    // The kill is asynchronous; give the kernel a moment to reap it.
    const end = Date.now() + 5000;
    while (alive(grandchild) && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
    expect(alive(grandchild)).toBe(false);
  });

  it('an abort (Ctrl-C) stops the child with SIGTERM and reports interrupted', async () => {
    const dir = tempDir('wr-run-');
    const ready = join(dir, 'ready');
    const ac = new AbortController();
    const p = runCommand({
      argv: [node, FAKE],
      env: { FAKE_DEPLOY_MODE: 'slow', FAKE_DEPLOY_READY: ready },
      timeoutMs: 60_000,
      signal: ac.signal,
    });
    await waitForFile(ready);
    ac.abort();
    const r = await p;
    expect(r.status).toBe('interrupted');
    expect(r.exitCode).toBe(143);
    expect(r.output).toContain('stopping cleanly');
  });
});
