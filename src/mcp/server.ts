import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Actor, AppContext } from '../app/context.js';
import { listIncidents, showIncident } from '../app/list-incidents.js';
import { getTriageReport } from '../app/run-triage.js';
import type { WarroomError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { recordAgentCall } from './record.js';
import { errorResult, okResult, parseArgs, toWarroomError, type ToolDef, type ToolEnv } from './tool.js';
import { incidentTools } from './tools-incidents.js';
import { investigateTools } from './tools-investigate.js';
import { reviewTools } from './tools-review.js';
import { planTool, runTool } from './tools-remediation.js';
import { triagePromptText } from './prompt.js';

export interface WarroomMcpOptions {
  /** The use-case context; its actor is the agent (via 'agent'). */
  ctx: AppContext;
  transport: 'stdio' | 'http';
  /**
   * The explicit remediation opt-in (`warroom mcp --allow-remediation`,
   * `warroom serve --allow-agent-remediation`). Without it only plan_remediation exists.
   */
  allowRemediation: boolean;
  /** Folder for relative template paths (the config file's folder, else the working directory). */
  baseDir: string;
  /** Runs after a tool changed an incident (stdio: deliver the queued messages now). */
  afterWrite?: () => Promise<void>;
  /** Where to report a failure to write the audit record (stderr for stdio, the server log for HTTP). */
  warn?: (message: string) => void;
  /** Tools of other areas registered on top (used by tests and by areas that land later). */
  extraTools?: ToolDef[];
}

/** The agent identity: an actor that always says it is an agent. */
export function agentActor(name: string, role: Actor['role']): Actor {
  return { name, role, via: 'agent' };
}

/**
 * The SDK would turn a schema failure into a plain-text error before our handler runs. Our
 * handlers validate with the same schema and answer {"error": {"code": "VALIDATION", "field"}},
 * and record the rejected call on the incident's timeline, so the SDK's own pass is skipped.
 * (validateToolInput is the SDK's internal hook, called as this.validateToolInput.)
 */
function acceptRawToolInput(server: McpServer): void {
  (server as unknown as { validateToolInput: (tool: unknown, args: unknown) => Promise<unknown> }).validateToolInput = async (
    _tool,
    args,
  ) => args;
}

export function listToolDefs(o: Pick<WarroomMcpOptions, 'allowRemediation' | 'extraTools'>): ToolDef[] {
  return [
    ...incidentTools,
    ...investigateTools,
    ...(o.extraTools ?? []),
    ...reviewTools,
    planTool,
    ...(o.allowRemediation ? [runTool] : []),
  ];
}

/**
 * The MCP server shared by both transports: every tool validates its arguments with its own zod
 * schema (a bad argument is a VALIDATION error naming the field, like the CLI and API), calls one
 * use case, returns structured content, and, when the call concerns an incident, writes the call
 * onto that incident's timeline with the agent's identity.
 */
export function createWarroomMcpServer(o: WarroomMcpOptions): McpServer {
  const server = new McpServer(
    { name: 'warroom', title: 'warroom incident command center', version: VERSION },
    { instructions: INSTRUCTIONS },
  );
  acceptRawToolInput(server);
  const env: ToolEnv = { ctx: o.ctx, transport: o.transport, allowRemediation: o.allowRemediation, baseDir: o.baseDir };
  for (const def of listToolDefs(o)) registerTool(server, def, env, o);
  registerResources(server, o.ctx);
  server.registerPrompt(
    'five_minute_triage',
    {
      title: "The seed's 5-minute triage",
      description:
        'Walks minutes 0-5 of the incident-response triage with warroom tools: acknowledge and classify, assess scope, recent changes, first communication, begin investigation or mitigate.',
      argsSchema: {
        incident: z.string().max(20).optional().describe('an incident already declared (INC-42)'),
        symptom: z.string().max(500).optional().describe('what was reported, if no incident exists yet'),
      },
    },
    (args) => ({
      description: "The seed's 5-minute triage with warroom",
      messages: [{ role: 'user', content: { type: 'text', text: triagePromptText(args, o.allowRemediation) } }],
    }),
  );
  return server;
}

function registerTool(server: McpServer, def: ToolDef, env: ToolEnv, o: WarroomMcpOptions): void {
  // Checks and diagnoses only look at production; triage also stores its report.
  const readOnly = def.effect === 'read' || ['run_health', 'diagnose', 'analyze_logs'].includes(def.name);
  server.registerTool(
    def.name,
    {
      title: def.title,
      description: def.description,
      inputSchema: def.input,
      outputSchema: def.output,
      annotations: {
        title: def.title,
        readOnlyHint: readOnly,
        destructiveHint: def.name === 'run_remediation',
        idempotentHint: def.effect === 'read',
        openWorldHint: def.effect === 'run',
      },
    },
    async (raw: unknown) => {
      const rawArgs = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      let result: unknown = null;
      let error: WarroomError | null = null;
      let args: Record<string, unknown> = rawArgs;
      try {
        args = parseArgs(def.input, rawArgs) as Record<string, unknown>;
        result = await def.run(env, args as never);
      } catch (e) {
        error = toWarroomError(e);
      }
      await recordCall(def, env, o, args, result, error);
      if (!error && def.effect !== 'read') await o.afterWrite?.().catch((e: Error) => o.warn?.(`delivering messages failed: ${e.message}`));
      return error ? errorResult(error) : okResult(result);
    },
  );
}

async function recordCall(
  def: ToolDef,
  env: ToolEnv,
  o: WarroomMcpOptions,
  args: Record<string, unknown>,
  result: unknown,
  error: WarroomError | null,
): Promise<void> {
  if (def.recordsItself && !error) return;
  let incidentId: string | null = null;
  try {
    incidentId = def.incidentOf?.(args, result) ?? null;
  } catch {
    incidentId = null;
  }
  if (!incidentId) return;
  const text = error
    ? `Agent call ${def.name} ${error.code === 'UNAVAILABLE' ? 'failed' : 'refused'}: ${error.code}: ${error.message}`
    : def.describe
      ? def.describe(args, result)
      : `Agent called ${def.name}`;
  try {
    await recordAgentCall(env.ctx, {
      tool: def.name,
      args,
      incidentId,
      kind: def.effect === 'read' ? 'note' : 'action',
      text,
      transport: env.transport,
      error,
      result: result && def.keep && !error ? def.keep(result) : undefined,
    });
  } catch (e) {
    // A call about an incident that does not exist has nothing to be recorded on; anything else is reported.
    const err = toWarroomError(e);
    if (err.code !== 'NOT_FOUND' && err.code !== 'VALIDATION') o.warn?.(`could not record ${def.name} on ${incidentId}: ${err.message}`);
  }
}

function registerResources(server: McpServer, ctx: AppContext): void {
  server.registerResource(
    'incident-timeline',
    new ResourceTemplate('warroom://incidents/{id}/timeline', {
      list: async () => ({
        resources: (await listIncidents(ctx, { limit: 50 })).map((i) => ({
          uri: `warroom://incidents/${i.id}/timeline`,
          name: `${i.id} timeline`,
          title: `${i.id} ${i.title} (${i.severity}, ${i.status})`,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'Incident timeline',
      description: 'The append-only timeline of an incident (JSON): every entry with its UTC time, author, kind, text and data.',
      mimeType: 'application/json',
    },
    async (uri, vars) => {
      const id = String(Array.isArray(vars.id) ? vars.id[0] : vars.id);
      const inc = await showIncident(ctx, id);
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: JSON.stringify(
              { incidentId: inc.id, title: inc.title, severity: inc.severity, status: inc.status, timeline: inc.timeline },
              null,
              2,
            ),
          },
        ],
      };
    },
  );
  const triage = async (uri: URL, incident?: string) => {
    const r = await getTriageReport(ctx, 'latest', { incident });
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(r, null, 2) }] };
  };
  server.registerResource(
    'latest-triage',
    'warroom://triage/latest',
    {
      title: 'Latest triage report',
      description:
        'The most recent stored triage report (JSON): findings with cause, evidence, first action and suggested severity; health; recent changes; diagnoses.',
      mimeType: 'application/json',
    },
    (uri) => triage(uri),
  );
  server.registerResource(
    'incident-triage',
    new ResourceTemplate('warroom://incidents/{id}/triage', { list: undefined }),
    {
      title: "An incident's latest triage report",
      description: 'The most recent triage report run for this incident (JSON).',
      mimeType: 'application/json',
    },
    (uri, vars) => triage(uri, String(Array.isArray(vars.id) ? vars.id[0] : vars.id)),
  );
}

const INSTRUCTIONS = [
  'warroom is the incident command center: it keeps the incident record (timeline, status, severity, roles) and runs triage and diagnostics.',
  'Every tool call you make about an incident is written to its timeline under your name, so the post-mortem shows what you did.',
  'Read freely; record findings with add_timeline_entry; draft updates with draft_update and post them only when a human agrees.',
  'Remediation that changes production is plan-only (plan_remediation) unless the server was started with the explicit opt-in and your token is commander or admin.',
  'Errors come back as {"error": {"code", "message", "field"}} with stable codes: VALIDATION, NOT_FOUND, FORBIDDEN, UNAUTHORIZED, CONFLICT, INVALID_TRANSITION, UNAVAILABLE.',
].join('\n');
