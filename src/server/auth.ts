import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../app/context.js';
import { authenticateToken, cachedTokenActor } from '../app/manage-tokens.js';
import type { ServerDeps } from './deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null when no valid credential came with the request. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Minimum role for the route, or 'public'. Every /api route must declare one. */
    role?: string;
  }
}

/** Extra authenticators (e.g. the web app's session cookie) register here and run after the bearer token. */
export type Authenticator = (req: FastifyRequest) => Promise<Actor | null>;

const BEARER = /^Bearer\s+/i;

export function installAuth(app: FastifyInstance, deps: ServerDeps, extra: Authenticator[] = []): void {
  app.decorateRequest('actor', null);
  // Refuse to start with an /api route that does not say which role it needs.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.role) throw new Error(`route ${route.method} ${route.url} declares no role`);
  });
  // Callback style: a token verified in the last few seconds (every request of a busy client)
  // is answered without a promise; a lookup or another authenticator waits.
  const fromExtra = async (req: FastifyRequest) => {
    for (const a of extra) {
      const actor = await a(req);
      if (actor) return actor;
    }
    return null;
  };
  app.addHook('onRequest', (req, _reply, done) => {
    const h = req.headers.authorization;
    if (h && BEARER.test(h)) {
      const token = h.replace(BEARER, '');
      const cached = cachedTokenActor(token);
      if (cached) {
        req.actor = cached;
        return done();
      }
      authenticateToken(deps.base, token).then(
        (actor) => {
          req.actor = actor;
          done();
        },
        (e: Error) => done(e),
      );
      return;
    }
    if (extra.length === 0) return done();
    fromExtra(req).then(
      (actor) => {
        if (actor) req.actor = actor;
        done();
      },
      (e: Error) => done(e),
    );
  });
}
