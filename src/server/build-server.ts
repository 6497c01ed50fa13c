import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { WarroomConfig } from '../config/schema.js';
import type { SeverityPolicy } from '../core/severity.js';
import { WarroomError } from '../core/errors.js';
import type { Store } from '../store/db.js';
import { installAuth, type Authenticator } from './auth.js';
import type { ServerDeps } from './deps.js';
import { createDeps } from '../runtime/server-deps.js';
import { installErrorHandler } from './errors.js';
import { registerIncidentRoutes } from './routes/incidents.js';
import { registerPostmortemRoutes } from './routes/postmortems.js';
import { registerActionItemRoutes } from './routes/action-items.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerDeployRoutes } from './routes/deploys.js';
import { registerTriageRoutes } from './routes/triage.js';
import { registerActionRoutes } from './routes/actions.js';
import { registerMcpRoute } from './routes/mcp.js';
import { registerStatusPageRoutes } from './routes/status-page.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerOutboxRoutes } from './routes/outbox.js';
import { registerUpdateRoutes } from './routes/updates.js';
import { installWebApp, sessionAuthenticator } from './web/install.js';
import { attachApiRegistry } from './route.js';

export interface BuildServerOptions {
  store: Store;
  config: WarroomConfig;
  policy: SeverityPolicy;
  now?: () => Date;
  /** pino logger options; false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
  authenticators?: Authenticator[];
  /** `warroom serve --allow-agent-remediation`: agents with a commander/admin token may run remediation over /mcp. */
  allowAgentRemediation?: boolean;
}

/** Builds the Fastify app without listening (main() in commands/serve.ts listens). */
export async function buildServer(o: BuildServerOptions): Promise<{ app: FastifyInstance; deps: ServerDeps }> {
  const deps = createDeps(o);
  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Finish in-flight requests on close, drop idle keep-alive sockets.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
  });
  // The OpenAPI document of this server: every defineRoute below adds to it.
  attachApiRegistry(app);
  // Strict JSON: invalid UTF-8 is refused rather than silently turned into U+FFFD. One decoder
  // serves every request: decode() without { stream: true } keeps no state between calls.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (body.length === 0) return done(null, {});
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new WarroomError('VALIDATION', 'request body is not valid UTF-8'), undefined);
    }
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new WarroomError('VALIDATION', `malformed JSON body: ${(e as Error).message}`), undefined);
    }
  });
  installErrorHandler(app);
  installAuth(app, deps, [...(o.authenticators ?? []), sessionAuthenticator(deps)]);
  await installWebApp(app, deps);
  registerMetaRoutes(app, deps);
  registerIncidentRoutes(app, deps);
  registerPostmortemRoutes(app, deps);
  registerActionItemRoutes(app, deps);
  registerMetricsRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerDeployRoutes(app, deps);
  registerTriageRoutes(app, deps);
  registerActionRoutes(app, deps);
  registerMcpRoute(app, deps, { allowRemediation: o.allowAgentRemediation === true });
  registerStatusPageRoutes(app, deps);
  registerAlertRoutes(app, deps);
  registerOutboxRoutes(app, deps);
  registerUpdateRoutes(app, deps);
  return { app, deps };
}
