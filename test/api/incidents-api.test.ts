import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { request } from 'undici';
import { DIALECTS, createTempStore, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { changeResultSchema, incidentDetailSchema, incidentListSchema, timelineEntrySchema } from '../../src/contract/incidents.js';

for (const dialect of DIALECTS) {
  describe(`REST API over a listening server (${dialect})`, () => {
    let t: TempStore;
    let srv: TestServer;
    let responder: string;
    let viewer: string;
    let admin: string;
    beforeAll(async () => {
      t = await createTempStore(dialect);
      srv = await startTestServer(t.store, { services: { backend: { health: { url: 'http://127.0.0.1:1/health' } } } });
      responder = await srv.token('responder');
      viewer = await srv.token('viewer');
      admin = await srv.token('admin');
    });
    afterAll(async () => {
      await srv?.close();
      await t?.cleanup();
    });

    const call = async (
      method: string,
      path: string,
      opts: { token?: string; body?: unknown; raw?: Buffer | string; contentType?: string } = {},
    ) => {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | Buffer | undefined;
      if (opts.raw !== undefined) {
        body = opts.raw;
        headers['content-type'] = opts.contentType ?? 'application/json';
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const r = await request(`${srv.url}${path}`, { method: method as 'GET', headers, body });
      const text = await r.body.text();
      return { status: r.statusCode, json: text ? JSON.parse(text) : null, headers: r.headers };
    };
    const count = async () => ({
      incidents: (await t.store.db
        .selectFrom('incidents')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst())!.n,
      timeline: (await t.store.db
        .selectFrom('timeline')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst())!.n,
    });

    it('answers liveness, readiness and the OpenAPI document', async () => {
      expect((await call('GET', '/healthz')).status).toBe(200);
      expect((await call('GET', '/readyz')).json).toMatchObject({ status: 'ok', store: dialect });
      const doc = await call('GET', '/api/v1/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toBe('3.0.3');
      expect(Object.keys(doc.json.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/incidents',
          '/api/v1/incidents/{id}',
          '/api/v1/incidents/{id}/timeline',
          '/api/v1/deploys',
          '/api/v1/tokens',
        ]),
      );
      expect(doc.json.paths['/api/v1/incidents'].post.requestBody.content['application/json'].schema.properties.severity.enum).toEqual([
        'SEV1',
        'SEV2',
        'SEV3',
        'SEV4',
      ]);
    });

    it('runs the incident verbs with documented shapes', async () => {
      const d = await call('POST', '/api/v1/incidents', {
        token: responder,
        body: { title: 'Redis full', severity: 'SEV2', services: ['backend'] },
      });
      expect(d.status).toBe(201);
      const { incident } = changeResultSchema.parse(d.json);
      expect(incident.createdBy).toBe('responder-token');
      const e = await call('POST', `/api/v1/incidents/${incident.id}/timeline`, {
        token: responder,
        body: { text: 'used_memory 100%', kind: 'finding' },
      });
      expect(e.status).toBe(201);
      timelineEntrySchema.parse(e.json);
      expect(
        (await call('POST', `/api/v1/incidents/${incident.id}/status`, { token: responder, body: { status: 'mitigating' } })).status,
      ).toBe(200);
      expect(
        (
          await call('POST', `/api/v1/incidents/${incident.id}/severity`, {
            token: responder,
            body: { severity: 'SEV1', reason: 'checkout down' },
          })
        ).status,
      ).toBe(200);
      expect(
        (await call('POST', `/api/v1/incidents/${incident.id}/roles`, { token: responder, body: { role: 'commander', to: 'alice' } }))
          .status,
      ).toBe(200);
      const list = incidentListSchema.parse((await call('GET', '/api/v1/incidents?severity=SEV1', { token: viewer })).json);
      expect(list.incidents.map((i) => i.id)).toContain(incident.id);
      const show = incidentDetailSchema.parse((await call('GET', `/api/v1/incidents/${incident.id}`, { token: viewer })).json);
      expect(show.timeline).toHaveLength(5);
      const after = (await call('GET', `/api/v1/incidents/${incident.id}/timeline?after=${show.timeline[2].id}`, { token: viewer })).json;
      expect(after.entries).toHaveLength(2);
      const r = await call('POST', `/api/v1/incidents/${incident.id}/resolve`, {
        token: responder,
        body: { summary: 'evicted cache keys' },
      });
      expect(r.json.incident.status).toBe('resolved');
      const bad = await call('POST', `/api/v1/incidents/${incident.id}/status`, { token: responder, body: { status: 'identified' } });
      expect(bad.status).toBe(409);
      expect(bad.json.error.code).toBe('INVALID_TRANSITION');
    });

    it('refuses bad requests with a 4xx naming the problem and writes nothing', async () => {
      const before = await count();
      const cases: [string, string, Parameters<typeof call>[2], number, RegExp][] = [
        ['no token', '/api/v1/incidents', { body: { title: 'x', severity: 'SEV1' } }, 401, /token/],
        [
          'bad token',
          '/api/v1/incidents',
          { token: 'wr_000000000000_' + 'a'.repeat(43), body: { title: 'x', severity: 'SEV1' } },
          401,
          /token/,
        ],
        ['viewer writes', '/api/v1/incidents', { token: viewer, body: { title: 'x', severity: 'SEV1' } }, 403, /responder role/],
        ['unknown severity', '/api/v1/incidents', { token: responder, body: { title: 'x', severity: 'SEV5' } }, 400, /severity/],
        ['empty title', '/api/v1/incidents', { token: responder, body: { title: '', severity: 'SEV1' } }, 400, /title/],
        ['100 KB title', '/api/v1/incidents', { token: responder, body: { title: 'x'.repeat(100_000), severity: 'SEV1' } }, 400, /title/],
        [
          'unknown field',
          '/api/v1/incidents',
          { token: responder, body: { title: 'x', severity: 'SEV1', priority: 'high' } },
          400,
          /unknown field "priority"/,
        ],
        ['missing field', '/api/v1/incidents', { token: responder, body: { title: 'x' } }, 400, /severity: is required/],
        ['malformed JSON', '/api/v1/incidents', { token: responder, raw: '{"title": "x",' }, 400, /malformed JSON/],
        [
          'invalid UTF-8',
          '/api/v1/incidents',
          {
            token: responder,
            raw: Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","severity":"SEV1"}')]),
          },
          400,
          /UTF-8/,
        ],
        ['wrong type', '/api/v1/incidents', { token: responder, body: { title: 42, severity: 'SEV1' } }, 400, /title/],
        ['not found', '/api/v1/incidents/INC-9999/timeline', { token: responder, body: { text: 'x' } }, 404, /not found/],
        ['bad id', '/api/v1/incidents/robert;drop/timeline', { token: responder, body: { text: 'x' } }, 400, /not an incident id/],
      ];
      for (const [name, path, opts, status, re] of cases) {
        const r = await call('POST', path, opts);
        expect(r.status, name).toBe(status);
        expect(r.json.error.message, name).toMatch(re);
        expect(JSON.stringify(r.json), name).not.toMatch(/\n\s+at /);
      }
      expect((await call('GET', '/api/v1/incidents', { token: responder })).status).toBe(200);
      expect((await call('GET', '/api/v1/incidents?bogus=1', { token: viewer })).status).toBe(400);
      expect((await call('GET', '/api/v1/tokens', { token: responder })).status).toBe(403);
      expect(await count()).toEqual(before);
    });

    it('manages tokens as admin and never returns secrets in lists', async () => {
      const c = await call('POST', '/api/v1/tokens', { token: admin, body: { name: 'ci', role: 'responder' } });
      expect(c.status).toBe(201);
      expect(c.json.token).toMatch(/^wr_/);
      const l = await call('GET', '/api/v1/tokens', { token: admin });
      expect(JSON.stringify(l.json)).not.toContain(c.json.token.slice('wr_'.length + 12 + 1));
      expect((await call('GET', '/api/v1/me', { token: c.json.token })).json).toEqual({ name: 'ci', role: 'responder' });
      expect((await call('DELETE', `/api/v1/tokens/${c.json.id}`, { token: admin })).status).toBe(204);
      expect((await call('GET', '/api/v1/me', { token: c.json.token })).status).toBe(401);
    });

    it('serves the CLI with --server and WARROOM_TOKEN, same shapes', async () => {
      const cwd = tempDir();
      try {
        const env = { WARROOM_URL: srv.url, WARROOM_TOKEN: responder };
        const d = await runCli(['declare', 'Remote declare', '--severity', 'SEV3', '--json'], { cwd, env });
        expect(d.code).toBe(0);
        const id = changeResultSchema.parse(d.json()).incident.id;
        expect((await runCli(['note', id, 'from the CLI', '--json'], { cwd, env })).code).toBe(0);
        const s = incidentDetailSchema.parse((await runCli(['show', id, '--json'], { cwd, env })).json());
        expect(s.timeline.map((e) => e.text)).toContain('from the CLI');
        const denied = await runCli(['declare', 'nope', '-s', 'SEV1', '--json'], {
          cwd,
          env: { WARROOM_URL: srv.url, WARROOM_TOKEN: viewer },
        });
        expect(denied.code).toBe(1);
        expect(denied.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
        const bad = await runCli(['status', id, 'bogus'], { cwd, env });
        expect(bad.code).toBe(2);
        const down = await runCli(['list'], { cwd, env: { WARROOM_URL: 'http://127.0.0.1:1', WARROOM_TOKEN: responder } });
        expect(down.code).toBe(1);
        expect(down.stderr).toMatch(/cannot reach the warroom server/);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
