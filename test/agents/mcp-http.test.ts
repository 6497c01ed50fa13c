import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { buildServer } from '../../src/server/build-server.js';
import { createToken } from '../../src/app/manage-tokens.js';
import { showIncident } from '../../src/app/list-incidents.js';
import { buildSeverityPolicy } from '../../src/core/severity.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { AccessRole } from '../../src/app/context.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { call, httpClient, recordsOf, writeAgentConfig, type Entry } from './helpers.js';

/**
 * /mcp on a real listening server (Streamable HTTP, the SDK's own client), on PostgreSQL: the
 * token's role bounds what tools may do, and remediation needs both the server's opt-in and a
 * commander token.
 */
describe('/mcp over Streamable HTTP', () => {
  let ts: TempStore;
  let dir: string;
  let marker: string;
  const servers: { url: string; close(): Promise<void> }[] = [];
  let plain: string;
  let optIn: string;
  const clients: Client[] = [];

  async function start(allowAgentRemediation: boolean): Promise<string> {
    const { config } = loadConfig({ path: `${dir}/warroom.yaml`, cwd: dir });
    const { app } = await buildServer({ store: ts.store, config, policy: buildSeverityPolicy(), logger: false, allowAgentRemediation });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    servers.push({ url, close: () => app.close() });
    return url;
  }
  const token = async (role: AccessRole, name: string) => (await createToken(testContext(ts.store), { name, role })).token;
  async function client(url: string, role: AccessRole, name = `${role}-agent`): Promise<Client> {
    const c = await httpClient(url, await token(role, name));
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    dir = tempDir('warroom-mcp-http-');
    ({ marker } = writeAgentConfig(dir));
    ts = await createTempStore('postgres');
    plain = await start(false);
    optIn = await start(true);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const s of servers) await s.close();
    await ts?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a request without a valid bearer token', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
    });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await fetch(`${plain}/mcp`, { method: 'POST', headers, body });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const wrong = await fetch(`${plain}/mcp`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer wr_000000000000_nottherealtokennottherealtokennottherealtok' },
      body,
    });
    expect(wrong.status).toBe(401);
    await expect(httpClient(plain, null)).rejects.toThrow();
    const ok = await fetch(`${plain}/mcp`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${await token('viewer', 'curl-viewer')}` },
      body,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ result: { serverInfo: { name: 'warroom' } } });
  }, 120_000);

  it("lets a responder token declare, record and read; the entries carry the token's agent identity", async () => {
    const c = await client(plain, 'responder', 'ops-bot');
    const names = (await c.listTools()).tools.map((t) => t.name);
    expect(names).toContain('declare_incident');
    expect(names).not.toContain('run_remediation');
    const d = await call(c, 'declare_incident', { title: 'API 502s', severity: 'SEV1', services: ['backend'] });
    expect(d.isError, d.text).toBe(false);
    const id = (d.structured!.incident as { id: string }).id;
    expect((await call(c, 'add_timeline_entry', { id, text: 'LB reports 40% 502', kind: 'finding' })).isError).toBe(false);
    expect((await call(c, 'change_status', { id, status: 'identified' })).structured).toMatchObject({ incident: { status: 'identified' } });
    const inc = await showIncident(testContext(ts.store), id);
    const finding = inc.timeline.find((e) => e.text === 'LB reports 40% 502')!;
    expect(finding).toMatchObject({ author: 'ops-bot', kind: 'finding' });
    expect(finding.data).toMatchObject({ via: 'agent', transport: 'http', role: 'responder' });
    expect(recordsOf(inc.timeline as Entry[], 'change_status')[0]).toMatchObject({ author: 'ops-bot', kind: 'action' });
  }, 120_000);

  it("bounds tools by the token's role: a viewer reads, but may not declare", async () => {
    const c = await client(plain, 'viewer');
    expect((await call(c, 'list_incidents', {})).isError).toBe(false);
    const refused = await call(c, 'declare_incident', { title: 'should not exist', severity: 'SEV4' });
    expect(refused.error().code).toBe('FORBIDDEN');
    const list = await call(c, 'list_incidents', { all: true });
    expect((list.structured!.incidents as { title: string }[]).map((i) => i.title)).not.toContain('should not exist');
  }, 120_000);

  it('runs the health check against the real PostgreSQL and Redis over HTTP', async () => {
    const c = await client(plain, 'responder', 'health-bot');
    const h = await call(c, 'run_health', { services: ['db', 'cache'], timeout_ms: 5000 });
    expect(h.isError, h.text).toBe(false);
    expect(h.structured).toMatchObject({ state: 'up' });
    expect(JSON.stringify(h.structured)).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
  }, 120_000);

  it('refuses remediation without the opt-in, and with the opt-in but below commander; records each refusal', async () => {
    const admin = testContext(ts.store);
    const responderPlain = await client(plain, 'commander', 'cmd-no-optin');
    const d = await call(responderPlain, 'declare_incident', { title: 'Orders stuck', severity: 'SEV2' });
    const id = (d.structured!.incident as { id: string }).id;
    // No opt-in: not exposed at all, even to a commander.
    const noOptIn = await call(responderPlain, 'run_remediation', { action: 'leave-marker', incident: id, confirm: true });
    expect(noOptIn.isError).toBe(true);
    expect(existsSync(marker)).toBe(false);

    // Opt-in, responder token: listed, refused with FORBIDDEN, recorded on the timeline.
    const responder = await client(optIn, 'responder', 'junior-bot');
    expect((await responder.listTools()).tools.map((t) => t.name)).toContain('run_remediation');
    const refused = await call(responder, 'run_remediation', { action: 'leave-marker', incident: id, confirm: true });
    expect(refused.error()).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.error().message).toMatch(/commander/);
    expect(existsSync(marker)).toBe(false);
    const plan = await call(responder, 'plan_remediation', { action: 'leave-marker', incident: id });
    expect(plan.error().code).toBe('FORBIDDEN');

    const after = await showIncident(admin, id);
    const recs = recordsOf(after.timeline as Entry[], 'run_remediation');
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ author: 'junior-bot' });
    expect(recs[0].data).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' }, role: 'responder' });
  }, 120_000);

  it('with the opt-in, a commander token plans and then runs a remediation, and both calls are on the timeline', async () => {
    const c = await client(optIn, 'commander', 'ic-bot');
    const d = await call(c, 'declare_incident', { title: 'Stuck worker', severity: 'SEV3' });
    const id = (d.structured!.incident as { id: string }).id;
    const plan = await call(c, 'plan_remediation', { action: 'leave-marker', incident: id });
    expect(plan.structured).toMatchObject({ status: 'planned', plan: { action: 'leave-marker' } });
    expect(existsSync(marker)).toBe(false);
    const ran = await call(c, 'run_remediation', { action: 'leave-marker', incident: id, confirm: true });
    expect(ran.isError, ran.text).toBe(false);
    expect(ran.structured).toMatchObject({ status: 'succeeded', actor: { name: 'ic-bot', role: 'commander', via: 'agent' } });
    expect(existsSync(marker)).toBe(true);
    const inc = await showIncident(testContext(ts.store), id);
    const tools = (inc.timeline as Entry[]).filter((e) => e.data?.via === 'agent').map((e) => e.data!.tool);
    expect(tools).toEqual(['declare_incident', 'plan_remediation', 'run_remediation']);
  }, 120_000);

  it('answers GET /mcp with 405 (stateless endpoint)', async () => {
    const r = await fetch(`${plain}/mcp`, { headers: { authorization: `Bearer ${await token('viewer', 'get-viewer')}` } });
    expect(r.status).toBe(405);
  }, 120_000);
});

describe('warroom serve --allow-agent-remediation (the real process)', () => {
  it('passes the opt-in from the command line to /mcp, and a commander token sees run_remediation', async () => {
    const dir = tempDir('warroom-mcp-serve-');
    writeAgentConfig(dir);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
    for (const k of ['DATABASE_URL', 'WARROOM_URL', 'WARROOM_TOKEN', 'WARROOM_CONFIG', 'WARROOM_DATA']) delete env[k];
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--allow-agent-remediation'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const url = `http://127.0.0.1:${port}`;
    let client: Client | undefined;
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${err}`);
        if (
          await fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        if (Date.now() > deadline) throw new Error(`serve did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const t = await runCli(['token', 'create', '--role', 'commander', '--name', 'ic-agent', '--json'], { cwd: dir });
      expect(t.code, t.stderr).toBe(0);
      client = await httpClient(url, t.json<{ token: string }>().token);
      expect((await client.listTools()).tools.map((x) => x.name)).toContain('run_remediation');
    } finally {
      await client?.close().catch(() => {});
      await new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
