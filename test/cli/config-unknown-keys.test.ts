import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

// issue 16: one unknown key in warroom.yaml made every command fail, and `config check` reported problems in several passes.
describe('warroom.yaml with unknown keys', () => {
  let cwd: string;
  const cli = (...args: string[]) => runCli(args, { cwd });
  const WARNING = 'warning: warroom.yaml: services.api.helth: unknown key (did you mean "health"?), line 4 — ignored';
  beforeAll(() => {
    cwd = tempDir();
    writeFileSync(
      join(cwd, 'warroom.yaml'),
      'organization: Acme\nservices:\n  api:\n    helth: http://127.0.0.1:1/health\n    tcp: 127.0.0.1:1\n  db:\n    description: database\n',
    );
    writeFileSync(
      join(cwd, 'bad.yaml'),
      [
        'orgnization: Acme',
        'services:',
        '  api:',
        '    helth: http://127.0.0.1:1/',
        '    depends_on: [ghost]',
        '  db:',
        '    postgres: not-a-url',
        '    timeout: soon',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('config check reports every problem in one pass, with paths, lines and "did you mean"', async () => {
    const r = await cli('config', 'check', 'bad.yaml');
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/bad\.yaml: 4 problems:$/);
    expect(lines.slice(1, 5)).toEqual([
      '  orgnization: unknown key (did you mean "organization"?), line 1',
      '  services.api.helth: unknown key (did you mean "health"?), line 4',
      expect.stringMatching(/^ {2}services\.db\.postgres: .*, line 7$/),
      expect.stringMatching(/^ {2}services\.db\.timeout: cannot read "soon" as a duration.*, line 8$/),
    ]);
    const j = await cli('config', 'check', 'bad.yaml', '--json');
    expect(j.code).toBe(1);
    const body = j.json<{ valid: boolean; onlyUnknownKeys: boolean; problems: { path: string; line: number; suggestion?: string }[] }>();
    expect(body).toMatchObject({ valid: false, onlyUnknownKeys: false });
    expect(body.problems.map((p) => [p.path, p.line])).toEqual([
      ['orgnization', 1],
      ['services.api.helth', 4],
      ['services.db.postgres', 7],
      ['services.db.timeout', 8],
    ]);
    expect(body.problems[1].suggestion).toBe('health');

    // With the values fixed, depends_on is checked in the same pass as the unknown keys.
    writeFileSync(join(cwd, 'deps.yaml'), 'orgnization: Acme\nservices:\n  api:\n    depends_on: [ghost]\n');
    const deps = await cli('config', 'check', 'deps.yaml');
    expect(deps.code).toBe(1);
    expect(deps.stderr).toMatch(/orgnization: unknown key .*line 1\n {2}services\.api\.depends_on\.0: unknown service "ghost".*line 4/);
  });

  it('config check on a file whose only problems are unknown keys fails and says what runs', async () => {
    const r = await cli('config', 'check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('services.api.helth: unknown key (did you mean "health"?), line 4');
    expect(r.stderr).toMatch(/read-only commands .* run and ignore them/);
    expect((await cli('config', 'check', '--json')).json()).toMatchObject({ valid: false, onlyUnknownKeys: true, services: ['api', 'db'] });
  });

  it('read-only commands run with a warning on stderr; --json stays valid JSON on stdout', async () => {
    for (const args of [['list'], ['severities'], ['stats'], ['deploy', 'list'], ['outbox', 'list']]) {
      const r = await cli(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain(WARNING);
      expect(r.stdout).not.toContain('warning');
      const j = await cli(...args, '--json');
      expect(j.code, `${args.join(' ')} --json: ${j.stderr}`).toBe(0);
      expect(() => j.json()).not.toThrow();
      expect(j.stderr).toContain(WARNING);
    }
    // Global options before the command are skipped when naming it.
    const l = await cli('--config', 'warroom.yaml', '--json', 'list');
    expect(l.code).toBe(0);
    expect(l.json()).toBeDefined();
    expect(l.stderr).toContain(WARNING);
  });

  it('the ignored key is really ignored: health checks the services as configured without it', async () => {
    const r = await cli('health', '--json');
    expect(() => r.json()).not.toThrow();
    expect(r.stderr).toContain(WARNING);
    expect(JSON.stringify(r.json())).not.toContain('127.0.0.1:1/health');
  });

  it('commands that change state refuse, and say why', async () => {
    const r = await cli('declare', 'checkout is down', '--severity', 'SEV2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('services.api.helth: unknown key (did you mean "health"?), line 4');
    expect(r.stderr).toMatch(/"warroom declare" changes state or starts a server, so it refuses a config with unknown keys/);
    const j = await cli('declare', 'checkout is down', '--severity', 'SEV2', '--json');
    expect(j.code).toBe(2);
    expect(j.json()).toMatchObject({ error: { code: 'VALIDATION' } });
  });

  it('an invalid value of a known key still fails every command', async () => {
    const r = await cli('--config', 'bad.yaml', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/services\.db\.timeout/);
    expect(r.stderr).not.toContain('warning:');
  });
});
