import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  resolveSession,
  sameSecret,
  signIn,
  signInInputSchema,
  signOut,
  SESSION_IDLE_MS,
  type WebSession,
} from '../../app/web-sessions.js';
import { WarroomError } from '../../core/errors.js';
import type { Authenticator } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { defineRoute } from '../route.js';

export const SESSION_COOKIE = 'warroom_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by the web session cookie (not a bearer token). */
    webSession?: WebSession & { secret: string };
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Longer than any cookie a browser keeps (4096 bytes) and far longer than a session secret. */
const MAX_COOKIE_VALUE = 4096;

/**
 * Reads one cookie from the header. (The session authenticator runs before any cookie plugin would parse.)
 * Null when it is absent, over-long, not valid percent-encoding (`%ZZ`: decodeURIComponent throws) or
 * sent more than once: an ambiguous or malformed cookie is no credential, so the request goes on
 * unauthenticated instead of failing.
 */
export function readCookie(req: FastifyRequest, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  let raw: string | null = null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0 || part.slice(0, i).trim() !== name) continue;
    if (raw !== null) return null;
    raw = part.slice(i + 1).trim();
  }
  if (raw === null || raw.length > MAX_COOKIE_VALUE) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Secure when the request came over TLS or the configured public URL is https (TLS ends at a proxy). */
function isSecure(req: FastifyRequest, deps: ServerDeps): boolean {
  return req.protocol === 'https' || (deps.config.server?.public_url ?? '').startsWith('https:');
}

function sessionCookie(value: string, maxAgeSec: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secure ? '; Secure' : ''}`;
}

/** The authenticator passed to installAuth: a valid session cookie makes the request's actor. */
export function sessionAuthenticator(deps: ServerDeps): Authenticator {
  return async (req) => {
    const secret = readCookie(req, SESSION_COOKIE);
    if (!secret) return null;
    const s = await resolveSession(deps.base, secret);
    if (!s) return null;
    req.webSession = { name: s.name, role: s.role, csrfToken: s.csrfToken, expiresAt: s.expiresAt, secret };
    return s.actor;
  };
}

/**
 * An Origin header, when the browser sends one, must be this server: either the Host the
 * request came to or the configured public URL. Blocks cross-site form posts, including
 * login CSRF, before any credential is looked at.
 */
function checkOrigin(req: FastifyRequest, deps: ServerDeps): void {
  const origin = req.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new WarroomError('FORBIDDEN', 'cross-site request refused: malformed Origin header');
  }
  const allowed = new Set([req.headers.host, req.headers['x-forwarded-host']].filter((h): h is string => typeof h === 'string'));
  const pub = deps.config.server?.public_url;
  if (pub) allowed.add(new URL(pub).host);
  if (!allowed.has(host)) throw new WarroomError('FORBIDDEN', `cross-site request refused: Origin ${origin} is not this server`);
}

/**
 * CSRF protection for cookie-authenticated requests: every state-changing request must echo
 * the session's CSRF token in X-CSRF-Token (a cross-site page cannot read it) and must not
 * come from another origin. Bearer-token requests carry no ambient credential and need neither.
 */
export function installCsrfProtection(app: FastifyInstance, deps: ServerDeps): void {
  // Callback style and synchronous: bearer-token and read requests pass without a promise.
  app.addHook('onRequest', (req, _reply, done) => {
    if (SAFE_METHODS.has(req.method)) return done();
    const signingIn = req.method === 'POST' && req.url.split('?')[0] === '/api/v1/session';
    if (!req.webSession && !signingIn) return done();
    let refused: Error | undefined;
    try {
      checkCsrf(req, deps, signingIn);
    } catch (e) {
      refused = e as Error;
    }
    done(refused);
  });
}

function checkCsrf(req: FastifyRequest, deps: ServerDeps, signingIn: boolean): void {
  checkOrigin(req, deps);
  if (signingIn) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !sameSecret(sent, req.webSession!.csrfToken)) {
    throw new WarroomError(
      'FORBIDDEN',
      'missing or wrong CSRF token: reload the page and try again (send the X-CSRF-Token header from GET /api/v1/session)',
    );
  }
}

function present(s: WebSession, via: string) {
  return { name: s.name, role: s.role, via, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
}

/** Failed sign-ins allowed per user name and client address within the window before refusing. */
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/**
 * Slows password guessing: after SIGN_IN_MAX_FAILURES failures for one name from one address
 * within the window, further attempts are refused (429) until it passes. Per instance, in memory:
 * with N instances an attacker gets N times the budget, still far from a useful guessing rate
 * on top of scrypt.
 */
function createSignInThrottle(now: () => Date) {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => (failures.get(key) ?? []).filter((t) => now().getTime() - t < SIGN_IN_WINDOW_MS);
  return {
    retryAfterMs(key: string): number {
      const r = recent(key);
      return r.length >= SIGN_IN_MAX_FAILURES ? SIGN_IN_WINDOW_MS - (now().getTime() - r[0]) : 0;
    },
    fail(key: string) {
      if (failures.size > 10_000) failures.clear();
      failures.set(key, [...recent(key), now().getTime()]);
    },
    succeed(key: string) {
      failures.delete(key);
    },
  };
}

export function registerSessionRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const tags = ['session'];
  const throttle = createSignInThrottle(deps.now);
  defineRoute(
    app,
    deps,
    {
      method: 'GET',
      url: '/api/v1/session',
      role: 'public',
      summary: 'The web session of this browser (csrfToken for state-changing requests), or null',
      tags,
    },
    async ({ req }) => {
      if (req.webSession) return { session: present(req.webSession, 'web') };
      if (req.actor)
        return { session: { name: req.actor.name, role: req.actor.role, via: req.actor.via, csrfToken: null, expiresAt: null } };
      return { session: null };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'POST',
      url: '/api/v1/session',
      role: 'public',
      tags,
      status: 201,
      body: signInInputSchema,
      summary: 'Sign in with a user name and password or an API token; sets an httpOnly session cookie',
    },
    async ({ req, reply, body }) => {
      // A fresh session id on every sign-in (no fixation); the old one, if any, is dropped.
      const key = `${body.token ? 'token' : `user:${(body.username ?? '').trim().toLowerCase()}`}|${req.ip}`;
      const wait = throttle.retryAfterMs(key);
      if (wait > 0) {
        const minutes = Math.ceil(wait / 60_000);
        return reply
          .status(429)
          .header('retry-after', String(Math.ceil(wait / 1000)))
          .send({
            error: { code: 'RATE_LIMITED', message: `too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}` },
          });
      }
      if (req.webSession) await signOut(deps.base, req.webSession.secret);
      let s: Awaited<ReturnType<typeof signIn>>;
      try {
        s = await signIn(deps.base, body);
      } catch (e) {
        if (e instanceof WarroomError && e.code === 'UNAUTHORIZED') throttle.fail(key);
        throw e;
      }
      throttle.succeed(key);
      reply.header('set-cookie', sessionCookie(s.secret, Math.floor(SESSION_IDLE_MS / 1000), isSecure(req, deps)));
      reply.header('cache-control', 'no-store');
      return { session: present(s, 'web') };
    },
  );

  defineRoute(
    app,
    deps,
    {
      method: 'DELETE',
      url: '/api/v1/session',
      role: 'public',
      summary: 'Sign out: ends the session everywhere and clears the cookie',
      tags,
      status: 204,
    },
    async ({ req, reply }) => {
      if (req.webSession) await signOut(deps.base, req.webSession.secret);
      clearCookie(req, reply, deps);
      return reply.status(204).send();
    },
  );
}

function clearCookie(req: FastifyRequest, reply: FastifyReply, deps: ServerDeps) {
  reply.header('set-cookie', sessionCookie('', 0, isSecure(req, deps)));
}
