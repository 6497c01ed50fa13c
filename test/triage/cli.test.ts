import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/store.js';
import { healthReportSchema, triageReportSchema } from '../../src/contract/triage.js';
import { refusedPort, startHangingListener, startHttp, startRedis, type Peer } from '../checks/peers.js';
import { startFastApi } from './fastapi-app.js';

/** Through the built binary (npm test builds first), against real peers and the example FastAPI app. */
let ok: Peer, hanging: Peer, dead: number;
let pgdb: { url: string; drop(): Promise<void> };
let redis: Awaited<ReturnType<typeof startRedis>>;
let app: Awaited<ReturnType<typeof startFastApi>>;
const pwUrl = () => pgdb.url.replace('postgres://postgres@', 'postgres://postgres:Cli-Secret-Pw@');

beforeAll(async () => {
  ok = await startHttp((_q, r) => {
    r.setHeader('content-type', 'application/json');
    r.end('{"status":"ok"}');
  });
  hanging = await startHangingListener();
  dead = await refusedPort();
  pgdb = await createPgDatabase('wr_cli_triage');
  redis = await startRedis();
  app = await startFastApi({ DATABASE_URL: pgdb.url, REDIS_URL: redis.url });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await redis?.stop();
  await Promise.all([ok?.close(), hanging?.close()]);
  await pgdb?.drop();
});

function writeConfig(dir: string, body: string) {
  writeFileSync(join(dir, 'warroom.yaml'), body);
}

describe('warroom health', () => {
  it('checks ad hoc URLs with no config: JSON shape, exit 1 when one is down, files in --output-dir', async () => {
    const cwd = tempDir();
    const r = await runCli(
      [
        'health',
        '--json',
        '--url',
        `${ok.url}/health`,
        '--url',
        `${hanging.url}/x`,
        '--tcp',
        `127.0.0.1:${dead}`,
        '--timeout',
        '500ms',
        '--output-dir',
        'out',
      ],
      { cwd },
    );
    expect(r.code).toBe(1);
    const report = healthReportSchema.parse(r.json());
    expect(report.counts).toEqual({ up: 1, degraded: 0, down: 2 });
    expect(report.timeoutMs).toBe(500);
    const hung = report.services.find((s) => s.checks[0].target.includes(String(hanging.port)))!;
    expect(hung.checks[0].error).toMatch(/sent no response within 500 ms/);
    expect(JSON.parse(readFileSync(join(cwd, 'out/health.json'), 'utf8')).counts.down).toBe(2);
    expect(readFileSync(join(cwd, 'out/health.md'), 'utf8')).toMatch(/\| Service \| State \| Check \|/);
  });

  it('exits 0 when everything configured is up, and prints a table', async () => {
    const cwd = tempDir();
    writeConfig(cwd, `services:\n  api:\n    health: ${ok.url}/health\n  db:\n    postgres: ${pwUrl()}\n`);
    const r = await runCli(['health'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SERVICE\s+STATE\s+CHECK/m);
    expect(r.stdout).toMatch(/up: 2 up, 0 degraded, 0 down/);
    expect(r.stdout).not.toContain('Cli-Secret-Pw');
  });

  it('explains bad input: nothing to check, a malformed URL in config (key and line), an unknown service', async () => {
    const cwd = tempDir();
    const none = await runCli(['health', '--json'], { cwd });
    expect(none.code).toBe(2);
    expect(none.json<{ error: { message: string } }>().error.message).toMatch(/nothing to check/);
    const bad = await runCli(['health', '--url', 'not-a-url'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--url "not-a-url": expected a URL/);
    writeConfig(cwd, 'services:\n  api:\n    health: htp:/broken\n');
    const cfg = await runCli(['health', '--json'], { cwd });
    expect(cfg.code).toBe(2);
    const err = cfg.json<{ error: { field: string; message: string } }>().error;
    expect(err.field).toBe('services.api.health');
    expect(err.message).toMatch(/line 3/);
    writeConfig(cwd, `services:\n  api:\n    health: ${ok.url}\n`);
    const unknown = await runCli(['health', '--service', 'nope'], { cwd });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no service "nope" in warroom.yaml \(known: api\)/);
    expect(unknown.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('warroom diagnose', () => {
  it('postgres --url: facts and human text, the password never printed (text or JSON)', async () => {
    const cwd = tempDir();
    const text = await runCli(['diagnose', 'postgres', '--url', pwUrl()], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/usable connections in use/);
    const json = await runCli(['diagnose', 'postgres', '--url', pwUrl(), '--json', '--output-dir', 'd'], { cwd });
    const d = json.json<{ reachable: boolean; facts: { server_version: string }; target: string }>();
    expect(d.reachable).toBe(true);
    expect(d.target).toBe(pwUrl().replace(':Cli-Secret-Pw', ''));
    for (const out of [text.stdout, text.stderr, json.stdout, readFileSync(join(cwd, 'd/diagnose-postgres.md'), 'utf8')])
      expect(out).not.toContain('Cli-Secret-Pw');
  });

  it('redis on a refused port: exit 1 with the reason; an unknown kind is a usage error', async () => {
    const cwd = tempDir();
    const r = await runCli(['diagnose', 'redis', '--url', `redis://:Redis-Pw-1@127.0.0.1:${dead}/0`, '--timeout', '1s'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cannot connect: .*connection refused/);
    expect(r.stdout + r.stderr).not.toContain('Redis-Pw-1');
    const k = await runCli(['diagnose', 'kafka', '--json'], { cwd });
    expect(k.code).toBe(2);
    expect(k.json<{ error: { message: string } }>().error.message).toMatch(/unknown diagnosis "kafka"/);
  });

  it('app: the FastAPI readiness payload with its dependencies', async () => {
    const cwd = tempDir();
    writeConfig(cwd, `services:\n  backend:\n    health: ${app.url}/health/ready\n`);
    const r = await runCli(['diagnose', 'app', 'backend', '--json'], { cwd });
    expect(r.code).toBe(0);
    const d = r.json<{
      state: string;
      facts: { http_status: number; readiness_status: string };
      payload: { checks: Record<string, string> };
    }>();
    expect(d.state).toBe('up');
    expect(d.facts.http_status).toBe(200);
    expect(d.payload.checks).toEqual({ database: 'ok', redis: 'ok' });
  });

  it('network: DNS, reachability and disk for ad hoc hosts', async () => {
    const cwd = tempDir();
    const r = await runCli(['diagnose', 'network', '--host', `127.0.0.1:${dead}`, '--disk', cwd, '--json'], { cwd });
    const d = r.json<{ state: string; facts: { unreachable: number }; disk: { state: string }[] }>();
    expect(r.code).toBe(1);
    expect(d.facts.unreachable).toBe(1);
    expect(d.disk).toHaveLength(1);
  });
});

describe('warroom triage with the example FastAPI app', () => {
  it('finds nothing on the healthy stack, then names the cause when Redis dies', async () => {
    const cwd = tempDir();
    writeConfig(
      cwd,
      `services:\n  backend:\n    health: ${app.url}/health/ready\n    depends_on: [db, cache]\n  db:\n    postgres: ${pwUrl()}\n  cache:\n    redis: ${redis.url}\n`,
    );
    const healthy = await runCli(['triage', '--json'], { cwd });
    expect(healthy.code).toBe(0);
    const h = triageReportSchema.parse(healthy.json());
    expect(h.findings).toEqual([]);
    expect(h.state).toBe('up');

    const declared = await runCli(['declare', 'Backend 503s', '--severity', 'SEV2', '--json'], { cwd });
    const incident = declared.json<{ incident: { id: string } }>().incident.id;
    await redis.stop();
    const broken = await runCli(['triage', '--json', '--incident', incident, '--output-dir', 'triage'], { cwd });
    expect(broken.code).toBe(1);
    const b = triageReportSchema.parse(broken.json());
    // The cache is the root cause; backend's 503 is what it explains, not a finding of its own.
    expect(b.findings[0]).toMatchObject({ rule: 'redis-down', service: 'cache', root: true });
    expect(b.findings[0].cause).toMatch(/^Redis cache is not reachable: connection refused/);
    expect(b.findings[0].explains.join('\n')).toMatch(/backend readiness HTTP 503 \(reports redis: /);
    expect(b.findings.some((f) => f.service === 'backend')).toBe(false);
    expect(existsSync(join(cwd, 'triage/triage.md'))).toBe(true);
    expect(readFileSync(join(cwd, 'triage/triage.md'), 'utf8')).toMatch(
      /### \[SEV1\] cache: Redis not reachable\n\n- Likely cause: .*\n- Explains: backend readiness HTTP 503/,
    );
    expect(broken.stdout).not.toContain('Cli-Secret-Pw');

    const shown = await runCli(['show', incident, '--json'], { cwd });
    const timeline = shown.json<{ timeline: { kind: string; text: string }[] }>().timeline.filter((e) => e.kind === 'finding');
    expect(
      timeline.some((e) =>
        /cache: Redis not reachable — Redis cache is not reachable: .* Explains: backend readiness HTTP 503/.test(e.text),
      ),
    ).toBe(true);
    expect(timeline.at(-1)!.text).toContain(join(cwd, 'triage/triage.md'));

    const latest = await runCli(['triage', '--show', 'latest', '--json'], { cwd });
    expect(latest.json<{ id: number }>().id).toBe(b.id);
    const list = await runCli(['triage', '--list'], { cwd });
    expect(list.stdout).toMatch(/^ID\s+AT\s+BY/m);
  }, 60_000);
});
