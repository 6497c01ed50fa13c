import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { refusedPort } from '../checks/peers.js';

interface Report {
  state: string;
  health: {
    services: {
      service: string;
      state: string;
      checks: { kind: string; target: string; state: string; evidence: Record<string, unknown>; error?: string }[];
    }[];
  };
}

/** `warroom triage` with the same ad hoc target flags as `warroom health`: no warroom.yaml needed. */
describe('triage with ad hoc targets', () => {
  let cwd: string;
  let port: number;
  const cli = (...args: string[]) => runCli(args, { cwd });
  beforeAll(async () => {
    cwd = tempDir();
    port = await refusedPort();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('checks a --tcp target with no config and reports it down', async () => {
    expect(existsSync(join(cwd, 'warroom.yaml'))).toBe(false);
    const r = await cli('triage', '--tcp', `127.0.0.1:${port}`, '--json');
    expect(r.code, r.stderr).toBe(1);
    const report = r.json<Report>();
    expect(report.state).toBe('down');
    expect(report.health.services).toHaveLength(1);
    const [svc] = report.health.services;
    expect(svc.service).toBe(`tcp:127.0.0.1:${port}`);
    expect(svc.checks).toMatchObject([{ kind: 'tcp', target: `127.0.0.1:${port}`, state: 'down', evidence: { code: 'ECONNREFUSED' } }]);
  });

  it('checks a --redis target, next to a --tcp one', async () => {
    const r = await cli(
      'triage',
      '--redis',
      `redis://127.0.0.1:${port}`,
      '--tcp',
      `127.0.0.1:${port}`,
      '--logs',
      join(cwd, 'app.log'),
      '--json',
    );
    expect(r.code, r.stderr).toBe(1);
    const report = r.json<Report>();
    expect(report.state).toBe('down');
    const redis = report.health.services.find((s) => s.checks.some((c) => c.kind === 'redis'));
    expect(redis?.service).toBe(`redis:127.0.0.1:${port}`);
    expect(redis?.checks[0]).toMatchObject({ state: 'down', evidence: { code: 'ECONNREFUSED' } });
    expect(redis?.checks[0].error).toMatch(/connection refused/);
    expect(report.health.services.map((s) => s.checks[0].kind).sort()).toEqual(['redis', 'tcp']);
  });

  it('refuses ad hoc targets and log files with --server, naming the flag', async () => {
    for (const [flag, value] of [
      ['--redis', `redis://127.0.0.1:${port}`],
      ['--postgres', `postgres://u@127.0.0.1:${port}/db`],
      ['--logs', 'app.log'],
    ]) {
      const r = await cli('triage', flag, value, '--server', `http://127.0.0.1:${port}`, '--json');
      expect(r.code).toBe(2);
      expect(r.json()).toMatchObject({
        error: { code: 'VALIDATION', message: expect.stringContaining(`${flag}: ad hoc targets cannot be sent to a server`) },
      });
    }
  });

  it('validates an ad hoc target like health does', async () => {
    const r = await cli('triage', '--tcp', 'no-port-here', '--json');
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ error: { code: 'VALIDATION', message: expect.stringContaining('--tcp "no-port-here"') } });
  });
});
