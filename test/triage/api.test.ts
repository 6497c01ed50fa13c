import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempStore, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { healthReportSchema, triageReportSchema } from '../../src/contract/triage.js';
import { refusedPort, startHttp, type Peer } from '../checks/peers.js';

/** The triage routes on a real listening server: roles, shapes, bad input. */
let store: TempStore;
let server: TestServer;
let ok: Peer;
let viewer: string, responder: string;

beforeAll(async () => {
  store = await createTempStore('sqlite');
  ok = await startHttp((_q, r) => {
    r.setHeader('content-type', 'application/json');
    r.end('{"status":"ok"}');
  });
  const dead = await refusedPort();
  server = await startTestServer(store.store, { services: { api: { health: { url: ok.url } }, gone: { tcp: [`127.0.0.1:${dead}`] } } });
  viewer = await server.token('viewer');
  responder = await server.token('responder');
});
afterAll(async () => {
  await server?.close();
  await ok?.close();
  await store?.cleanup();
});

const call = (method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });

describe('GET /api/v1/health', () => {
  it('needs a token, serves viewers the documented shape', async () => {
    expect((await call('GET', '/api/v1/health')).status).toBe(401);
    const res = await call('GET', '/api/v1/health', viewer);
    expect(res.status).toBe(200);
    const report = healthReportSchema.parse(await res.json());
    expect(report.services.map((s) => [s.service, s.state])).toEqual([
      ['api', 'up'],
      ['gone', 'down'],
    ]);
  });
  it('concurrent polls share one run instead of multiplying the probes', async () => {
    const [a, b] = await Promise.all([
      call('GET', '/api/v1/health?service=gone', viewer),
      call('GET', '/api/v1/health?service=gone', viewer),
    ]);
    expect((await a.json()).startedAt).toBe((await b.json()).startedAt);
  });
  it('filters by service and rejects unknown ones and bad durations', async () => {
    const one = healthReportSchema.parse(await (await call('GET', '/api/v1/health?service=api&timeout=1s', viewer)).json());
    expect(one.services).toHaveLength(1);
    expect(one.timeoutMs).toBe(1000);
    const unknown = await call('GET', '/api/v1/health?service=nope', viewer);
    expect(unknown.status).toBe(404);
    const bad = await call('GET', '/api/v1/health?timeout=soon', viewer);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/timeout/);
  });
});

describe('triage routes', () => {
  it('GET latest is 404 before any triage; viewers cannot run triage, responders can', async () => {
    expect((await call('GET', '/api/v1/triage/latest', viewer)).status).toBe(404);
    expect((await call('POST', '/api/v1/triage', viewer, {})).status).toBe(403);
    const res = await call('POST', '/api/v1/triage', responder, {});
    expect(res.status).toBe(201);
    const r = triageReportSchema.parse(await res.json());
    expect(r.findings.map((f) => `${f.rule}@${f.service}`)).toEqual(['service-not-listening@gone']);
    const latest = triageReportSchema.parse(await (await call('GET', '/api/v1/triage/latest', viewer)).json());
    expect(latest.id).toBe(r.id);
    const byId = triageReportSchema.parse(await (await call('GET', `/api/v1/triage/${r.id}`, viewer)).json());
    expect(byId.findings).toEqual(r.findings);
    const list = await (await call('GET', '/api/v1/triage', viewer)).json();
    expect(list.reports[0]).toMatchObject({ id: r.id, findingCount: 1, suggestedSeverity: 'SEV1' });
  });
  it('rejects bad input with a reason, never a crash', async () => {
    expect((await call('GET', '/api/v1/triage/abc', viewer)).status).toBe(400);
    expect((await call('GET', '/api/v1/triage/99999', viewer)).status).toBe(404);
    const unknownField = await call('POST', '/api/v1/triage', responder, { url: 'http://169.254.169.254/' });
    expect(unknownField.status).toBe(400);
    expect((await unknownField.json()).error.message).toMatch(/unknown field "url"/);
    expect((await call('POST', '/api/v1/triage', responder, { incident: 'INC-404' })).status).toBe(404);
    expect((await call('POST', '/api/v1/triage', responder, { services: ['nope'] })).status).toBe(404);
    const kind = await call('POST', '/api/v1/diagnose/kafka', responder, {});
    expect(kind.status).toBe(400);
    expect((await call('POST', '/api/v1/diagnose/network', viewer, {})).status).toBe(403);
    const net = await call('POST', '/api/v1/diagnose/network', responder, { service: 'gone' });
    expect(net.status).toBe(200);
    expect((await net.json()).facts.unreachable).toBe(1);
  });
});

describe('warroom triage --server (the CLI against the API)', () => {
  it('runs triage on the server, with its config, and reads reports back', async () => {
    const { runCli, tempDir } = await import('../helpers/cli.js');
    const cwd = tempDir();
    const env = { WARROOM_TOKEN: responder };
    const r = await runCli(['triage', '--json', '--server', server.url], { cwd, env });
    expect(r.code).toBe(1);
    const report = triageReportSchema.parse(r.json());
    expect(report.findings.map((f) => f.rule)).toEqual(['service-not-listening']);
    const latest = await runCli(['triage', '--show', 'latest', '--json', '--server', server.url], { cwd, env });
    expect(latest.json<{ id: number }>().id).toBe(report.id);
    const missing = await runCli(['triage', '--incident', 'INC-77', '--server', server.url], { cwd, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/incident INC-77 not found/);
    const adHoc = await runCli(['triage', '--url', 'http://127.0.0.1:1/', '--server', server.url], { cwd, env });
    expect(adHoc.code).toBe(2);
    expect(adHoc.stderr).toMatch(/ad hoc targets cannot be sent to a server/);
    const noToken = await runCli(['triage', '--server', server.url], { cwd });
    expect(noToken.stderr).toMatch(/WARROOM_TOKEN is not set/);
  }, 60_000);
});
