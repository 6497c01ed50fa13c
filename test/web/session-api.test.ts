import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/app/manage-users.js';
import { addTimelineEntry } from '../../src/app/add-timeline-entry.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let ts: TempStore;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  ts = await createTempStore('sqlite');
  const ctx = testContext(ts.store);
  await addUser(ctx, { name: 'alice', role: 'responder', password: 'correct horse battery' });
  await addUser(ctx, { name: 'victor', role: 'viewer', password: 'viewer password 1' });
  // Two instances over one database: a session made on one is valid on the other.
  a = await startTestServer(ts.store);
  b = await startTestServer(ts.store);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await ts?.cleanup();
});

async function signIn(url: string, body: unknown) {
  const r = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await r.json()) as { session: { csrfToken: string; name: string; role: string } } & {
    error?: { code: string; field?: string; message: string };
  };
  const setCookie = r.headers.get('set-cookie') ?? '';
  return { status: r.status, json, setCookie, cookie: setCookie.split(';')[0] };
}

describe('web session', () => {
  it('signs in with a password: httpOnly SameSite=Lax cookie, no password echo', async () => {
    const s = await signIn(a.url, { username: 'alice', password: 'correct horse battery' });
    expect(s.status).toBe(201);
    expect(s.setCookie).toMatch(/^warroom_session=[A-Za-z0-9_-]{43}; /);
    expect(s.setCookie).toContain('HttpOnly');
    expect(s.setCookie).toContain('SameSite=Lax');
    expect(s.setCookie).not.toContain('Secure'); // plain http loopback
    expect(s.json.session).toMatchObject({ name: 'alice', role: 'responder' });
    expect(JSON.stringify(s.json)).not.toContain('correct horse');
  });

  it('refuses wrong passwords and says which field is missing', async () => {
    const bad = await signIn(a.url, { username: 'alice', password: 'nope nope nope' });
    expect(bad.status).toBe(401);
    expect(bad.json.error?.message).toBe('wrong user name or password');
    expect(bad.setCookie).toBe('');
    const missing = await signIn(a.url, { username: 'alice' });
    expect(missing.status).toBe(400);
    expect(missing.json.error?.field).toBe('password');
  });

  it('signs in with an API token; the session dies when the token is revoked', async () => {
    const token = await a.token('responder', 'web-token');
    const s = await signIn(a.url, { token });
    expect(s.status).toBe(201);
    const me = await fetch(`${a.url}/api/v1/me`, { headers: { cookie: s.cookie } });
    expect(await me.json()).toEqual({ name: 'web-token', role: 'responder' });
    const id = /^wr_([a-f0-9]{12})_/.exec(token)![1];
    await ts.store.db.updateTable('tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).execute();
    expect((await fetch(`${a.url}/api/v1/me`, { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('requires the CSRF token on state-changing cookie requests, on every instance', async () => {
    const s = await signIn(a.url, { username: 'alice', password: 'correct horse battery' });
    const body = JSON.stringify({ title: 'Checkout down', severity: 'SEV2' });
    const noCsrf = await fetch(`${b.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json' },
      body,
    });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { message: string } }).error.message).toMatch(/CSRF/);
    const wrong = await fetch(`${b.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': 'x'.repeat(43) },
      body,
    });
    expect(wrong.status).toBe(403);
    const crossSite = await fetch(`${b.url}/api/v1/incidents`, {
      method: 'POST',
      headers: {
        cookie: s.cookie,
        'content-type': 'application/json',
        'x-csrf-token': s.json.session.csrfToken,
        origin: 'https://evil.example',
      },
      body,
    });
    expect(crossSite.status).toBe(403);
    const ok = await fetch(`${b.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.json.session.csrfToken, origin: b.url },
      body,
    });
    expect(ok.status).toBe(201);
    // Bearer tokens carry no ambient authority: no CSRF token needed.
    const token = await a.token('responder');
    const bearer = await fetch(`${a.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(bearer.status).toBe(201);
  });

  it('refuses further sign-ins for a name after 5 failures (429 with Retry-After), others unaffected', async () => {
    const ctx = testContext(ts.store);
    await addUser(ctx, { name: 'mallory-target', role: 'viewer', password: 'target password 1' });
    for (let i = 0; i < 5; i++) expect((await signIn(a.url, { username: 'mallory-target', password: `guess ${i}` })).status).toBe(401);
    const blocked = await signIn(a.url, { username: 'mallory-target', password: 'target password 1' });
    expect(blocked.status).toBe(429);
    expect(blocked.json.error?.message).toMatch(/too many failed sign-ins; try again in 15 minutes/);
    expect(blocked.setCookie).toBe('');
    expect((await signIn(a.url, { username: 'alice', password: 'correct horse battery' })).status).toBe(201);
  });

  it('refuses login from another origin (login CSRF)', async () => {
    const r = await fetch(`${a.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('a viewer session reads but cannot write', async () => {
    const s = await signIn(a.url, { username: 'victor', password: 'viewer password 1' });
    const list = await fetch(`${a.url}/api/v1/incidents`, { headers: { cookie: s.cookie } });
    expect(list.status).toBe(200);
    const w = await fetch(`${a.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.json.session.csrfToken },
      body: JSON.stringify({ title: 'x', severity: 'SEV4' }),
    });
    expect(w.status).toBe(403);
  });

  it('sign-out ends the session on every instance and clears the cookie', async () => {
    const s = await signIn(a.url, { username: 'alice', password: 'correct horse battery' });
    expect(await fetch(`${b.url}/api/v1/session`, { headers: { cookie: s.cookie } }).then((r) => r.json())).toMatchObject({
      session: { name: 'alice' },
    });
    const noCsrf = await fetch(`${a.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: s.cookie } });
    expect(noCsrf.status).toBe(403);
    const out = await fetch(`${a.url}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: s.cookie, 'x-csrf-token': s.json.session.csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^warroom_session=; .*Max-Age=0/);
    expect(await fetch(`${b.url}/api/v1/session`, { headers: { cookie: s.cookie } }).then((r) => r.json())).toEqual({ session: null });
    expect((await fetch(`${b.url}/api/v1/me`, { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('marks the cookie Secure when the public URL is https (TLS ending at a proxy)', async () => {
    const tls = await startTestServer(ts.store, { server: { public_url: 'https://warroom.example.com' } });
    try {
      const s = await signIn(tls.url, { username: 'alice', password: 'correct horse battery' });
      expect(s.setCookie).toMatch(/; Secure$/);
      // The configured public origin is accepted by the Origin check as well.
      const r = await fetch(`${tls.url}/api/v1/incidents`, {
        method: 'POST',
        headers: {
          cookie: s.cookie,
          'content-type': 'application/json',
          'x-csrf-token': s.json.session.csrfToken,
          origin: 'https://warroom.example.com',
        },
        body: JSON.stringify({ title: 'via proxy', severity: 'SEV4' }),
      });
      expect(r.status).toBe(201);
    } finally {
      await tls.close();
    }
  });

  it('sets security headers on pages and API responses', async () => {
    for (const path of ['/', '/api/v1/openapi.json']) {
      const r = await fetch(`${a.url}${path}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('incident event stream (SSE)', () => {
  it('streams entries written by another instance and resumes after the last id', async () => {
    const ctx = testContext(ts.store);
    const ev = await declareIncident(ctx, { title: 'Stream test', severity: 'SEV3' });
    const id = ev.incident.id;
    const token = await a.token('viewer', 'sse-viewer');
    const ac = new AbortController();
    const r = await fetch(`${a.url}/api/v1/incidents/${id}/events`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    const until = async (re: RegExp) => {
      while (!re.test(buf)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${re}: ${buf}`);
        buf += value;
      }
    };
    await until(/event: incident\n/);
    await until(/event: entry\ndata: .*Incident declared/);
    // Written directly to the database, as another process (the CLI) would.
    const e = await addTimelineEntry(ctx, id, { text: 'p99 latency on checkout is 4s', kind: 'finding' });
    await until(new RegExp(`id: ${e.id}\\nevent: entry\\ndata: .*p99 latency on checkout`));
    ac.abort();
    // Resuming after that id sends nothing older.
    const ac2 = new AbortController();
    const r2 = await fetch(`${a.url}/api/v1/incidents/${id}/events?after=${e.id}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ac2.signal,
    });
    const reader2 = r2.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf2 = '';
    while (!/event: incident\n/.test(buf2)) buf2 += (await reader2.read()).value ?? '';
    await addTimelineEntry(ctx, id, { text: 'second finding', kind: 'finding' });
    while (!/second finding/.test(buf2)) buf2 += (await reader2.read()).value ?? '';
    expect(buf2).not.toContain('p99 latency');
    expect(buf2).not.toContain('Incident declared');
    ac2.abort();
  });

  it('answers 404 as JSON for an unknown incident and 401 without credentials', async () => {
    const token = await a.token('viewer');
    expect((await fetch(`${a.url}/api/v1/incidents/INC-9999/events`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await fetch(`${a.url}/api/v1/incidents/INC-1/events`)).status).toBe(401);
  });
});
