import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { configDir } from '../../app/generate-postmortem.js';
import { agentActor, createWarroomMcpServer } from '../../mcp/server.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ allowRemediation: z.boolean().optional() });

/**
 * `warroom mcp`: the MCP server over stdio for an AI assistant on this machine. It acts as an
 * agent (via 'agent', name from --as / $WARROOM_USER / "agent") on the local store. Its role is
 * commander, never admin: it can plan remediation, but running it needs --allow-remediation.
 * stdout belongs to the protocol; everything else goes to stderr.
 */
export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  if (rt.serverUrl())
    throw validation(
      'warroom mcp serves the local store; for a running server, point the agent at its /mcp endpoint (Streamable HTTP) with a token instead of --server/WARROOM_URL',
      'server',
    );
  const name = (rt.opts.as ?? rt.io.env.WARROOM_USER ?? '').trim() || 'agent';
  const base = await rt.openContext();
  const ctx = { ...base, actor: agentActor(name, 'commander') };
  const { path } = rt.config();
  const server = createWarroomMcpServer({
    ctx,
    transport: 'stdio',
    allowRemediation: !!o.allowRemediation,
    baseDir: configDir(path, rt.io.cwd),
    afterWrite: async () => {
      await rt.coordination?.deliverNow();
    },
    warn: (m) => rt.io.err(`warroom mcp: ${m}`),
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    // The SDK's stdio transport does not notice the client going away; end of input means done.
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await server.connect(transport);
  rt.io.err(
    `warroom mcp: serving over stdio as ${name} (agent)${o.allowRemediation ? ', remediation allowed' : ', remediation plan-only'}`,
  );
  await closed;
  await server.close().catch(() => {});
}
