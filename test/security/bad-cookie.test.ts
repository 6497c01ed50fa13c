import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createTempStore, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { SESSION_COOKIE } from '../../src/server/web/session.js';

// Issue 19, item 3: a malformed warroom_session cookie made every route answer 500.
// A bad cookie is an unauthenticated request: each route must answer exactly as it does
// with no cookie at all.

/** Cookie headers a careless browser, a proxy or an attacker may send. */
const MALFORMED: Record<string, string> = {
  'a broken percent escape': `${SESSION_COOKIE}=%ZZ`,
  'a lone percent sign': `${SESSION_COOKIE}=%`,
  'a truncated escape': `${SESSION_COOKIE}=abc%E`,
  'an invalid UTF-8 sequence': `${SESSION_COOKIE}=%C0%AF`,
  'a lone surrogate escape': `${SESSION_COOKIE}=%ED%A0%80`,
  'an empty value': `${SESSION_COOKIE}=`,
  'a quoted value': `${SESSION_COOKIE}="${'A'.repeat(43)}"`,
  'a well-formed but unknown secret (wrong signature)': `${SESSION_COOKIE}=${'A'.repeat(43)}`,
  'a secret one character short': `${SESSION_COOKIE}=${'A'.repeat(42)}`,
  'a huge value': `${SESSION_COOKIE}=${'%ZZ'.repeat(2500)}`,
  'a huge well-formed value': `${SESSION_COOKIE}=${'A'.repeat(8000)}`,
  'two session cookies': `${SESSION_COOKIE}=${'A'.repeat(43)}; ${SESSION_COOKIE}=${'B'.repeat(43)}`,
  'two session cookies, one malformed': `${SESSION_COOKIE}=${'A'.repeat(43)}; ${SESSION_COOKIE}=%ZZ`,
  'a malformed session cookie among others': `theme=dark; ${SESSION_COOKIE}=%ZZ; other=%`,
  'a cookie with no name': `=%ZZ; ${SESSION_COOKIE}=%`,
};

const ROUTES: { method: 'GET' | 'DELETE'; path: string }[] = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/status' },
  { method: 'GET', path: '/status.json' },
  { method: 'GET', path: '/api/v1/session' },
  { method: 'DELETE', path: '/api/v1/session' },
  { method: 'GET', path: '/api/v1/incidents' },
  { method: 'GET', path: '/api/v1/deploys' },
  { method: 'GET', path: '/api/v1/tokens' },
];

const STACK = /\n\s+at |node:internal|URIError|\.ts:\d+|\.js:\d+:\d+/;

describe('a malformed warroom_session cookie is an unauthenticated request', () => {
  let t: TempStore;
  let srv: TestServer;
  beforeAll(async () => {
    t = await createTempStore('sqlite');
    srv = await startTestServer(t.store);
  });
  afterAll(async () => {
    await srv?.close();
    await t?.cleanup();
  });

  const call = async (method: string, path: string, cookie?: string) => {
    const r = await request(`${srv.url}${path}`, { method: method as 'GET', headers: cookie === undefined ? {} : { cookie } });
    const body = await r.body.text();
    return { status: r.statusCode, body };
  };
  /** The error code and message, when the body is a warroom error; otherwise null. */
  const errorOf = (body: string) => {
    try {
      const j = JSON.parse(body) as { error?: { code: string; message: string } };
      return j.error ? { code: j.error.code, message: j.error.message } : null;
    } catch {
      return null;
    }
  };

  it('answers the public routes 200 and the protected ones 401 without a cookie (the baseline)', async () => {
    const statuses = await Promise.all(ROUTES.map((r) => call(r.method, r.path).then((x) => x.status)));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 204, 401, 401, 401]);
  });

  for (const [form, cookie] of Object.entries(MALFORMED)) {
    it(`answers as without a cookie for ${form}, never 500, never a stack trace`, async () => {
      for (const r of ROUTES) {
        const bare = await call(r.method, r.path);
        const bad = await call(r.method, r.path, cookie);
        expect({ route: `${r.method} ${r.path}`, status: bad.status }).toEqual({ route: `${r.method} ${r.path}`, status: bare.status });
        expect(bad.body).not.toMatch(STACK);
        expect(errorOf(bad.body)).toEqual(errorOf(bare.body));
        if (r.path === '/api/v1/session' && r.method === 'GET') expect(JSON.parse(bad.body)).toEqual({ session: null });
        if (bare.status === 401) expect(errorOf(bad.body)?.code).toBe('UNAUTHORIZED');
      }
    });
  }

  it('refuses a cookie header past the HTTP header limit with 431 (before any route), not 500', async () => {
    const bad = await call('GET', '/healthz', `${SESSION_COOKIE}=${'%ZZ'.repeat(7000)}`);
    expect(bad.status).toBe(431);
    expect(bad.body).not.toMatch(STACK);
  });

  it('still signs in with a good token when a stale malformed cookie rides along, and the new cookie works', async () => {
    const admin = await srv.token('admin', 'cookie-admin');
    const r = await request(`${srv.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=%ZZ` },
      body: JSON.stringify({ token: admin }),
    });
    expect(r.statusCode).toBe(201);
    await r.body.text();
    const set = String(r.headers['set-cookie']);
    const value = /warroom_session=([^;]*)/.exec(set)![1];
    const me = await call('GET', '/api/v1/session', `${SESSION_COOKIE}=${value}`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ session: { name: 'cookie-admin', role: 'admin', via: 'web' } });
    // The same good cookie sent twice alongside another one is ambiguous and not honoured.
    const twice = await call('GET', '/api/v1/session', `${SESSION_COOKIE}=${value}; ${SESSION_COOKIE}=${'B'.repeat(43)}`);
    expect(JSON.parse(twice.body)).toEqual({ session: null });
  });
});
