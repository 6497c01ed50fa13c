import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { incidentDetailSchema, incidentListSchema, changeResultSchema, timelineEntrySchema } from '../../src/contract/incidents.js';

/** The built binary against a temporary directory: the zero-set-up embedded store. */
describe('CLI on the embedded store', () => {
  let cwd: string;
  const cli = (...args: string[]) => runCli(args, { cwd });
  beforeAll(() => {
    cwd = tempDir();
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prints its version fast path and help', async () => {
    const v = await cli('--version');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version);
    const h = await cli('--help');
    expect(h.code).toBe(0);
    for (const c of ['declare', 'list', 'show', 'note', 'status', 'severity', 'assign', 'resolve', 'reopen', 'serve', 'token', 'init'])
      expect(h.stdout).toContain(c);
  });

  it('declares, notes, changes and resolves with --json shapes', async () => {
    const d = await cli(
      'declare',
      'Checkout returns 500',
      '--severity',
      'SEV2',
      '--commander',
      'alice',
      '--impact',
      'Users cannot pay',
      '--json',
    );
    expect(d.code).toBe(0);
    const declared = changeResultSchema.parse(d.json());
    expect(declared.incident.id).toBe('INC-1');
    expect(declared.incident.createdBy).toBe('tester');

    const n = await cli('note', 'INC-1', 'p99 latency 4s on /orders', '--kind', 'finding', '--json');
    expect(n.code).toBe(0);
    expect(timelineEntrySchema.parse(n.json()).kind).toBe('finding');

    expect((await cli('status', 'INC-1', 'identified', '--note', 'bad deploy')).code).toBe(0);
    expect((await cli('severity', 'INC-1', 'SEV1', '--reason', 'all regions')).code).toBe(0);
    expect((await cli('assign', 'INC-1', '--role', 'commander', '--to', 'bob')).code).toBe(0);
    expect((await cli('assign', 'INC-1', '--role', 'responder', '--to', 'dan')).code).toBe(0);

    const s = await cli('show', 'INC-1', '--json');
    const shown = incidentDetailSchema.parse(s.json());
    expect(shown).toMatchObject({ severity: 'SEV1', status: 'identified', roles: { commander: 'bob', responders: ['dan'] } });
    expect(shown.timeline.map((e) => e.kind)).toEqual([
      'detection',
      'role_change',
      'finding',
      'status_change',
      'severity_change',
      'role_change',
      'role_change',
    ]);

    const human = await cli('show', 'INC-1');
    expect(human.stdout).toContain('Checkout returns 500');
    expect(human.stdout).toContain('handed over: alice → bob');

    const r = await cli('resolve', 'INC-1', '--summary', 'rolled back', '--json');
    expect(changeResultSchema.parse(r.json()).incident.status).toBe('resolved');
    const open = incidentListSchema.parse((await cli('list', '--json')).json());
    expect(open.incidents).toHaveLength(0);
    const all = incidentListSchema.parse((await cli('list', '--all', '--json')).json());
    expect(all.incidents.map((i) => i.id)).toEqual(['INC-1']);
  });

  it('refuses bad input with exit 1/2, a named problem, and nothing written', async () => {
    const before = (await cli('show', 'INC-1', '--json')).json<{ timeline: unknown[] }>().timeline.length;
    const cases: [string[], number, RegExp][] = [
      [['declare', 'x', '--severity', 'SEV9'], 2, /severity: unknown severity "SEV9"/],
      [['declare', '', '--severity', 'SEV1'], 2, /title: must not be empty/],
      [['declare', 'x'.repeat(100_000), '--severity', 'SEV1'], 2, /title: .*at most 200/],
      [['status', 'INC-1', 'identified'], 1, /reopen INC-1/],
      [['status', 'INC-1', 'fixed'], 2, /unknown status "fixed"/],
      [['show', 'INC-404'], 1, /INC-404 not found/],
      [['note', 'INC-1', 'x', '--kind', 'gossip'], 2, /gossip/],
      [['declare', 'x'], 2, /severity/],
      [['frobnicate'], 2, /unknown command/],
    ];
    for (const [args, code, re] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const j = await cli('status', 'INC-1', 'identified', '--json');
    expect(j.code).toBe(1);
    expect(j.json()).toMatchObject({ error: { code: 'INVALID_TRANSITION' } });
    expect((await cli('show', 'INC-1', '--json')).json<{ timeline: unknown[] }>().timeline.length).toBe(before);
    expect((await cli('list', '--all', '--json')).json<{ incidents: unknown[] }>().incidents).toHaveLength(1);
  });

  it('reopens, acknowledges and keeps ids sequential', async () => {
    expect((await cli('reopen', 'INC-1', '--reason', 'errors back')).code).toBe(0);
    const d = await cli('declare', 'Second', '-s', 'sev4', '--json');
    expect(d.json<{ incident: { id: string } }>().incident.id).toBe('INC-2');
    const a = await cli('ack', 'INC-2', '--json');
    expect(a.json<{ incident: { roles: { commander: string } } }>().incident.roles.commander).toBe('tester');
    const list = await cli('list');
    expect(list.stdout).toMatch(/INC-2\s+SEV4\s+investigating\s+tester/);
  });

  it('records deploys with their own --version, and takes global options before or after the command', async () => {
    const r = await cli('deploy', 'record', '--service', 'backend', '--version', 'abc123', '--json');
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ service: 'backend', version: 'abc123', kind: 'deploy', by: 'tester' });
    const l = await cli('--json', 'deploy', 'list', '--service', 'backend');
    expect(l.json<{ deploys: { version: string }[] }>().deploys.map((d) => d.version)).toEqual(['abc123']);
    expect((await cli('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('uses the actor from --as and WARROOM_USER', async () => {
    const r = await runCli(['note', 'INC-2', 'hello', '--as', 'zoe', '--json'], { cwd });
    expect(r.json<{ author: string }>().author).toBe('zoe');
    const e = await runCli(['note', 'INC-2', 'hi', '--json'], { cwd, env: { WARROOM_USER: 'yan' } });
    expect(e.json<{ author: string }>().author).toBe('yan');
  });

  it('writes and checks config, naming key and line on errors', async () => {
    const init = await cli('init');
    expect(init.code).toBe(0);
    const ok = await cli('config', 'check');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid: 3 services/);
    writeFileSync(
      join(cwd, 'bad.yaml'),
      'services:\n  backend:\n    health: not-a-url\n    depends_on: [ghost]\n  db:\n    postgres: postgres://u@h/db\n    colour: blue\n',
    );
    const bad = await cli('config', 'check', 'bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/services\.backend\.health: expected a URL .*line 3/);
    expect(bad.stderr).toMatch(/services\.db\.colour: unknown key, line 7/);
    const j = await cli('config', 'check', 'bad.yaml', '--json');
    expect(j.json<{ valid: boolean; problems: { path: string; line: number }[] }>()).toMatchObject({ valid: false });
    // A broken config is a clear error for every command, not a stack trace.
    const l = await cli('--config', 'bad.yaml', 'list');
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/services\.backend\.health/);
  });
});
