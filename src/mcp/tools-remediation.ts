import { z } from 'zod';
import { hasRole } from '../app/context.js';
import { runAction, type ActionRunResult } from '../app/run-action.js';
import { WarroomError } from '../core/errors.js';
import { actionRunResultSchema } from '../contract/actions.js';
import { defineTool, type ToolDef } from './tool.js';

const actionArgs = {
  action: z
    .string()
    .min(1)
    .max(100)
    .describe('rollback | restart | kill-query | flush-keys | clean-disk | a runbook name from warroom.yaml'),
  options: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('the action\'s options, e.g. {"service": "backend", "to": "v41"}, {"pid": 1234}, {"service": "cache", "pattern": "cache:*"}'),
};

const describeRun = (verb: string) => (a: Record<string, unknown>, r: ActionRunResult | null) =>
  `Agent ${verb} ${String(a.action)}${r?.target ? ` ${r.target}` : ''}${r ? `: ${r.status}${r.plan ? ` (${r.plan.steps.length} step${r.plan.steps.length === 1 ? '' : 's'})` : ''}` : ''} (${verb === 'planned' ? 'plan_remediation' : 'run_remediation'})`;

const keepRun = (r: ActionRunResult) => ({
  status: r.status,
  target: r.target,
  runId: r.runId,
  ok: r.ok,
  summary: r.plan?.summary ?? null,
});

/** Always available: the dry run shows the exact steps and touches nothing. */
export const planTool: ToolDef = defineTool({
  name: 'plan_remediation',
  title: 'Plan a remediation (dry run)',
  effect: 'read',
  description:
    'Plan a remediation action or team runbook without running it: the exact steps (commands as argument arrays, queries, keys), the target, warnings and the role it needs. Nothing in production changes. Needs a commander token (an unauthorised caller learns nothing about production). Running it is for a human ("warroom run ACTION ... --incident INC-1"), or run_remediation when the server allows agents to remediate.',
  input: { ...actionArgs, incident: z.string().max(20).optional().describe("record the plan on this incident's timeline") },
  output: actionRunResultSchema,
  run: ({ ctx }, a) => runAction(ctx, { action: a.action, options: a.options ?? {}, incident: a.incident, dry_run: true }),
  incidentOf: (a) => (typeof a.incident === 'string' ? a.incident : null),
  describe: describeRun('planned'),
  keep: keepRun,
});

/**
 * Registered only when the server was started with the remediation opt-in
 * (`warroom mcp --allow-remediation`, `warroom serve --allow-agent-remediation`). Even then
 * the caller's role must be commander or admin, and the agent must confirm explicitly.
 */
export const runTool: ToolDef = defineTool({
  name: 'run_remediation',
  title: 'Run a remediation (changes production)',
  effect: 'run',
  description:
    "Run a remediation action or runbook for real, for an incident: it changes production. Only a commander or admin token may, the call must say confirm: true after reviewing plan_remediation's plan, and every attempt (refused ones too) is recorded on the incident timeline and in the audit log.",
  input: {
    ...actionArgs,
    incident: z.string().max(20).describe('the incident this remediation is for (required: the attempt is recorded there)'),
    confirm: z.literal(true).describe('true: you reviewed the plan from plan_remediation and want it run'),
  },
  output: actionRunResultSchema,
  run: async ({ ctx, allowRemediation }, a) => {
    if (!allowRemediation)
      throw new WarroomError(
        'FORBIDDEN',
        'remediation by agents is off: start the server with the explicit opt-in (warroom mcp --allow-remediation, or warroom serve --allow-agent-remediation); meanwhile use plan_remediation and ask a human to run it',
        { field: 'action' },
      );
    if (!hasRole(ctx.actor, 'commander'))
      throw new WarroomError(
        'FORBIDDEN',
        `running ${a.action} needs a commander or admin token; ${ctx.actor.name} has ${ctx.actor.role}. Use plan_remediation and ask the incident commander to run it`,
        { field: 'action' },
      );
    const r = await runAction(ctx, { action: a.action, options: a.options ?? {}, incident: a.incident, confirm: true });
    return r;
  },
  incidentOf: (a) => (typeof a.incident === 'string' ? a.incident : null),
  describe: describeRun('ran'),
  keep: keepRun,
});
