import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { agentActor, createWarroomMcpServer } from '../../mcp/server.js';
import type { ServerDeps } from '../deps.js';

export interface McpRouteOptions {
  /** `warroom serve --allow-agent-remediation`: register run_remediation (commander/admin tokens only). */
  allowRemediation?: boolean;
  /** Folder for relative template paths. */
  baseDir?: string;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).header('content-type', 'application/json').send({ error: { code, message } });
}

/**
 * The MCP endpoint over Streamable HTTP, stateless: each POST gets a fresh server bound to the
 * caller's token, so the token's role bounds every tool and no session outlives a request.
 * Every request needs a bearer token (a browser session cookie is not accepted here).
 */
export function registerMcpRoute(app: FastifyInstance, deps: ServerDeps, o: McpRouteOptions = {}): void {
  app.post('/mcp', async (req, reply) => {
    const bearer = /^Bearer\s+\S/i.test(req.headers.authorization ?? '');
    if (!bearer || !req.actor || req.actor.via !== 'api') {
      return refuse(
        reply.header('www-authenticate', 'Bearer realm="warroom"'),
        401,
        'UNAUTHORIZED',
        'missing or invalid token: send "Authorization: Bearer <token>" (create one with "warroom token create --role responder")',
      );
    }
    const ctx = deps.contextFor(agentActor(req.actor.name, req.actor.role));
    const server = createWarroomMcpServer({
      ctx,
      transport: 'http',
      allowRemediation: !!o.allowRemediation,
      baseDir: o.baseDir ?? process.cwd(),
      warn: (m) => req.log.warn(m),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });
  // Stateless: no server-initiated stream and no session to delete.
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      handler: async (_req, reply) =>
        refuse(
          reply.header('allow', 'POST'),
          405,
          'VALIDATION',
          `${method} /mcp is not supported: this endpoint is stateless; send JSON-RPC requests with POST`,
        ),
    });
  }
}
