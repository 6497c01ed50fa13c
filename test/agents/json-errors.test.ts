import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const CODES = ['VALIDATION', 'NOT_FOUND', 'INVALID_TRANSITION', 'CONFLICT', 'FORBIDDEN', 'UNAUTHORIZED', 'UNAVAILABLE'];

/**
 * Agents branch on error codes, so every command's failure in --json mode must be JSON on stdout:
 * {"error": {"code", "message", "field"?}} with a stable code, and the exit code the README maps
 * it to (2 for VALIDATION, 1 otherwise). One bad invocation per top-level command of `warroom --help`.
 */
describe('every command answers bad input with a JSON error in --json mode', () => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('warroom-json-errors-');
    writeFileSync(join(dir, 'existing.yaml'), 'organization: x\n');
    const d = await runCli(['declare', 'Checkout returns 500', '-s', 'SEV2', '--json'], { cwd: dir });
    expect(d.code, d.stderr).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** [argv, expected code, or null for "any stable code"] */
  const cases: [string[], string | null][] = [
    [['declare', 'Title', '-s', 'SEV9'], 'VALIDATION'],
    [['declare'], 'VALIDATION'],
    [['list', '--status', 'bogus'], 'VALIDATION'],
    [['show', 'INC-999'], 'NOT_FOUND'],
    [['note', 'INC-999', 'text'], 'NOT_FOUND'],
    [['status', 'INC-1', 'bogus'], 'VALIDATION'],
    [['severity', 'INC-1', 'SEV9', '-r', 'why'], 'VALIDATION'],
    [['assign', 'INC-1', '--role', 'chef', '--to', 'someone'], 'VALIDATION'],
    [['ack', 'INC-999'], 'NOT_FOUND'],
    [['resolve', 'INC-999'], 'NOT_FOUND'],
    [['reopen', 'INC-1'], null],
    [['deploy', 'list', '--limit', '0'], 'VALIDATION'],
    [['init', '-o', 'existing.yaml'], 'CONFLICT'],
    [['config', 'check', 'missing.yaml'], null],
    [['token', 'revoke', 'nope'], 'NOT_FOUND'],
    [['user', 'remove', 'nobody'], 'NOT_FOUND'],
    [['health', '--service', 'nope'], 'NOT_FOUND'],
    [['diagnose', 'bogus'], 'VALIDATION'],
    [['triage', '--show', '999'], 'NOT_FOUND'],
    [['logs', 'analyze', '--service', 'nope'], null],
    [['update', 'INC-999', '--findings', 'f', '--actions', 'a'], 'NOT_FOUND'],
    [['outbox', 'retry', '999'], null],
    [['contacts'], 'VALIDATION'],
    [['postmortem', 'INC-999'], 'NOT_FOUND'],
    [
      [
        'report',
        '--title',
        'x',
        '--severity',
        'SEV9',
        '--start-time',
        '2024-01-15T14:30:00Z',
        '--end-time',
        '2024-01-15T15:00:00Z',
        '--output-dir',
        'r',
      ],
      'VALIDATION',
    ],
    [['action', 'done', '999'], 'NOT_FOUND'],
    [['stats', '--since', 'forever'], 'VALIDATION'],
    [['run', 'bogus'], 'VALIDATION'],
    [['serve', '--port', '99999'], 'VALIDATION'],
    [['mcp', '--server', 'http://127.0.0.1:9'], 'VALIDATION'],
    [['skill', 'export', '--dir', 'existing.yaml/skill'], 'VALIDATION'],
  ];

  it('prints {"error": {code, message}} with a stable code and the matching exit code', async () => {
    const failures: string[] = [];
    // A few at a time: each is a process start on a loaded machine.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async ([argv, expected]) => {
          const r = await runCli([...argv, '--json'], { cwd: dir, timeoutMs: 60_000 });
          type ErrorBody = { error?: { code?: string; message?: string } };
          let body: ErrorBody;
          try {
            body = JSON.parse(r.stdout) as ErrorBody;
          } catch {
            failures.push(`${argv.join(' ')}: stdout is not JSON (exit ${r.code}): ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 200)}`);
            return;
          }
          const code = body.error?.code;
          if (!code || !CODES.includes(code))
            return void failures.push(`${argv.join(' ')}: no stable error code: ${r.stdout.slice(0, 300)}`);
          if (expected && code !== expected) failures.push(`${argv.join(' ')}: expected ${expected}, got ${code}: ${body.error?.message}`);
          if (!body.error?.message) failures.push(`${argv.join(' ')}: empty message`);
          const exit = code === 'VALIDATION' ? 2 : 1;
          if (r.code !== exit) failures.push(`${argv.join(' ')}: ${code} should exit ${exit}, exited ${r.code}`);
        }),
      );
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
