import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { registerEventRoutes } from './events.js';
import { installCsrfProtection, registerSessionRoutes } from './session.js';
import { installSecurityHeaders, registerWebAppRoutes } from './static.js';

export { sessionAuthenticator } from './session.js';

/**
 * Everything the browser needs, in one call from buildServer (after installAuth, so the
 * session authenticator has run when the CSRF check looks at the request): security headers,
 * CSRF protection, sign-in/out, the SSE stream and the built React app at /.
 */
export async function installWebApp(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  await installSecurityHeaders(app);
  installCsrfProtection(app, deps);
  registerSessionRoutes(app, deps);
  registerEventRoutes(app, deps);
  await registerWebAppRoutes(app);
}
