import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { PG_ADMIN_URL } from '../helpers/store.js';
import { startServeProcess } from '../helpers/server.js';
import { REDIS_URL } from './helpers.js';

const REPO = resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with an argument array (no shell). */
function runProgram(cmd: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The ```bash blocks of a Markdown file, in order. */
function bashBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:bash|sh)\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/**
 * A team's working directory: warroom.yaml naming the machine's PostgreSQL and Redis (db 14),
 * a backend with a log file, a rollback command and an owning team; `warroom` on PATH (a link
 * to the built binary); two recorded deploys so a rollback has a previous version.
 */
async function teamDir(prefix: string): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = tempDir(prefix);
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, 'warroom'));
  const log = join(dir, 'backend.log');
  const now = Date.now();
  for (let i = 0; i < 30; i++) {
    const err = i % 5 === 0;
    appendFileSync(
      log,
      `${JSON.stringify({ ts: new Date(now - 8 * 60_000 + i * 10_000).toISOString(), level: err ? 'ERROR' : 'INFO', method: 'POST', path: `/orders/${i + 100}`, status: err ? 500 : 200, msg: err ? 'TimeoutError: pool exhausted' : 'ok' })}\n`,
    );
  }
  writeFileSync(
    join(dir, 'warroom.yaml'),
    [
      'services:',
      '  db:',
      `    postgres: ${JSON.stringify(PG_ADMIN_URL)}`,
      '  cache:',
      `    redis: ${JSON.stringify(REDIS_URL)}`,
      '  backend:',
      '    team: platform',
      '    depends_on: [db, cache]',
      `    postgres: ${JSON.stringify(PG_ADMIN_URL)}`,
      '    logs:',
      `      file: ${JSON.stringify(log)}`,
      `    rollback: [${JSON.stringify(process.execPath)}, "-e", "console.log('rolled back to ' + process.argv[1])", "{version}"]`,
      'contacts:',
      '  default_team: platform',
      '  teams:',
      '    platform:',
      '      oncall: alice',
      '      manager: bob',
      '      channel: "#platform"',
      '  people:',
      '    alice:',
      '      email: alice@example.com',
      '    bob:',
      '      email: bob@example.com',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, WARROOM_USER: 'skill-agent', NO_COLOR: '1' };
  for (const k of ['DATABASE_URL', 'WARROOM_URL', 'WARROOM_TOKEN', 'WARROOM_CONFIG', 'WARROOM_DATA', 'WARROOM_BIN']) delete env[k];
  for (const [version, at] of [
    ['v41', '2 hours ago'],
    ['v42', '20 minutes ago'],
  ]) {
    const r = await runCli(['deploy', 'record', '--service', 'backend', '--version', version, '--at', at], { cwd: dir });
    expect(r.stdout).toContain(`Recorded deploy ${version}`);
    expect(r.code, r.stderr).toBe(0);
  }
  return { dir, env };
}

/** Runs each ```bash block as written (documentation is shell by nature), each in its own bash. */
async function runBlocks(file: string, dir: string, envFor: (block: string) => NodeJS.ProcessEnv): Promise<void> {
  const blocks = bashBlocks(readFileSync(file, 'utf8'));
  expect(blocks.length).toBeGreaterThan(3);
  for (const block of blocks) {
    const r = await runProgram('bash', ['-e', '-u', '-c', block], { cwd: dir, env: envFor(block), timeoutMs: 90_000 });
    const where = `${file} block:\n${block}\nexit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
    expect(r.code, where).toBe(0);
    expect(r.stdout, where).not.toMatch(/"error":\s*\{/);
    expect(r.stderr, where).not.toMatch(/^error:/m);
    expect(r.stdout.trim().length, where).toBeGreaterThan(0);
  }
}

describe('skills/incident-response: the seed skill, working', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let skill: string;

  beforeAll(async () => {
    ({ dir, env } = await teamDir('warroom-skill-ir-'));
    skill = join(dir, 'skills', 'incident-response');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('warroom skill export lays the folder out like the seed, with references from the live config and template', async () => {
    const r = await runCli(['skill', 'export', '--json'], { cwd: dir });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = r.json<{ dir: string; files: { path: string; kind: string; written: boolean }[] }>();
    expect(out.dir).toBe('skills/incident-response');
    for (const f of [
      'SKILL.md',
      'scripts/fetch-logs.sh',
      'scripts/health-check-all-services.sh',
      'scripts/generate-incident-report.sh',
      'references/escalation-contacts.md',
      'references/post-mortem-template.md',
    ]) {
      expect(existsSync(join(skill, f)), f).toBe(true);
    }
    expect(readFileSync(join(skill, 'SKILL.md'), 'utf8')).toBe(readFileSync(join(REPO, 'skills/incident-response/SKILL.md'), 'utf8'));
    const contacts = readFileSync(join(skill, 'references/escalation-contacts.md'), 'utf8');
    expect(contacts).toContain('Page on-call engineer + engineering manager immediately');
    expect(contacts).toMatch(/\| platform \(default\) \| alice \| bob \|/);
    expect(contacts).toContain('alice@example.com');
    const template = readFileSync(join(skill, 'references/post-mortem-template.md'), 'utf8');
    expect(template.endsWith(readFileSync(join(REPO, 'templates/post-mortem-template.md'), 'utf8'))).toBe(true);
    // Running it again changes nothing.
    const again = await runCli(['skill', 'export', '--json'], { cwd: dir });
    expect(again.json<{ files: { written: boolean }[] }>().files.every((f) => !f.written)).toBe(true);
  }, 60_000);

  it("runs each script with the seed's own example flags", async () => {
    const script = (n: string) => join(skill, 'scripts', n);
    const seedExamples: [string, string[], (r: Run) => void][] = [
      [
        'health-check-all-services.sh',
        ['--output-dir', './incident-triage/'],
        () => {
          const h = JSON.parse(readFileSync(join(dir, 'incident-triage/health.json'), 'utf8')) as {
            state: string;
            services: { service: string }[];
          };
          expect(h.state).toBe('up');
          expect(h.services.map((s) => s.service).sort()).toEqual(['backend', 'cache', 'db']);
        },
      ],
      ['health-check-all-services.sh', ['--output-dir', './health/'], () => expect(existsSync(join(dir, 'health/health.md'))).toBe(true)],
      [
        'fetch-logs.sh',
        ['--service', 'backend', '--since', '15 minutes ago', '--output-dir', './incident-logs/'],
        (r) => {
          expect(readdirSync(join(dir, 'incident-logs')).length).toBeGreaterThan(0);
          expect(r.stdout).toContain('/orders/:id');
        },
      ],
      [
        'fetch-logs.sh',
        ['--service', 'backend', '--since', '30m', '--output-dir', './logs/'],
        () => expect(readdirSync(join(dir, 'logs')).length).toBeGreaterThan(0),
      ],
      [
        'generate-incident-report.sh',
        [
          '--title',
          'Database connection pool exhaustion',
          '--severity',
          'SEV2',
          '--start-time',
          '2024-01-15T14:30:00Z',
          '--end-time',
          '2024-01-15T15:15:00Z',
          '--output-dir',
          './post-mortems/',
        ],
        () => {
          const md = readdirSync(join(dir, 'post-mortems')).filter((f) => f.endsWith('.md'));
          expect(md.length).toBe(1);
          const text = readFileSync(join(dir, 'post-mortems', md[0]), 'utf8');
          expect(text).toContain('Database connection pool exhaustion');
          expect(text).toContain('2024-01-15 14:30');
        },
      ],
      [
        'generate-incident-report.sh',
        ['--title', '...', '--severity', 'SEV1', '--output-dir', './reports/'],
        (r) => {
          expect(readdirSync(join(dir, 'reports')).some((f) => f.endsWith('.md'))).toBe(true);
          expect(r.stderr).toContain('no --start-time');
        },
      ],
    ];
    for (const [name, args, check] of seedExamples) {
      const r = await runProgram(script(name), args, { cwd: dir, env });
      expect(r.code, `${name} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      check(r);
    }
  }, 240_000);

  it('the scripts refuse unknown flags and pass values literally, never through a shell', async () => {
    const bad = await runProgram(join(skill, 'scripts/health-check-all-services.sh'), ['--bogus'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown option: --bogus');
    const noService = await runProgram(join(skill, 'scripts/fetch-logs.sh'), ['--since', '30m'], { cwd: dir, env });
    expect(noService.code).toBe(2);
    const title = 'Pool"; touch pwned; echo "$(touch pwned2)';
    const r = await runProgram(
      join(skill, 'scripts/generate-incident-report.sh'),
      [
        '--title',
        title,
        '--severity',
        'SEV3',
        '--start-time',
        '2024-02-01T10:00:00Z',
        '--end-time',
        '2024-02-01T10:30:00Z',
        '--output-dir',
        './literal/',
      ],
      { cwd: dir, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
    const md = readdirSync(join(dir, 'literal')).find((f) => f.endsWith('.md'))!;
    expect(readFileSync(join(dir, 'literal', md), 'utf8')).toContain('touch pwned');
  }, 60_000);

  it('runs every command in its SKILL.md examples as written', async () => {
    await runBlocks(join(skill, 'SKILL.md'), dir, () => env);
    expect(readdirSync(join(dir, 'post-mortems')).some((f) => f.startsWith('INC-1'))).toBe(true);
  }, 300_000);
});

describe('skills/warroom: the agent skill, working for a shell-only and a curl+jq-only agent', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let server: Awaited<ReturnType<typeof startServeProcess>>;
  let token: string;

  beforeAll(async () => {
    ({ dir, env } = await teamDir('warroom-skill-agent-'));
    server = await startServeProcess({ cwd: dir, env: { WARROOM_USER: 'server' } });
    const t = await runCli(['token', 'create', '--role', 'responder', '--name', 'curl-agent', '--json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    token = t.json<{ token: string }>().token;
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every command in its SKILL.md examples as written (CLI blocks locally, curl blocks against the server)', async () => {
    await runBlocks(join(REPO, 'skills/warroom/SKILL.md'), dir, (block) =>
      block.includes('$WARROOM_URL') ? { ...env, WARROOM_URL: server.url, WARROOM_TOKEN: token } : env,
    );
    const shown = await runCli(['show', 'INC-1', '--json'], { cwd: dir });
    const inc = shown.json<{ timeline: { author: string; kind: string; text: string }[] }>();
    expect(inc.timeline.some((e) => e.author === 'skill-agent' && e.kind === 'finding' && e.text.startsWith('Pool exhausted'))).toBe(true);
    const viaApi = await runCli(['show', 'INC-2', '--json'], { cwd: dir });
    expect(
      viaApi
        .json<{ timeline: { author: string; text: string }[] }>()
        .timeline.some((e) => e.author === 'curl-agent' && e.text === 'p99 latency 10 s on GET /search'),
    ).toBe(true);
  }, 300_000);
});
