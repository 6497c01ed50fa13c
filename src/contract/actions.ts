import { z } from 'zod';

// The shape of an ActionRunResult on the wire: the HTTP route documents its response with it,
// the MCP tools declare it as their output and the CLI's run --json prints it.
const planSchema = z.object({
  action: z.string(),
  target: z.string(),
  summary: z.string(),
  role: z.string(),
  steps: z.array(
    z.object({ kind: z.string(), description: z.string(), argv: z.array(z.string()).optional(), timeoutMs: z.number().optional() }),
  ),
  facts: z.record(z.string(), z.unknown()),
  warnings: z.array(z.string()),
});

export const actionRunResultSchema = z.object({
  runId: z.number().int().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  incidentId: z.string().nullable(),
  dryRun: z.boolean(),
  status: z.enum(['planned', 'succeeded', 'failed', 'timed_out', 'interrupted', 'refused', 'error']),
  ok: z.boolean(),
  plan: planSchema.nullable(),
  outcome: z
    .object({
      status: z.string(),
      exitCode: z.number().int().nullable(),
      summary: z.string(),
      output: z.string(),
      steps: z.array(
        z.object({
          description: z.string(),
          status: z.string(),
          exitCode: z.number().int().nullable().optional(),
          durationMs: z.number(),
          error: z.string().nullable().optional(),
        }),
      ),
      verification: z.object({ ok: z.boolean().nullable(), detail: z.string(), facts: z.record(z.string(), z.unknown()).optional() }),
      facts: z.record(z.string(), z.unknown()),
      error: z.string().nullable(),
    })
    .nullable(),
  actor: z.object({ name: z.string(), role: z.string(), via: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  timelineEntryId: z.number().int().nullable(),
});

export type ActionRunResultView = z.output<typeof actionRunResultSchema>;
