import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionRunResultSchema } from '../../src/contract/actions.js';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { createTempStore, testContext } from '../helpers/store.js';
import { startTestServer } from '../helpers/server.js';
import { configSchema } from '../../src/config/schema.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import { listActionRuns } from '../../src/app/run-action.js';

const FAKE = resolve(import.meta.dirname, 'fixtures/fake-deploy.mjs');

interface Entry {
  kind: string;
  text: string;
  data: Record<string, unknown> | null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('warroom run through the built binary', () => {
  let cwd: string;
  const log = () => join(cwd, 'calls.jsonl');
  const env = () => ({ FAKE_DEPLOY_LOG: log() });
  const timeline = async (id: string): Promise<Entry[]> =>
    (await runCli(['show', id, '--json'], { cwd })).json<{ timeline: Entry[] }>().timeline.filter((e) => e.kind === 'action');

  beforeAll(async () => {
    cwd = tempDir('wr-cli-run-');
    writeFileSync(
      join(cwd, 'warroom.yaml'),
      [
        'services:',
        '  worker:',
        `    restart: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, "--restart", "{service}"]`,
        '  cache:',
        '    redis: redis://127.0.0.1:6379/12',
        'runbooks:',
        '  slow-drain:',
        '    description: waits until stopped',
        '    steps:',
        '      - name: drain',
        `        run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE)}, "--drain"]`,
        '        timeout: 5m',
        '        env:',
        '          FAKE_DEPLOY_MODE: slow',
        `          FAKE_DEPLOY_READY: ${JSON.stringify(join(cwd, 'ready'))}`,
        '',
      ].join('\n'),
    );
    const d = await runCli(['declare', 'Workers stuck', '-s', 'SEV2', '--json'], { cwd });
    expect(d.code).toBe(0);
  });

  it('--dry-run --json prints the plan in the documented shape and runs nothing', async () => {
    const r = await runCli(['run', 'restart', '--service', 'worker', '--incident', 'INC-1', '--dry-run', '--json'], { cwd, env: env() });
    expect(r.code).toBe(0);
    const out = actionRunResultSchema.parse(r.json());
    expect(out).toMatchObject({ status: 'planned', dryRun: true, runId: null, ok: true, outcome: null, incidentId: 'INC-1' });
    expect(out.plan!.steps[0].argv).toEqual([process.execPath, FAKE, '--restart', 'worker']);
    expect(existsSync(log())).toBe(false);
    expect(await timeline('INC-1')).toEqual([]);
  });

  it('without --yes and without a terminal it refuses, runs nothing, and the refusal is on the timeline', async () => {
    const r = await runCli(['run', 'restart', '--service', 'worker', '--incident', 'INC-1'], { cwd, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: confirmation required: restart changes production');
    expect(r.stdout).toContain('Plan: restart worker with its configured restart command');
    expect(existsSync(log())).toBe(false);
    const [entry] = await timeline('INC-1');
    expect(entry.data).toMatchObject({ action: 'restart', status: 'refused', actor: { name: 'tester', via: 'cli' } });
  });

  it('--yes runs it, streams the redacted output, and records it; --json gives the documented result', async () => {
    const human = await runCli(['run', 'restart', '--service', 'worker', '--incident', 'INC-1', '--yes'], { cwd, env: env() });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('│ using password=[REDACTED] for the registry');
    expect(human.stdout).toContain('✔ restarted worker; recovery not verified');
    expect(human.stdout).toMatch(/recorded on INC-1 \(timeline entry #\d+, run #\d+\)/);
    expect(human.stdout + human.stderr).not.toContain('hunter2');
    const r = await runCli(['run', 'restart', '--service', 'worker', '--incident', 'INC-1', '--yes', '--json'], { cwd, env: env() });
    expect(r.code).toBe(0);
    const out = actionRunResultSchema.parse(r.json());
    expect(out).toMatchObject({
      status: 'succeeded',
      ok: true,
      dryRun: false,
      outcome: { exitCode: 0 },
      actor: { name: 'tester', via: 'cli' },
    });
    expect(out.outcome!.output).toContain('password=[REDACTED]');
    const calls = readFileSync(log(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).argv);
    expect(calls).toEqual([
      ['--restart', 'worker'],
      ['--restart', 'worker'],
    ]);
    expect((await timeline('INC-1')).map((e) => (e.data as { status: string }).status)).toEqual(['refused', 'succeeded', 'succeeded']);
  });

  it('Ctrl-C (SIGINT) stops the running step with SIGTERM, exits 130, and records the interruption', async () => {
    const d = await runCli(['declare', 'Queue backlog', '-s', 'SEV3', '--json'], { cwd });
    const id = (d.json() as { incident: { id: string } }).incident.id;
    const childEnv: NodeJS.ProcessEnv = { ...process.env, WARROOM_USER: 'tester', NO_COLOR: '1', FAKE_DEPLOY_LOG: log() };
    for (const k of ['DATABASE_URL', 'WARROOM_URL', 'WARROOM_CONFIG', 'WARROOM_DATA']) delete childEnv[k];
    const cli = spawn(process.execPath, [BIN, 'run', 'slow-drain', '--incident', id, '--yes'], {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    cli.stdout.setEncoding('utf8').on('data', (x) => (out += x));
    cli.stderr.setEncoding('utf8').on('data', (x) => (err += x));
    const exited = new Promise<number | null>((r) => cli.on('close', (code) => r(code)));
    const end = Date.now() + 20_000;
    while (!existsSync(join(cwd, 'ready'))) {
      if (Date.now() > end) throw new Error(`the runbook step never started: ${out}${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    cli.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(err).toContain('interrupted: stopping the action');
    expect(out).toContain('stopping cleanly');
    const stepPid = JSON.parse(readFileSync(log(), 'utf8').trim().split('\n').at(-1)!).pid as number;
    expect(alive(stepPid)).toBe(false);
    const [entry] = await timeline(id);
    expect(entry.data).toMatchObject({ action: 'slow-drain', status: 'interrupted', exitCode: 143 });
    expect(entry.text).toContain('slow-drain slow-drain: interrupted');
  });

  it('bad input: unknown action, unknown service and "*" are clear errors with --json shapes and exit 2', async () => {
    const a = await runCli(['run', 'reboot', '--json'], { cwd });
    expect(a.code).toBe(2);
    expect(a.json()).toMatchObject({
      error: {
        code: 'VALIDATION',
        field: 'action',
        message: expect.stringContaining(
          'unknown action "reboot" (known: rollback, restart, kill-query, flush-keys, clean-disk, slow-drain)',
        ),
      },
    });
    const s = await runCli(['run', 'restart', '--service', 'nope', '--yes'], { cwd });
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toBe('error: service: unknown service "nope" (known: worker, cache)');
    const f = await runCli(['run', 'flush-keys', '--service', 'cache', '--pattern', '*', '--force', '--yes', '--json'], { cwd });
    expect(f.code).toBe(2);
    expect(f.json()).toMatchObject({
      error: { code: 'VALIDATION', field: 'pattern', details: { status: 'refused', runId: expect.any(Number) } },
    });
  });

  it('on a terminal it asks: "no" refuses and runs nothing, "yes" runs (a real pseudo-terminal via python3 pty, argv only)', async () => {
    const inTty = (answer: string) =>
      new Promise<{ code: number | null; out: string }>((resolveP) => {
        const childEnv: NodeJS.ProcessEnv = { ...process.env, WARROOM_USER: 'tester', NO_COLOR: '1', FAKE_DEPLOY_LOG: log() };
        for (const k of ['DATABASE_URL', 'WARROOM_URL', 'WARROOM_CONFIG', 'WARROOM_DATA']) delete childEnv[k];
        // pty.spawn takes an argument list: no shell is involved here either.
        const p = spawn(
          'python3',
          [
            '-c',
            'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)',
            process.execPath,
            BIN,
            'run',
            'restart',
            '--service',
            'worker',
            '--incident',
            'INC-1',
          ],
          { cwd, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] },
        );
        let out = '';
        p.stdout.setEncoding('utf8').on('data', (x) => {
          out += x;
          if (out.includes('Type "yes" to continue') && !p.stdin.writableEnded) p.stdin.end(`${answer}\n`);
        });
        p.stderr.resume();
        const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
        p.on('close', (code) => {
          clearTimeout(timer);
          resolveP({ code, out });
        });
      });
    const before = existsSync(log()) ? readFileSync(log(), 'utf8').trim().split('\n').length : 0;
    const no = await inTty('no');
    expect(no.out).toContain('Run restart on worker? Type "yes" to continue');
    expect(no.out).toContain('not confirmed: restart was not run');
    expect(no.code).toBe(1);
    const count = () => (existsSync(log()) ? readFileSync(log(), 'utf8').trim().split('\n').length : 0);
    expect(count()).toBe(before);
    const yes = await inTty('yes');
    expect(yes.out).toContain('✔ restarted worker');
    expect(yes.code).toBe(0);
    expect(count()).toBe(before + 1);
  });

  it('--server runs the action through the API: plan from a dry run, refusal without --yes recorded on the server, then the run', async () => {
    const ts = await createTempStore('sqlite');
    const serverLog = join(cwd, 'server-calls.jsonl');
    const server = await startTestServer(
      ts.store,
      configSchema.parse({ services: { worker: { restart: [process.execPath, FAKE, '--restart', '{service}'] } } }),
    );
    const prevLog = process.env.FAKE_DEPLOY_LOG;
    // The server runs in this process: the fake script inherits this environment.
    process.env.FAKE_DEPLOY_LOG = serverLog;
    try {
      const ctx = testContext(ts.store);
      const inc = (await declareIncident(ctx, { title: 'Remote', severity: 'SEV2' })).incident.id;
      const token = await server.token('commander', 'cli-remote');
      const env = { WARROOM_URL: server.url, WARROOM_TOKEN: token };
      const other = tempDir('wr-cli-remote-');
      const no = await runCli(['run', 'restart', '--service', 'worker', '--incident', inc], { cwd: other, env });
      expect(no.code).toBe(1);
      expect(no.stdout).toContain('Plan: restart worker with its configured restart command');
      expect(no.stderr).toContain('confirmation required');
      expect(existsSync(serverLog)).toBe(false);
      const r = await runCli(['run', 'restart', '--service', 'worker', '--incident', inc, '--yes', '--json'], { cwd: other, env });
      expect(r.code).toBe(0);
      expect(actionRunResultSchema.parse(r.json())).toMatchObject({ status: 'succeeded', actor: { name: 'cli-remote', via: 'api' } });
      expect(readFileSync(serverLog, 'utf8').trim().split('\n')).toHaveLength(1);
      expect((await listActionRuns(ctx, inc)).map((x) => x.status)).toEqual(['refused', 'succeeded']);
      const missing = await runCli(['run', 'restart', '--service', 'worker', '--yes'], { cwd: other, env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('incident: required with --server');
    } finally {
      if (prevLog === undefined) delete process.env.FAKE_DEPLOY_LOG;
      else process.env.FAKE_DEPLOY_LOG = prevLog;
      await server.close();
      await ts.cleanup();
    }
  });
});
