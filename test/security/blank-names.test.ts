import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { request } from 'undici';
import { createTempStore, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempDir } from '../helpers/cli.js';

// Issue 19, item 11: a token name of " " and a blank deploy service or version were accepted.
// Each is refused with a validation error naming the field, and nothing is stored.

const BLANKS = ['', ' ', '   ', '\t', ' \n '];

describe('blank names from the CLI (the built binary, local store)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('warroom-blank-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a token named with spaces only: exit 2, "name: must not be blank", no token stored', async () => {
    for (const name of BLANKS) {
      const r = await runCli(['token', 'create', '--role', 'viewer', '--name', name], { cwd: dir });
      expect({ name, code: r.code, stdout: r.stdout }).toEqual({ name, code: 2, stdout: '' });
      expect(r.stderr).toContain('name: must not be blank');
      const j = await runCli(['token', 'create', '--role', 'viewer', '--name', name, '--json'], { cwd: dir });
      expect(j.code).toBe(2);
      expect(j.json()).toMatchObject({ error: { code: 'VALIDATION', field: 'name', message: 'name: must not be blank' } });
    }
    const list = await runCli(['token', 'list', '--json'], { cwd: dir });
    expect(list.json()).toEqual({ tokens: [] });
  });

  it('refuses a deploy with a blank service or version: exit 2, the field named, no deploy stored', async () => {
    for (const blank of [' ', '\t', '']) {
      for (const [field, args] of [
        ['service', ['--service', blank, '--version', 'v1.2.3']],
        ['version', ['--service', 'api', '--version', blank]],
      ] as const) {
        const r = await runCli(['deploy', 'record', ...args, '--json'], { cwd: dir });
        expect({ field, blank, code: r.code }).toEqual({ field, blank, code: 2 });
        expect(r.json()).toMatchObject({ error: { code: 'VALIDATION', field, message: `${field}: must not be blank` } });
      }
    }
    const list = await runCli(['deploy', 'list', '--json'], { cwd: dir });
    expect(list.json()).toEqual({ deploys: [] });
  });

  it('still accepts real names', async () => {
    const t = await runCli(['token', 'create', '--role', 'viewer', '--name', 'ci pipeline', '--json'], { cwd: dir });
    expect(t.code).toBe(0);
    expect(t.json()).toMatchObject({ name: 'ci pipeline', role: 'viewer' });
    const d = await runCli(['deploy', 'record', '--service', 'api', '--version', 'v1.2.3', '--json'], { cwd: dir });
    expect(d.code).toBe(0);
    expect(d.json()).toMatchObject({ service: 'api', version: 'v1.2.3' });
  });
});

describe('blank names over the API (a listening server)', () => {
  let t: TempStore;
  let srv: TestServer;
  let admin: string;
  beforeAll(async () => {
    t = await createTempStore('sqlite');
    srv = await startTestServer(t.store);
    admin = await srv.token('admin', 'the-admin');
  });
  afterAll(async () => {
    await srv?.close();
    await t?.cleanup();
  });

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const r = await request(`${srv.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
  };

  it('answers 400 "name: must not be blank" to a blank token name and stores no token', async () => {
    for (const name of BLANKS) {
      const r = await call('POST', '/api/v1/tokens', { name, role: 'viewer' });
      expect({ name, status: r.status }).toEqual({ name, status: 400 });
      expect(r.json).toMatchObject({ error: { code: 'VALIDATION', field: 'name', message: 'name: must not be blank' } });
    }
    const list = await call('GET', '/api/v1/tokens');
    expect((list.json.tokens as { name: string }[]).map((x) => x.name)).toEqual(['the-admin']);
  });

  it('answers 400 naming the field to a blank deploy service or version and stores no deploy', async () => {
    for (const blank of BLANKS) {
      for (const [field, body] of [
        ['service', { service: blank, version: 'v1.2.3' }],
        ['version', { service: 'api', version: blank }],
      ] as const) {
        const r = await call('POST', '/api/v1/deploys', body);
        expect({ field, blank, status: r.status }).toEqual({ field, blank, status: 400 });
        expect(r.json).toMatchObject({ error: { code: 'VALIDATION', field, message: `${field}: must not be blank` } });
      }
    }
    expect((await call('GET', '/api/v1/deploys')).json).toMatchObject({ deploys: [] });
  });

  it('exits 2 when the CLI records a blank deploy through the server (WARROOM_URL)', async () => {
    const responder = await srv.token('responder', 'ci');
    const dir = tempDir('warroom-blank-remote-');
    try {
      const r = await runCli(['deploy', 'record', '--service', ' ', '--version', 'v1', '--json'], {
        cwd: dir,
        env: { WARROOM_URL: srv.url, WARROOM_TOKEN: responder },
      });
      expect(r.code).toBe(2);
      expect(r.json()).toMatchObject({ error: { code: 'VALIDATION', field: 'service', message: 'service: must not be blank' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await call('GET', '/api/v1/deploys')).json).toMatchObject({ deploys: [] });
  });
});
