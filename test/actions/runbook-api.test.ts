import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../src/app/run-action.js';
import { configSchema } from '../../src/config/schema.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { expectRefusal } from '../helpers/factories.js';
import { actionRunResultSchema } from '../../src/contract/actions.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempDir } from '../helpers/cli.js';
import { actionEntries, newIncident } from './helpers.js';

const FAKE = resolve(import.meta.dirname, 'fixtures/fake-deploy.mjs');
const node = process.execPath;

describe('team runbooks, and POST /api/v1/incidents/:id/actions', () => {
  let ts: TempStore;
  let dir: string;
  let hook: { url: string; seen: { method: string; url: string; auth: string | undefined; body: string }[]; close(): Promise<void> };
  let config: ReturnType<typeof configSchema.parse>;
  let server: TestServer;

  beforeAll(async () => {
    ts = await createTempStore('sqlite');
    dir = tempDir('wr-runbook-');
    const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];
    const http = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
        res.writeHead(req.url!.startsWith('/fail') ? 500 : 202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: true, echo: 'token=abc123secret' }));
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    hook = { url: base, seen, close: () => new Promise((r) => http.close(() => r())) };
    config = configSchema.parse({
      services: { worker: { restart: [node, FAKE, '--restart'] } },
      runbooks: {
        'drain-queue': {
          description: 'stop consumers, drain, tell the load balancer',
          role: 'responder',
          params: ['queue'],
          steps: [
            {
              name: 'pause consumers',
              run: [node, FAKE, '--queue', '{queue}'],
              env: { FAKE_DEPLOY_LOG: join(dir, 'calls.jsonl'), DEPLOY_TOKEN: 'tok-very-secret-1234' },
              timeout: '10s',
            },
            {
              name: 'show env',
              run: [node, '-e', 'console.log("token in use: " + process.env.DEPLOY_TOKEN)'],
              env: { DEPLOY_TOKEN: 'tok-very-secret-1234' },
            },
            {
              name: 'tell the load balancer',
              http: {
                method: 'POST',
                url: `${base}/drain?queue={queue}`,
                headers: { authorization: 'Bearer lb-secret-abcdefgh' },
                body: '{"queue":"{queue}"}',
              },
              timeout: '5s',
            },
          ],
        },
        broken: {
          steps: [
            { name: 'missing binary', run: ['/nonexistent/warroom-test-tool', '--now'] },
            { name: 'must not run', run: [node, '-e', `require("fs").writeFileSync(${JSON.stringify(join(dir, 'RAN'))}, "x")`] },
          ],
        },
        lenient: {
          steps: [
            { name: 'http that fails', http: { url: `${base}/fail` }, continue_on_error: true },
            { name: 'runs anyway', run: [node, '-e', 'console.log("second step ran")'] },
          ],
        },
        'secret-arg': {
          steps: [
            {
              name: 'login',
              run: [
                node,
                '-e',
                'console.log(process.argv[1] === "--token=supersecret123" ? "got the real token" : "wrong token")',
                '--',
                '--token=supersecret123',
              ],
            },
          ],
        },
        slow: { steps: [{ name: 'sleep', run: [node, FAKE], env: { FAKE_DEPLOY_MODE: 'slow' }, timeout: '1500ms' }] },
      },
    });
    server = await startTestServer(ts.store, config);
  });
  afterAll(async () => {
    await server.close();
    await hook.close();
    await ts.cleanup();
  });

  it('config: a runbook step needs exactly one of run/http, and may not take a built-in name', () => {
    const { problems } = parseConfigText(
      'runbooks:\n  rollback:\n    steps:\n      - name: x\n        run: [a]\n  odd:\n    steps:\n      - name: y\n        run: "./deploy.sh --now"\n  both:\n    steps:\n      - name: z\n',
    );
    const msgs = problems.map((p) => `${p.path}: ${p.message}`);
    expect(msgs).toContain(
      'runbooks.odd.steps.0.run: expected an argument array, e.g. ["./scripts/drain.sh", "--queue", "{queue}"]; warroom never runs a shell string',
    );
    expect(msgs).toContain('runbooks.both.steps.0: a step needs exactly one of "run" (argument array) or "http"');
    const clash = parseConfigText('runbooks:\n  rollback:\n    steps:\n      - name: x\n        run: [a]\n').problems;
    expect(clash.map((p) => `${p.path}: ${p.message}`)).toEqual(['runbooks.rollback: this name is a built-in action; choose another']);
  });

  it('runs each step in order with its env and parameters as literal arguments, redacting secrets, and records it', async () => {
    const ctx = testContext(ts.store, { config, actor: { name: 'ana', role: 'responder', via: 'cli' } });
    const inc = await newIncident(testContext(ts.store));
    const weird = 'orders; rm -rf / #$(id)';
    const r = await runAction(
      ctx,
      { action: 'drain-queue', options: { params: { queue: weird } }, incident: inc, confirm: true },
      { cwd: dir },
    );
    expect(r.status).toBe('succeeded');
    expect(r.plan!.role).toBe('responder');
    const call = JSON.parse(readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim());
    expect(call.argv).toEqual(['--queue', weird]);
    expect(call.env.DEPLOY_TOKEN).toBe('tok-very-secret-1234');
    expect(hook.seen.at(-1)).toMatchObject({
      method: 'POST',
      url: `/drain?queue=${encodeURIComponent(weird)}`,
      auth: 'Bearer lb-secret-abcdefgh',
      body: `{"queue":"${weird}"}`,
    });
    expect(r.outcome!.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(r.outcome!.output).toContain('token in use: [REDACTED]');
    expect(r.outcome!.output).toContain('→ 202');
    const entry = (await actionEntries(ctx, inc))[0];
    const text = JSON.stringify(entry);
    for (const secret of ['tok-very-secret-1234', 'lb-secret-abcdefgh', 'abc123secret', 'hunter2']) expect(text).not.toContain(secret);
    expect(entry.data).toMatchObject({ action: 'drain-queue', status: 'succeeded', actor: { name: 'ana', role: 'responder' } });
  });

  it('a secret on a command line is redacted in the plan and the record, while the command gets the real value', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const r = await runAction(ctx, { action: 'secret-arg', options: {}, incident: inc, confirm: true });
    expect(r.plan!.steps[0].argv!.at(-1)).toBe('--token=[REDACTED]');
    expect(r.outcome!.output).toBe('── step 1/1: login\ngot the real token');
    expect(JSON.stringify(await actionEntries(ctx, inc))).not.toContain('supersecret123');
  });

  it('a missing parameter or an undeclared one is refused before anything runs', async () => {
    const ctx = testContext(ts.store, { config });
    expect((await expectRefusal(runAction(ctx, { action: 'drain-queue', options: {}, confirm: true }))).message).toBe(
      'params.queue: runbook drain-queue needs --set queue=VALUE',
    );
    expect(
      (await expectRefusal(runAction(ctx, { action: 'drain-queue', options: { params: { queue: 'a', region: 'eu' } }, confirm: true })))
        .field,
    ).toBe('params.region');
  });

  it('a step with a missing binary fails clearly, later steps do not run, and the failure is recorded', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const r = await runAction(ctx, { action: 'broken', options: {}, incident: inc, confirm: true }, { cwd: dir });
    expect(r.status).toBe('failed');
    expect(r.outcome!.error).toBe('step 1 (missing binary): command not found: /nonexistent/warroom-test-tool');
    expect(r.outcome!.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
    expect(existsSync(join(dir, 'RAN'))).toBe(false);
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({
      status: 'failed',
      error: 'step 1 (missing binary): command not found: /nonexistent/warroom-test-tool',
    });
  });

  it('continue_on_error keeps going but the run still counts as failed; a step timeout is recorded as timed out', async () => {
    const ctx = testContext(ts.store, { config });
    const r = await runAction(ctx, { action: 'lenient', options: {}, confirm: true });
    expect(r.status).toBe('failed');
    expect(r.outcome!.steps.map((s) => s.status)).toEqual(['failed', 'succeeded']);
    expect(r.outcome!.output).toContain('second step ran');
    const inc = await newIncident(ctx);
    const slow = await runAction(ctx, { action: 'slow', options: {}, incident: inc, confirm: true });
    expect(slow.status).toBe('timed_out');
    expect(slow.outcome!.output).toContain('stopping cleanly');
    expect((await actionEntries(ctx, inc))[0].data).toMatchObject({ status: 'timed_out' });
  });

  describe('over HTTP', () => {
    const post = async (path: string, token: string | null, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & {
          error?: { code: string; message: string; field?: string; details?: Record<string, unknown> };
        },
      };
    };

    it('the OpenAPI document describes the actions routes, their body and role', async () => {
      const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<
          string,
          Record<
            string,
            { 'x-warroom-role': string; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }
          >
        >;
      };
      const post = doc.paths['/api/v1/incidents/{id}/actions'].post;
      expect(post['x-warroom-role']).toBe('responder');
      expect(Object.keys(post.requestBody!.content['application/json'].schema.properties).sort()).toEqual([
        'action',
        'confirm',
        'dry_run',
        'options',
      ]);
      expect(doc.paths['/api/v1/incidents/{id}/actions'].get['x-warroom-role']).toBe('viewer');
    });

    it('dry_run returns the plan in the documented shape and records nothing', async () => {
      const inc = await newIncident(testContext(ts.store));
      const token = await server.token('commander');
      const r = await post(`/api/v1/incidents/${inc}/actions`, token, { action: 'restart', options: { service: 'worker' }, dry_run: true });
      expect(r.status).toBe(200);
      const parsed = actionRunResultSchema.parse(r.body);
      expect(parsed).toMatchObject({
        status: 'planned',
        dryRun: true,
        runId: null,
        incidentId: inc,
        plan: { action: 'restart', target: 'worker' },
      });
      expect(parsed.plan!.steps[0].argv).toEqual([node, FAKE, '--restart']);
      const list = await fetch(`${server.url}/api/v1/incidents/${inc}/actions`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await list.json()) as { runs: unknown[] }).runs).toEqual([]);
    });

    it('without "confirm": true it refuses (no TTY to ask on), returns the plan, and records the refusal', async () => {
      const inc = await newIncident(testContext(ts.store));
      const token = await server.token('commander');
      const r = await post(`/api/v1/incidents/${inc}/actions`, token, { action: 'restart', options: { service: 'worker' } });
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'FORBIDDEN', field: 'confirm' });
      expect(r.body.error!.details).toMatchObject({ status: 'refused', plan: { action: 'restart' } });
      const list = await fetch(`${server.url}/api/v1/incidents/${inc}/actions`, { headers: { authorization: `Bearer ${token}` } });
      const runs = ((await list.json()) as { runs: { status: string; actor: string; via: string }[] }).runs;
      expect(runs).toMatchObject([{ status: 'refused', actor: 'commander-token', via: 'api' }]);
    });

    it('runs with "confirm": true for a commander; a responder is refused for a built-in but may run a responder runbook', async () => {
      const inc = await newIncident(testContext(ts.store));
      const commander = await server.token('commander', 'ic-bot');
      const ok = await post(`/api/v1/incidents/${inc}/actions`, commander, {
        action: 'restart',
        options: { service: 'worker' },
        confirm: true,
      });
      expect(ok.status).toBe(200);
      expect(actionRunResultSchema.parse(ok.body)).toMatchObject({
        status: 'succeeded',
        ok: true,
        actor: { name: 'ic-bot', role: 'commander', via: 'api' },
      });
      const responder = await server.token('responder', 'oncall-bot');
      const no = await post(`/api/v1/incidents/${inc}/actions`, responder, {
        action: 'restart',
        options: { service: 'worker' },
        confirm: true,
      });
      expect(no.status).toBe(403);
      expect(no.body.error!.message).toBe('running restart needs the commander role; oncall-bot has responder');
      const rb = await post(`/api/v1/incidents/${inc}/actions`, responder, {
        action: 'drain-queue',
        options: { params: { queue: 'q1' } },
        confirm: true,
      });
      expect(rb.status).toBe(200);
      expect(rb.body).toMatchObject({ status: 'succeeded' });
      const viewer = await server.token('viewer');
      expect((await post(`/api/v1/incidents/${inc}/actions`, viewer, { action: 'drain-queue', confirm: true })).status).toBe(403);
      expect((await post(`/api/v1/incidents/${inc}/actions`, null, { action: 'drain-queue', confirm: true })).status).toBe(401);
      const entries = await actionEntries(testContext(ts.store), inc);
      expect(entries.map((e) => [(e.data as { actor: { name: string } }).actor.name, (e.data as { status: string }).status])).toEqual([
        ['ic-bot', 'succeeded'],
        ['oncall-bot', 'refused'],
        ['oncall-bot', 'succeeded'],
      ]);
    });

    it('bad bodies are 400 with the field, and still recorded on the timeline; unknown incidents are 404', async () => {
      const inc = await newIncident(testContext(ts.store));
      const token = await server.token('admin');
      const a = await post(`/api/v1/incidents/${inc}/actions`, token, { action: 'restart', confirm: 'yes' });
      expect(a.status).toBe(400);
      expect(a.body.error).toMatchObject({ code: 'VALIDATION', field: 'confirm' });
      const b = await post(`/api/v1/incidents/${inc}/actions`, token, { action: 'nuke', confirm: true });
      expect(b.status).toBe(400);
      expect(b.body.error!.message).toMatch(
        /^action: unknown action "nuke" \(known: rollback, restart, kill-query, flush-keys, clean-disk, drain-queue, broken, lenient, secret-arg, slow\)$/,
      );
      expect((await post('/api/v1/incidents/INC-424242/actions', token, { action: 'restart', confirm: true })).status).toBe(404);
      expect((await actionEntries(testContext(ts.store), inc)).map((e) => (e.data as { status: string }).status)).toEqual([
        'refused',
        'refused',
      ]);
    });
  });
});
