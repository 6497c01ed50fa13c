import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { parseInput } from '../app/context.js';
import { isWarroomError, WarroomError } from '../core/errors.js';
import { redactText } from '../core/redact.js';

/** How a tool call touches the incident record; decides the timeline kind of its record. */
export type ToolEffect = 'read' | 'write' | 'run';

/** What a tool needs from the server it runs in. */
export interface ToolEnv {
  ctx: AppContext;
  transport: 'stdio' | 'http';
  /** The server was started with the explicit remediation opt-in. */
  allowRemediation: boolean;
  /** Base directory for relative paths (config file's folder or the working directory). */
  baseDir: string;
}

/**
 * One MCP tool: a zod input shape (published as JSON Schema), a zod output object (the
 * structured result), and the use case it calls. `incidentOf` says which incident the call
 * concerns, so the call can be written onto that incident's timeline.
 */
export interface ToolDef<S extends z.ZodRawShape = z.ZodRawShape, R = unknown> {
  name: string;
  title: string;
  description: string;
  input: S;
  output: z.ZodObject;
  effect: ToolEffect;
  /** The incident this call concerns (from the arguments, or from the result for declare). */
  incidentOf?: (args: Record<string, unknown>, result: R | null) => string | null;
  /** One line for the timeline record. */
  describe?: (args: Record<string, unknown>, result: R | null) => string;
  /** Small facts from the result kept with the record. */
  keep?: (result: R) => Record<string, unknown>;
  /** The tool records the call itself (add_timeline_entry, remediation): skip the generic record. */
  recordsItself?: boolean;
  run: (env: ToolEnv, args: z.infer<z.ZodObject<S>>) => Promise<R>;
}

/** Type-checks one definition, then erases its types so definitions of different shapes share a list. */
export function defineTool<S extends z.ZodRawShape, R>(def: ToolDef<S, R>): ToolDef {
  return def as unknown as ToolDef;
}

/** Validates arguments with the tool's own schema; problems become VALIDATION errors naming the field. */
export function parseArgs<S extends z.ZodRawShape>(shape: S, raw: unknown): z.infer<z.ZodObject<S>> {
  return parseInput(z.object(shape).strict(), raw ?? {});
}

export function toWarroomError(e: unknown): WarroomError {
  if (isWarroomError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ECONNREFUSED') return new WarroomError('UNAVAILABLE', `connection refused: ${err.message}`);
  return new WarroomError('UNAVAILABLE', `unexpected error: ${redactText(err?.message ?? String(e))}`);
}

/**
 * The error result every tool returns: isError with the same JSON as the CLI's --json errors,
 * {"error": {"code", "message", "field"?, "details"?}}, so agents branch on a stable code.
 * (Not structuredContent: clients validate that against the success schema.)
 */
export function errorResult(err: WarroomError) {
  const body = {
    error: {
      code: err.code,
      message: redactText(err.message),
      ...(err.field && { field: err.field }),
      ...(err.details && { details: err.details }),
    },
  };
  return { isError: true as const, content: [{ type: 'text' as const, text: JSON.stringify(body) }] };
}

export function okResult(value: unknown) {
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: value as Record<string, unknown> };
}

/** Optional incident id argument shared by the investigation tools. */
export const incidentArg = z
  .string()
  .max(20)
  .optional()
  .describe("Incident id (INC-42): record this call and its findings on that incident's timeline");
