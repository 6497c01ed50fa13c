import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Agent, request } from 'undici';
import { runCli, tempDir } from '../helpers/cli.js';
import { createPgDatabase } from '../helpers/store.js';
import { startServeProcess } from '../helpers/server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(kind: 'sqlite' | 'postgres') {
  const cwd = tempDir('warroom-crash-');
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const env: Record<string, string> = {};
  if (kind === 'postgres') {
    const db = await createPgDatabase('wr_crash');
    cleanups.push(() => db.drop());
    env.DATABASE_URL = db.url;
  }
  const token = (await runCli(['token', 'create', '--role', 'responder', '--name', 'load'], { cwd, env })).stdout.trim();
  expect(token).toMatch(/^wr_/);
  return { cwd, env, token };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`crash safety (${kind})`, () => {
    it('keeps every 201-acknowledged timeline entry after SIGKILL', async () => {
      const { cwd, env, token } = await setup(kind);
      let server = await startServeProcess({ cwd, env });
      const dispatcher = new Agent({ connections: 200, pipelining: 1 });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const d = await request(`${server.url}/api/v1/incidents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ title: 'load', severity: 'SEV3' }),
        dispatcher,
      });
      const id = ((await d.body.json()) as { incident: { id: string } }).incident.id;

      const acked: string[] = [];
      let stop = false;
      let attempted = 0;
      const client = async (c: number) => {
        for (let n = 0; !stop; n++) {
          const text = `c${c}-n${n}`;
          attempted++;
          try {
            const r = await request(`${server.url}/api/v1/incidents/${id}/timeline`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ text }),
              dispatcher,
              headersTimeout: 5000,
              bodyTimeout: 5000,
            });
            await r.body.text();
            if (r.statusCode === 201) acked.push(text);
          } catch {
            return; // the server died mid-request: this entry was never acknowledged
          }
        }
      };
      const clients = Array.from({ length: 200 }, (_, c) => client(c));
      // Let load build up, then kill the server without warning.
      while (acked.length < 400) await new Promise((r) => setTimeout(r, 20));
      await server.stop('SIGKILL');
      stop = true;
      await Promise.all(clients);
      await dispatcher.close();
      expect(acked.length).toBeGreaterThanOrEqual(400);

      server = await startServeProcess({ cwd, env });
      try {
        const r = await request(`${server.url}/api/v1/incidents/${id}/timeline`, { headers: { authorization: `Bearer ${token}` } });
        const { entries } = (await r.body.json()) as { entries: { text: string }[] };
        const present = new Set(entries.map((e) => e.text));
        const lost = acked.filter((t) => !present.has(t));
        expect(lost).toEqual([]);
        expect(attempted).toBeGreaterThanOrEqual(acked.length);
      } finally {
        await server.stop();
      }
    }, 120_000);
  });
}

describe('several server instances on one PostgreSQL', () => {
  it('declares 100 incidents concurrently through two processes with 100 distinct ids', async () => {
    const { cwd, env, token } = await setup('postgres');
    const a = await startServeProcess({ cwd, env });
    const b = await startServeProcess({ cwd, env });
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const r = await request(`${(i % 2 ? a : b).url}/api/v1/incidents`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ title: `instance test ${i}`, severity: 'SEV4' }),
          });
          return { status: r.statusCode, body: (await r.body.json()) as { incident: { id: string } } };
        }),
      );
      expect(results.filter((r) => r.status !== 201)).toEqual([]);
      const ids = new Set(results.map((r) => r.body.incident.id));
      expect(ids.size).toBe(100);
      const seqs = [...ids].map((i) => Number(i.slice(4))).sort((x, y) => x - y);
      expect(seqs[0]).toBe(1);
      expect(seqs[99]).toBe(100);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 120_000);
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests on SIGTERM and exits 0', async () => {
    const { cwd, env, token } = await setup('sqlite');
    const server = await startServeProcess({ cwd, env });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const d = await request(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: 'shutdown', severity: 'SEV4' }),
    });
    const id = ((await d.body.json()) as { incident: { id: string } }).incident.id;
    const dispatcher = new Agent({ connections: 50 });
    const inflight = Array.from({ length: 50 }, async (_, i) => {
      try {
        const r = await request(`${server.url}/api/v1/incidents/${id}/timeline`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ text: `inflight ${i}` }),
          dispatcher,
        });
        await r.body.text();
        return r.statusCode;
      } catch {
        return 0; // connection refused after the listener closed: never accepted, so never acknowledged
      }
    });
    await new Promise((r) => setTimeout(r, 5));
    const exit = server.stop('SIGTERM');
    const statuses = await Promise.all(inflight);
    expect(await exit).toBe(0);
    await dispatcher.close();
    // Every request the server accepted was answered: 201, or 503 once closing began; none was cut off.
    expect(statuses.filter((s) => ![201, 503, 0].includes(s))).toEqual([]);
    const again = await startServeProcess({ cwd, env });
    try {
      const r = await request(`${again.url}/api/v1/incidents/${id}/timeline`, { headers: { authorization: `Bearer ${token}` } });
      const texts = new Set(((await r.body.json()) as { entries: { text: string }[] }).entries.map((e) => e.text));
      statuses.forEach((s, i) => {
        if (s === 201) expect(texts.has(`inflight ${i}`)).toBe(true);
      });
    } finally {
      await again.stop();
    }
  }, 60_000);
});
