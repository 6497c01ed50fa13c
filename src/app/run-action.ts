import { z } from 'zod';
import { isWarroomError, notFound, WarroomError, type ErrorCode } from '../core/errors.js';
import { parseIncidentId } from '../core/incident.js';
import { redactWith } from '../core/redact.js';
import { checkService } from '../checks/health.js';
import { sanitize } from '../actions/output-log.js';
import { prepareAction, requiredRole } from '../actions/index.js';
import type { ActionEnv, ActionOutcome, ActionPlan, PreparedAction } from '../actions/types.js';
import type { ActionRunRecord, RunStatus } from '../core/action-run.js';
import { insertActionRun, listActionRuns as listRuns } from '../store/action-run.repository.js';
import { findIncident } from '../store/incident.repository.js';
import { addTimelineEntry } from './add-timeline-entry.js';
import { hasRole, parseInput, requireRole, type AccessRole, type AppContext } from './context.js';
import { listDeploys, recordDeploy } from './record-deploy.js';

export const runActionInputSchema = z
  .object({
    /** A built-in action (rollback, restart, kill-query, flush-keys, clean-disk) or a runbook name. */
    action: z.string().min(1).max(100),
    /** The action's options, e.g. { service: "backend", to: "v41" }. */
    options: z.record(z.string(), z.unknown()).default({}),
    /** Incident to record the attempt on (INC-42). */
    incident: z.string().max(20).nullish(),
    /** Plan only: show the exact steps, touch nothing, record nothing. */
    dry_run: z.boolean().default(false),
    /** The caller has seen the plan and says yes (the API's stand-in for the CLI prompt). */
    confirm: z.boolean().default(false),
  })
  .strict();
export type RunActionInput = z.input<typeof runActionInputSchema>;

export type { ActionRunRecord, RunStatus } from '../core/action-run.js';

/** The documented result of warroom run --json and POST /api/v1/incidents/:id/actions. */
export interface ActionRunResult {
  /** Id in the action_runs audit log; null for a dry run (which records nothing). */
  runId: number | null;
  action: string;
  target: string | null;
  incidentId: string | null;
  dryRun: boolean;
  status: RunStatus;
  /** true when the action ran, succeeded, and its check afterwards did not fail. */
  ok: boolean;
  plan: ActionPlan | null;
  outcome: ActionOutcome | null;
  actor: { name: string; role: AccessRole; via: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The timeline entry that records the attempt, when it ran for an incident. */
  timelineEntryId: number | null;
}

export interface RunActionHooks {
  /** Shows the plan and asks (the CLI prompt). Absent or false without input.confirm: refused. */
  confirm?: (plan: ActionPlan) => Promise<boolean>;
  /** Called with the plan before confirmation and execution (the CLI prints it). */
  onPlan?: (plan: ActionPlan) => void;
  /** Redacted output lines as they arrive. */
  onLine?: (line: string) => void;
  /** Ctrl-C: stops the running step cleanly; the attempt is recorded as interrupted. */
  signal?: AbortSignal;
  /** Base directory for relative paths and commands (default process.cwd()). */
  cwd?: string;
  /** Health re-check (default: the triage area's checkService). Tests may pass their own peer. */
  checkService?: ActionEnv['checkService'];
}

/** Output stored with an attempt; the timeline keeps the tail, the audit row keeps it all (bounded by OutputLog). */
const TIMELINE_OUTPUT_CHARS = 8000;

/**
 * Runs a remediation action: role check, validation, plan, confirmation, execution and
 * verification, and records every attempt — refused, failed and interrupted ones included —
 * in the action_runs audit log and on the incident's timeline.
 */
export async function runAction(ctx: AppContext, rawInput: unknown, hooks: RunActionHooks = {}): Promise<ActionRunResult> {
  const started = ctx.now();
  const t0 = performance.now();
  const redact = redactWith(ctx.config.redact ?? []);
  const loose = (rawInput ?? {}) as Record<string, unknown>;
  const actionName = typeof loose.action === 'string' ? loose.action.slice(0, 100) : '(none)';
  let incidentId: string | null = null;
  let incidentExists = false;
  let plan: ActionPlan | null = null;
  let prepared: PreparedAction | null = null;

  const finish = async (status: RunStatus, outcome: ActionOutcome | null, error: WarroomError | null): Promise<ActionRunResult> => {
    const finished = ctx.now();
    const result: ActionRunResult = {
      runId: null,
      action: actionName,
      target: plan?.target ?? null,
      incidentId,
      dryRun: false,
      status,
      ok: status === 'succeeded' && outcome?.verification.ok !== false,
      plan,
      outcome,
      actor: { ...ctx.actor },
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      timelineEntryId: null,
    };
    await record(ctx, result, error, incidentExists, redact);
    return result;
  };

  const refuse = async (e: unknown): Promise<never> => {
    const err = isWarroomError(e) ? e : new WarroomError('UNAVAILABLE', redact(`unexpected error: ${(e as Error)?.message ?? String(e)}`));
    const status: RunStatus = err.code === 'UNAVAILABLE' ? 'error' : 'refused';
    const r = await finish(status, null, err);
    throw new WarroomError(err.code, err.message, {
      field: err.field,
      details: { ...err.details, runId: r.runId, timelineEntryId: r.timelineEntryId, status },
    });
  };

  try {
    // The incident first, so that even a malformed request lands on its timeline.
    if (typeof loose.incident === 'string' && loose.incident) {
      incidentId = parseIncidentId(loose.incident, 'incident');
      incidentExists = !!(await findIncident(ctx.store.db, incidentId));
      if (!incidentExists) throw notFound(`incident: ${incidentId} not found (see "warroom list --all")`);
    }
    const input = parseInput(runActionInputSchema, rawInput);
    const role = requiredRole(ctx.config, input.action);
    requireRole(ctx, role, `running ${input.action}`);
    const env: ActionEnv = {
      config: ctx.config,
      now: () => ctx.now(),
      cwd: hooks.cwd ?? process.cwd(),
      signal: hooks.signal,
      onLine: hooks.onLine,
      redact,
      incidentId,
      listDeploys: (service) => listDeploys(ctx, { service, limit: 50 }),
      recordDeploy: (d) => recordDeploy(ctx, d),
      checkService: hooks.checkService ?? ((name) => checkService(name, ctx.config.services![name], { signal: hooks.signal })),
    };
    prepared = await prepareAction(env, input.action, input.options);
    plan = redactPlan(prepared.plan, redact);
    // A runbook's role is known up front; a built-in's plan may only now say what it needs.
    requireRole(ctx, plan.role, `running ${input.action}`);
    hooks.onPlan?.(plan);
    if (input.dry_run) {
      // A dry run touches nothing: not production, and not the audit log either.
      await prepared.close?.().catch(() => {});
      const finished = ctx.now();
      return {
        runId: null,
        action: input.action,
        target: plan.target,
        incidentId,
        dryRun: true,
        status: 'planned',
        ok: true,
        plan,
        outcome: null,
        actor: { ...ctx.actor },
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        durationMs: Math.round(performance.now() - t0),
        timelineEntryId: null,
      };
    }
    let confirmed = input.confirm;
    if (!confirmed && hooks.confirm) confirmed = await hooks.confirm(plan);
    if (!confirmed) {
      throw new WarroomError(
        'FORBIDDEN',
        hooks.confirm
          ? `not confirmed: ${input.action} was not run`
          : `confirmation required: ${input.action} changes production; review the plan (dry run) and confirm (CLI: --yes; API: "confirm": true)`,
        { field: 'confirm', details: { plan } },
      );
    }
    if (hooks.signal?.aborted) throw new WarroomError('FORBIDDEN', `interrupted before ${input.action} started; nothing was run`);
  } catch (e) {
    await prepared?.close?.().catch(() => {});
    return refuse(e);
  }

  let out: ActionOutcome;
  try {
    out = await prepared.execute();
  } catch (e) {
    // An action that fails half-way (a connection dropped, Docker went away) is a failed attempt, not a refusal.
    const msg = redact(isWarroomError(e) ? e.message : `unexpected error: ${(e as Error)?.message ?? String(e)}`);
    out = {
      status: hooks.signal?.aborted ? 'interrupted' : 'failed',
      exitCode: null,
      summary: `${actionName} failed: ${msg}`,
      output: '',
      steps: [],
      verification: { ok: null, detail: 'not checked: the action failed' },
      facts: {},
      error: msg,
    };
  } finally {
    await prepared.close?.().catch(() => {});
  }
  return finish(out.status, out, null);
}

/**
 * The plan as shown and stored: a secret written into a command line (--token=…) is redacted
 * in what people see and in the record; the command itself still gets the real value.
 */
function redactPlan(plan: ActionPlan, redact: (t: string) => string): ActionPlan {
  return {
    ...plan,
    summary: redact(plan.summary),
    steps: plan.steps.map((s) => ({ ...s, description: redact(s.description), ...(s.argv && { argv: s.argv.map(redact) }) })),
    warnings: plan.warnings.map(redact),
  };
}

/** Writes the attempt to the audit log, and to the incident's timeline when there is one. */
async function record(
  ctx: AppContext,
  r: ActionRunResult,
  error: WarroomError | null,
  onTimeline: boolean,
  redact: (t: string) => string,
): Promise<void> {
  const o = r.outcome;
  // The summary becomes timeline text, which refuses control characters: strip them first.
  const summary = sanitize(
    redact(
      error
        ? `${r.action}${r.target ? ` ${r.target}` : ''}: ${r.status} — ${error.message}`
        : `${r.action} ${r.target ?? ''}: ${r.status}${o?.exitCode != null ? ` (exit ${o.exitCode})` : ''} in ${(r.durationMs / 1000).toFixed(1)}s — ${o?.summary ?? ''}`,
    ),
  )
    .replace(/\uFFFD/g, '?')
    .slice(0, 2000);
  const data = {
    action: r.action,
    target: r.target,
    status: r.status,
    ok: r.ok,
    actor: r.actor,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    exitCode: o?.exitCode ?? null,
    error: error ? { code: error.code as ErrorCode, message: redact(error.message), field: error.field ?? null } : (o?.error ?? null),
    plan: r.plan ? { summary: r.plan.summary, steps: r.plan.steps, warnings: r.plan.warnings } : null,
    steps: o?.steps ?? [],
    verification: o?.verification ?? null,
    facts: o?.facts ?? {},
  };
  r.runId = await insertActionRun(ctx.store.db, {
    action: r.action,
    target: r.target,
    incidentId: r.incidentId,
    actor: r.actor.name,
    actorRole: r.actor.role,
    via: r.actor.via,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
    exitCode: o?.exitCode ?? null,
    summary,
    data: { ...data, output: o?.output ?? '' },
  });
  if (!onTimeline || !r.incidentId) return;
  const output = o?.output ?? '';
  // The audit record is written on the person's behalf even when they lacked the role to act
  // (a refused attempt by a viewer must still show up), so the recording context has at least responder.
  const recCtx: AppContext = hasRole(ctx.actor, 'responder') ? ctx : { ...ctx, actor: { ...ctx.actor, role: 'responder' } };
  const entry = await addTimelineEntry(
    recCtx,
    r.incidentId,
    { text: summary, kind: 'action' },
    {
      data: {
        ...data,
        runId: r.runId,
        output: output.length > TIMELINE_OUTPUT_CHARS ? `…${output.slice(-TIMELINE_OUTPUT_CHARS)}` : output,
        outputTruncated: output.length > TIMELINE_OUTPUT_CHARS,
      },
    },
  );
  r.timelineEntryId = entry.id;
}

/** The attempts recorded for an incident, oldest first (refused and failed ones included). */
export async function listActionRuns(ctx: AppContext, incident: string): Promise<ActionRunRecord[]> {
  requireRole(ctx, 'viewer', 'listing remediation attempts');
  const id = parseIncidentId(incident);
  if (!(await findIncident(ctx.store.db, id))) throw notFound(`incident ${id} not found (see "warroom list --all")`);
  return listRuns(ctx.store.db, id);
}
