import { addTimelineEntry } from '../app/add-timeline-entry.js';
import { hasRole, type AppContext } from '../app/context.js';
import type { WarroomError } from '../core/errors.js';
import { REDACTED, redactWith } from '../core/redact.js';

/** Keys whose values never reach the timeline, whatever they contain. */
const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential|private[_-]?key|dsn/i;

/**
 * A copy of a tool's arguments that is safe to store: secret-looking keys are blanked, every
 * string goes through warroom's redaction (URLs with passwords, bearer tokens, team patterns),
 * and very long strings are cut.
 */
export function redactArgs(value: unknown, redact: (s: string) => string, depth = 0): unknown {
  if (typeof value === 'string') {
    const r = redact(value);
    return r.length > 2000 ? `${r.slice(0, 2000)}…` : r;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '…';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactArgs(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redactArgs(v, redact, depth + 1);
  return out;
}

export interface AgentCallRecord {
  tool: string;
  /** The arguments as the agent sent them (redacted here before storing). */
  args: unknown;
  incidentId: string;
  kind: 'action' | 'note';
  /** One line saying what the agent did and how it went. */
  text: string;
  transport: 'stdio' | 'http';
  error: WarroomError | null;
  /** Small, tool-specific facts worth keeping (a run id, a status, counts). */
  result?: Record<string, unknown>;
}

/**
 * Writes one agent tool call onto the incident's timeline, authored by the agent, with
 * data {via: 'agent', tool, args (redacted), ok, error}. The record is an audit trail, so it
 * is written even for an agent whose token may only read (like remediation refusals).
 */
export async function recordAgentCall(ctx: AppContext, r: AgentCallRecord): Promise<number> {
  const redact = redactWith(ctx.config.redact ?? []);
  const recCtx: AppContext = hasRole(ctx.actor, 'responder') ? ctx : { ...ctx, actor: { ...ctx.actor, role: 'responder' } };
  const entry = await addTimelineEntry(
    recCtx,
    r.incidentId,
    { text: redact(r.text).slice(0, 10_000), kind: r.kind },
    {
      data: {
        via: 'agent',
        agent: ctx.actor.name,
        role: ctx.actor.role,
        transport: r.transport,
        tool: r.tool,
        args: redactArgs(r.args, redact),
        ok: !r.error,
        error: r.error ? { code: r.error.code, message: redact(r.error.message), field: r.error.field ?? null } : null,
        ...(r.result && { result: redactArgs(r.result, redact) }),
      },
    },
  );
  return entry.id;
}
