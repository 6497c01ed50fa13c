import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every response. Scripts and styles only from this origin
 * (no 'unsafe-inline': user text can never become script), no framing (clickjacking), no
 * plugins, forms and <base> pinned to this origin.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Client-side routes of the web app; each serves index.html and React picks the page. */
export const APP_PAGES = ['/', '/signin', '/incidents/:id', '/incidents/:id/postmortem', '/health-board', '/insights'];

/** dist/web ships with the package; found from dist/chunks/ (bundled) or src/server/web/ (tests). */
export function webAppDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'dist', 'web');
    if (existsSync(join(p, 'index.html'))) return p;
    dir = dirname(dir);
  }
  return null;
}

/**
 * Security headers on every response (API, web app, status page). Routes may tighten or
 * override with reply.header. helmet computes them once at start-up; each response then gets
 * the same precomputed set, which costs far less than running the middleware per request.
 */
export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  const headers = computeSecurityHeaders();
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** Runs helmet once against a recording response and returns the headers it set. */
export function computeSecurityHeaders(): Record<string, string> {
  const out: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | string[]) => {
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete out[name.toLowerCase()];
    },
    getHeader: (name: string) => out[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Same-origin API; nothing here is meant to be embedded or opened by other origins.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only means something over https; harmless otherwise.
    strictTransportSecurity: { maxAge: 15552000, includeSubDomains: false },
    // The same as frame-ancestors 'none', for browsers that only know the older header.
    xFrameOptions: { action: 'deny' },
  })({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
  });
  return out;
}

/** Serves the built web app: hashed assets cached for a year, index.html never cached. */
export async function registerWebAppRoutes(app: FastifyInstance): Promise<void> {
  const root = webAppDir();
  if (!root) {
    for (const url of APP_PAGES) {
      app.get(url, async (_req, reply) =>
        reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The warroom web app is not built. Run "npm run build" (the API under /api/v1 works without it).'),
      );
    }
    return;
  }
  const index = readFileSync(join(root, 'index.html'));
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
  });
  for (const url of APP_PAGES) {
    app.get(url, async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index));
  }
  const favicon = join(root, 'favicon.svg');
  if (existsSync(favicon)) {
    const icon = readFileSync(favicon);
    app.get('/favicon.svg', async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(icon));
  }
}
