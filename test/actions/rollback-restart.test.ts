import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../src/app/run-action.js';
import { listDeploys, recordDeploy } from '../../src/app/record-deploy.js';
import { configSchema, type WarroomConfig } from '../../src/config/schema.js';
import { expectRefusal } from '../helpers/factories.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { tempDir } from '../helpers/cli.js';
import { startFakeEngine, type FakeEngine } from './fixtures/fake-docker-engine.js';
import { actionEntries, listActionRuns, newIncident, startHealthEndpoint } from './helpers.js';

const FAKE = resolve(import.meta.dirname, 'fixtures/fake-deploy.mjs');

/** A real HTTP endpoint that answers 503 while up is false. */
async function startStuckEndpoint() {
  const state = { up: false };
  const server = createServer((_req, res) => {
    res.writeHead(state.up ? 200 : 503);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  return Object.assign(state, { url, close: () => new Promise<void>((r) => server.close(() => r())) });
}

describe('rollback and restart (real child processes, a real health endpoint, the unix-socket Engine API replay)', () => {
  let ts: TempStore;
  let dir: string;
  let health: Awaited<ReturnType<typeof startHealthEndpoint>>;
  let engine: FakeEngine;
  let stuckHealth: { url: string; up: boolean; close(): Promise<void> };
  let config: WarroomConfig;
  const marker = () => join(dir, 'deployed');
  const log = () => join(dir, 'calls.jsonl');
  const calls = () =>
    existsSync(log())
      ? readFileSync(log(), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];

  beforeAll(async () => {
    ts = await createTempStore('sqlite');
    dir = tempDir('wr-rollback-');
    health = await startHealthEndpoint(join(dir, 'deployed'));
    engine = await startFakeEngine(dir, ['app-backend']);
    stuckHealth = await startStuckEndpoint();
    // Parsed like warroom.yaml, so durations such as "20s" become milliseconds.
    config = configSchema.parse({
      services: {
        backend: {
          health: health.url,
          rollback: [process.execPath, FAKE, '--rollback', '--env', 'production', '--service', '{service}', '--version', '{version}'],
        },
        worker: {
          rollback: [process.execPath, FAKE, '--version', '{version}'],
          restart: [process.execPath, FAKE, '--restart', '{service}'],
        },
        web: { container: { name: 'app-backend', socket: engine.socket } },
        ghost: { container: { name: 'no-such-container', socket: engine.socket } },
        bare: { description: 'nothing to restart with' },
        // Its health endpoint keeps answering 503 (set per test).
        stuck: { restart: [process.execPath, FAKE, '--restart', '{service}'] },
      },
      remediation: { health_timeout: '20s', command_timeout: '30s', kill_grace: '1s' },
    });
    process.env.FAKE_DEPLOY_LOG = log();
    process.env.FAKE_DEPLOY_MARKER = marker();
  });
  afterAll(async () => {
    delete process.env.FAKE_DEPLOY_LOG;
    delete process.env.FAKE_DEPLOY_MARKER;
    delete process.env.FAKE_DEPLOY_MODE;
    await health.close();
    await engine.close();
    await stuckHealth.close();
    await ts.cleanup();
  });

  it('refuses a rollback with no known previous version, and records the refusal on the timeline', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const e = await expectRefusal(runAction(ctx, { action: 'rollback', options: { service: 'backend' }, incident: inc, confirm: true }));
    expect(e.code).toBe('VALIDATION');
    expect(e.field).toBe('to');
    expect(e.message).toMatch(/no deploys of backend are recorded/);
    expect(calls()).toHaveLength(0);
    const entries = await actionEntries(ctx, inc);
    expect(entries).toHaveLength(1);
    expect(entries[0].text).toMatch(/rollback.*refused.*no deploys of backend/);
    expect(entries[0].data).toMatchObject({
      status: 'refused',
      actor: { name: 'tester', role: 'admin' },
      error: { code: 'VALIDATION', field: 'to' },
    });
  });

  it('dry run shows the exact argv with the previous recorded version and touches nothing', async () => {
    const ctx = testContext(ts.store, { config });
    await recordDeploy(ctx, { service: 'backend', version: 'v41', at: '2026-11-27T09:00:00.000Z' });
    await recordDeploy(ctx, { service: 'backend', version: 'v42', at: '2026-11-27T10:00:00.000Z' });
    const inc = await newIncident(ctx);
    const r = await runAction(ctx, { action: 'rollback', options: { service: 'backend' }, incident: inc, dry_run: true });
    expect(r.status).toBe('planned');
    expect(r.runId).toBeNull();
    expect(r.plan!.summary).toBe('roll back backend from v42 to v41');
    expect(r.plan!.steps[0].argv).toEqual([
      process.execPath,
      FAKE,
      '--rollback',
      '--env',
      'production',
      '--service',
      'backend',
      '--version',
      'v41',
    ]);
    expect(calls()).toHaveLength(0);
    expect(await actionEntries(ctx, inc)).toHaveLength(0);
    expect((await listDeploys(ctx, { service: 'backend' })).map((d) => d.version)).toEqual(['v42', 'v41']);
  });

  it('without confirmation it refuses, runs nothing, and records the refusal', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const e = await expectRefusal(runAction(ctx, { action: 'rollback', options: { service: 'backend' }, incident: inc }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toMatch(/confirmation required/);
    expect(calls()).toHaveLength(0);
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({ status: 'refused', error: { field: 'confirm' } });
  });

  it('rolls back to the previous version, records a rollback deploy, waits for health, and records it all', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    expect(existsSync(marker())).toBe(false);
    const lines: string[] = [];
    const r = await runAction(
      ctx,
      { action: 'rollback', options: { service: 'backend' }, incident: inc, confirm: true },
      { onLine: (l) => lines.push(l) },
    );
    expect(r.status).toBe('succeeded');
    expect(r.ok).toBe(true);
    expect(calls().at(-1).argv).toEqual(['--rollback', '--env', 'production', '--service', 'backend', '--version', 'v41']);
    expect(r.outcome!.verification.ok).toBe(true);
    expect(r.outcome!.summary).toBe('rolled back backend from v42 to v41; service recovered');
    expect(lines).toContain('rolling back to v41');
    const deploys = await listDeploys(ctx, { service: 'backend' });
    expect(deploys[0]).toMatchObject({ version: 'v41', kind: 'rollback', by: 'tester' });
    expect(deploys[0].description).toContain(inc);
    const [entry] = await actionEntries(ctx, inc);
    expect(entry.id).toBe(r.timelineEntryId);
    expect(entry.author).toBe('tester');
    expect(entry.data).toMatchObject({
      action: 'rollback',
      status: 'succeeded',
      exitCode: 0,
      actor: { name: 'tester' },
      verification: { ok: true },
    });
    expect(typeof entry.data!.durationMs).toBe('number');
    expect(entry.data!.output).toContain('rolling back to v41');
    // The script printed a password: it must not reach the timeline or the audit log.
    expect(JSON.stringify(entry)).not.toContain('hunter2');
    const runs = await listActionRuns(ctx, inc);
    expect(runs.at(-1)).toMatchObject({ id: r.runId, status: 'succeeded', exitCode: 0, actor: 'tester' });
    expect(JSON.stringify(runs)).not.toContain('hunter2');
  });

  it('a second rollback without --to is refused (the previous record is the bad version), and a version with shell metacharacters is one literal argument', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const e = await expectRefusal(runAction(ctx, { action: 'rollback', options: { service: 'backend' }, incident: inc, confirm: true }));
    expect(e.message).toMatch(/already a rollback/);
    const weird = `v40$(touch\${IFS}${join(dir, 'PWNED')});echo|cat`;
    const r = await runAction(ctx, { action: 'rollback', options: { service: 'backend', to: weird }, incident: inc, confirm: true });
    expect(r.status).toBe('succeeded');
    expect(calls().at(-1).argv.at(-1)).toBe(weird);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    const bad = await expectRefusal(
      runAction(ctx, { action: 'rollback', options: { service: 'backend', to: '--force-push' }, incident: inc, confirm: true }),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'to' });
  });

  it('a failing rollback command is recorded as failed with its exit status and no deploy is recorded', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    await recordDeploy(ctx, { service: 'worker', version: 'w1', at: '2026-11-27T09:00:00.000Z' });
    await recordDeploy(ctx, { service: 'worker', version: 'w2', at: '2026-11-27T10:00:00.000Z' });
    process.env.FAKE_DEPLOY_MODE = 'fail';
    try {
      const r = await runAction(ctx, { action: 'rollback', options: { service: 'worker' }, incident: inc, confirm: true });
      expect(r).toMatchObject({ status: 'failed', ok: false });
      expect(r.outcome!.exitCode).toBe(3);
      expect(r.outcome!.output).toContain('registry unreachable');
    } finally {
      delete process.env.FAKE_DEPLOY_MODE;
    }
    expect((await listDeploys(ctx, { service: 'worker' }))[0]).toMatchObject({ version: 'w2', kind: 'deploy' });
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({ status: 'failed', exitCode: 3 });
  });

  it('a rollback that outlives its time limit is stopped (SIGTERM then SIGKILL) and recorded as timed out', async () => {
    const ctx = testContext(ts.store, {
      config: { ...config, remediation: { ...config.remediation, command_timeout: 2000, kill_grace: 300 } },
    });
    const inc = await newIncident(ctx);
    process.env.FAKE_DEPLOY_MODE = 'hang';
    try {
      const r = await runAction(ctx, { action: 'rollback', options: { service: 'worker', to: 'w0' }, incident: inc, confirm: true });
      expect(r.status).toBe('timed_out');
      expect(r.outcome!.output).toContain('SIGKILL');
    } finally {
      delete process.env.FAKE_DEPLOY_MODE;
    }
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({ status: 'timed_out', error: 'timed out after 2000 ms' });
  });

  it('restarts through the Docker Engine API, waits for the container to be healthy, and records it', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const dry = await runAction(ctx, { action: 'restart', options: { service: 'web' }, incident: inc, dry_run: true });
    expect(dry.plan!.facts).toMatchObject({ container: 'app-backend', image: 'registry.example.com/app:v42', state: 'running' });
    expect(engine.requests.filter((r) => r.startsWith('POST'))).toHaveLength(0);
    // The container reports "starting" twice after the restart: warroom must keep checking.
    engine.startingInspects = 2;
    const r = await runAction(ctx, { action: 'restart', options: { service: 'web' }, incident: inc, confirm: true });
    expect(r.status).toBe('succeeded');
    expect(engine.requests).toContain('POST /v1.41/containers/app-backend/restart?t=10');
    expect(r.outcome!.verification).toMatchObject({ ok: true, facts: { attempts: 2 } });
    expect(r.outcome!.facts).toMatchObject({
      startedAtBefore: '2026-11-27T10:00:00.000000000Z',
      startedAtAfter: '2026-11-27T11:00:01.000000000Z',
    });
    expect((await actionEntries(ctx, inc)).at(-1)!.data).toMatchObject({ action: 'restart', status: 'succeeded' });
  });

  it('an unknown container is refused with the Engine message, and recorded', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const e = await expectRefusal(runAction(ctx, { action: 'restart', options: { service: 'ghost' }, incident: inc, confirm: true }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('No such container: no-such-container');
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({ status: 'refused' });
  });

  it('restarts with the configured command when there is no container; a service with neither is refused', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const r = await runAction(ctx, { action: 'restart', options: { service: 'worker' }, incident: inc, confirm: true });
    expect(r.status).toBe('succeeded');
    expect(calls().at(-1).argv).toEqual(['--restart', 'worker']);
    expect(r.outcome!.verification).toMatchObject({ ok: null });
    const e = await expectRefusal(runAction(ctx, { action: 'restart', options: { service: 'bare' }, incident: inc, confirm: true }));
    expect(e).toMatchObject({ code: 'VALIDATION', field: 'service' });
    expect(e.message).toMatch(/neither a container nor a restart command/);
  });

  it('a restart whose service does not recover within health_timeout is reported and recorded as not ok', async () => {
    stuckHealth.up = false;
    const ctx = testContext(ts.store, {
      config: {
        ...config,
        services: { ...config.services, stuck: { ...config.services!.stuck, health: { url: stuckHealth.url } } },
        remediation: { ...config.remediation, health_timeout: 2500 },
      },
    });
    const inc = await newIncident(ctx);
    const r = await runAction(ctx, { action: 'restart', options: { service: 'stuck' }, incident: inc, confirm: true });
    expect(r.status).toBe('succeeded');
    expect(r.ok).toBe(false);
    expect(r.outcome!.verification.ok).toBe(false);
    expect(r.outcome!.verification.detail).toMatch(/^stuck did not recover within 3s \(state down: http .*503/);
    expect(r.outcome!.summary).toBe('restarted stuck; service NOT recovered');
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({ status: 'succeeded', ok: false, verification: { ok: false } });
  });

  it('the confirmation hook decides: "no" is a recorded refusal and nothing runs; "yes" runs', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const before = calls().length;
    const shown: string[] = [];
    const e = await expectRefusal(
      runAction(
        ctx,
        { action: 'restart', options: { service: 'worker' }, incident: inc },
        {
          confirm: async (p) => {
            shown.push(p.summary);
            return false;
          },
        },
      ),
    );
    expect(e.message).toBe('not confirmed: restart was not run');
    expect(shown).toEqual(['restart worker with its configured restart command']);
    expect(calls().length).toBe(before);
    const r = await runAction(ctx, { action: 'restart', options: { service: 'worker' }, incident: inc }, { confirm: async () => true });
    expect(r.status).toBe('succeeded');
    expect(calls().length).toBe(before + 1);
    expect((await actionEntries(ctx, inc)).map((x) => (x.data as { status: string }).status)).toEqual(['refused', 'succeeded']);
  });

  it('unknown action, unknown service and unknown option are clear errors, recorded on the timeline', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const a = await expectRefusal(runAction(ctx, { action: 'reboot-prod', options: {}, incident: inc, confirm: true }));
    expect(a).toMatchObject({ code: 'VALIDATION', field: 'action' });
    expect(a.message).toContain('known: rollback, restart, kill-query, flush-keys, clean-disk');
    const s = await expectRefusal(runAction(ctx, { action: 'restart', options: { service: 'nope' }, incident: inc, confirm: true }));
    expect(s.message).toBe('service: unknown service "nope" (known: backend, worker, web, ghost, bare, stuck)');
    const o = await expectRefusal(
      runAction(ctx, { action: 'restart', options: { service: 'web', pattern: 'x' }, incident: inc, confirm: true }),
    );
    expect(o).toMatchObject({ field: 'pattern' });
    const entries = await actionEntries(ctx, inc);
    expect(entries.map((e) => (e.data as { status: string }).status)).toEqual(['refused', 'refused', 'refused']);
  });

  it('a responder may not run a built-in action; the refusal is recorded with who tried', async () => {
    const admin = testContext(ts.store, { config });
    const inc = await newIncident(admin);
    const ctx = testContext(ts.store, { config, actor: { name: 'rookie', role: 'responder', via: 'api' } });
    const e = await expectRefusal(runAction(ctx, { action: 'restart', options: { service: 'worker' }, incident: inc, confirm: true }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toBe('running restart needs the commander role; rookie has responder');
    const [entry] = await actionEntries(admin, inc);
    expect(entry.author).toBe('rookie');
    expect(entry.data).toMatchObject({ status: 'refused', actor: { name: 'rookie', role: 'responder', via: 'api' } });
  });

  it('an attempt against an unknown incident is refused and still kept in the audit log', async () => {
    const ctx = testContext(ts.store, { config });
    const e = await expectRefusal(
      runAction(ctx, { action: 'restart', options: { service: 'worker' }, incident: 'INC-9999', confirm: true }),
    );
    expect(e.code).toBe('NOT_FOUND');
    const row = await ts.store.db.selectFrom('action_runs').selectAll().where('incident_id', '=', 'INC-9999').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'restart', status: 'refused', actor: 'tester' });
  });
});
