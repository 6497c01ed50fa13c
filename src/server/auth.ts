import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../app/context.js';
import { authenticateToken } from '../app/manage-tokens.js';
import type { ServerDeps } from './build-server.js';

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

export function installAuth(app: FastifyInstance, deps: ServerDeps, extra: Authenticator[] = []): void {
  app.decorateRequest('actor', null);
  // Refuse to start with an /api route that does not say which role it needs.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.role) throw new Error(`route ${route.method} ${route.url} declares no role`);
  });
  app.addHook('onRequest', async (req) => {
    const h = req.headers.authorization;
    if (h && /^Bearer\s+/i.test(h)) {
      req.actor = await authenticateToken(deps.base, h.replace(/^Bearer\s+/i, ''));
      return;
    }
    for (const a of extra) {
      const actor = await a(req);
      if (actor) {
        req.actor = actor;
        return;
      }
    }
  });
}
