import { createInterface } from 'node:readline';
import { z } from 'zod';
import { validation } from '../../core/errors.js';
import type { ActionPlan } from '../../actions/types.js';
import type { ActionRunResult } from '../../app/run-action.js';
import { paint, printJson, type CliIo } from '../io.js';
import type { Runtime } from '../runtime.js';
import { backendFor } from '../backend.js';
import { parseOptions, repeatable } from '../options.js';

// The action checks its own options (a pid, a pattern, an age): they reach it as text.
const options = z.object({
  service: z.string().optional(),
  to: z.string().optional(),
  pid: z.string().optional(),
  terminate: z.boolean().optional(),
  force: z.boolean().optional(),
  pattern: z.string().optional(),
  path: z.string().optional(),
  olderThan: z.string().optional(),
  glob: z.string().optional(),
  /** Runbook parameters, name=value. */
  set: repeatable().transform((set) => {
    if (!set?.length) return undefined;
    const params: Record<string, string> = {};
    for (const kv of set) {
      const i = kv.indexOf('=');
      if (i <= 0) throw validation(`--set: "${kv}" is not name=value`, 'set');
      params[kv.slice(0, i)] = kv.slice(i + 1);
    }
    return params;
  }),
  incident: z.string().optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
});
export type RunOptions = z.output<typeof options>;

/** Exit status of an interrupted run, as a shell reports Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Turns the CLI flags into the action's option bag; only flags given are passed, so an action can refuse ones it does not take. */
export function buildOptions(o: RunOptions): Record<string, unknown> {
  const opts: Record<string, unknown> = {};
  if (o.service !== undefined) opts.service = o.service;
  if (o.to !== undefined) opts.to = o.to;
  if (o.pid !== undefined) opts.pid = o.pid;
  if (o.terminate) opts.terminate = true;
  if (o.force) opts.force = true;
  if (o.pattern !== undefined) opts.pattern = o.pattern;
  if (o.path !== undefined) opts.path = o.path;
  if (o.olderThan !== undefined) opts.olderThan = o.olderThan;
  if (o.glob !== undefined) opts.glob = o.glob;
  if (o.set) opts.params = o.set;
  return opts;
}

export async function run(rt: Runtime, action: string, raw: unknown) {
  const o = parseOptions(options, raw);
  if (rt.serverUrl()) return runOnServer(rt, action, o);
  const io = rt.io;
  const backend = await backendFor(rt);
  const c = paint(io);
  // Ctrl-C stops the running step cleanly (SIGTERM, then SIGKILL) and the attempt is still
  // recorded; a second Ctrl-C while recording cannot cut the audit short.
  const abort = new AbortController();
  const onSigint = () => {
    if (!abort.signal.aborted) io.err(c.yellow('interrupted: stopping the action (the attempt will be recorded)…'));
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await backend.runAction(
      {
        action,
        options: buildOptions(o),
        incident: o.incident ?? null,
        dry_run: !!o.dryRun,
        confirm: !!o.yes,
      },
      {
        cwd: io.cwd,
        signal: abort.signal,
        onPlan: io.json ? undefined : (plan) => printPlan(io, plan, !!o.dryRun),
        onLine: io.json ? undefined : (line) => io.out(`  ${c.dim('│')} ${line}`),
        // Without a terminal there is nobody to ask: the run is refused unless --yes was given.
        confirm: io.interactive && !io.json ? (plan) => ask(io, plan, abort.signal) : undefined,
      },
    );
    if (io.json) printJson(io, result);
    else printResult(io, result);
    if (result.status === 'interrupted') return EXIT_INTERRUPTED;
    return result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * --server / WARROOM_URL: the action runs on the server host through the API. The plan comes
 * from a dry run; the confirmation is asked here; a "no" is still sent (without confirm) so the
 * server records the refusal. Output is not streamed: it arrives with the result.
 */
async function runOnServer(rt: Runtime, action: string, o: RunOptions): Promise<number> {
  const io = rt.io;
  if (!o.incident)
    throw validation('incident: required with --server (the API runs actions for an incident: --incident INC-N)', 'incident');
  const { parseIncidentId } = await import('../../core/incident.js');
  const incident = parseIncidentId(o.incident, 'incident');
  const backend = await backendFor(rt);
  const post = (body: { dry_run?: boolean; confirm?: boolean }) =>
    backend.runAction({ action, options: buildOptions(o), incident, ...body });
  const planned = await post({ dry_run: true });
  if (!io.json) printPlan(io, planned.plan!, !!o.dryRun);
  if (o.dryRun) {
    if (io.json) printJson(io, planned);
    return 0;
  }
  let yes = !!o.yes;
  if (!yes && io.interactive && !io.json) yes = await ask(io, planned.plan!, new AbortController().signal);
  const result = await post({ confirm: yes });
  if (io.json) printJson(io, result);
  else printResult(io, result, false);
  if (result.status === 'interrupted') return EXIT_INTERRUPTED;
  return result.ok ? 0 : 1;
}

function printPlan(io: CliIo, plan: ActionPlan, dryRun: boolean): void {
  const c = paint(io);
  const lines = [`${c.bold(dryRun ? 'Dry run' : 'Plan')}: ${plan.summary}`, `  needs role: ${plan.role}`];
  plan.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. [${s.kind}] ${s.description}${s.timeoutMs ? c.dim(` (time limit ${Math.round(s.timeoutMs / 1000)}s)`) : ''}`);
    // The exact argument array, JSON-quoted so spaces and quotes inside an argument are visible.
    if (s.argv) lines.push(`       argv: ${JSON.stringify(s.argv)}`);
  });
  const facts = Object.entries(plan.facts);
  if (facts.length) {
    lines.push('  facts:');
    for (const [k, v] of facts) lines.push(`    ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  for (const w of plan.warnings) lines.push(`  ${c.yellow('warning')}: ${w}`);
  if (dryRun) lines.push(c.dim('  (dry run: nothing was changed or recorded)'));
  io.out(lines.join('\n'));
}

function ask(io: CliIo, plan: ActionPlan, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const done = (v: boolean) => {
      rl.close();
      signal.removeEventListener('abort', no);
      resolve(v);
    };
    const no = () => done(false);
    rl.on('SIGINT', no);
    signal.addEventListener('abort', no, { once: true });
    rl.question(`Run ${plan.action} on ${plan.target}? Type "yes" to continue: `, (a) => done(/^y(es)?$/i.test(a.trim())));
  });
}

function printResult(io: CliIo, r: ActionRunResult, streamed = true): void {
  if (r.dryRun || !r.outcome) return;
  const c = paint(io);
  const o = r.outcome;
  const mark = r.ok ? c.green('✔') : r.status === 'interrupted' ? c.yellow('■') : c.red('✘');
  const lines = [
    `${mark} ${o.summary}`,
    `  status: ${r.status}${o.exitCode !== null ? `, exit ${o.exitCode}` : ''}, ${(r.durationMs / 1000).toFixed(1)}s`,
  ];
  if (o.verification.ok !== null || o.verification.detail)
    lines.push(
      `  check: ${o.verification.ok === true ? c.green('ok') : o.verification.ok === false ? c.red('failed') : c.dim('n/a')} — ${o.verification.detail}`,
    );
  if (o.error) lines.push(`  error: ${o.error}`);
  // Actions without a streamed command (SQL, Redis, files) print their report here.
  if (o.output && (!streamed || !o.steps.some((s) => s.exitCode !== undefined)))
    lines.push(...o.output.split('\n').map((l) => `  ${c.dim('│')} ${l}`));
  lines.push(
    r.incidentId
      ? `  recorded on ${r.incidentId} (timeline entry #${r.timelineEntryId}, run #${r.runId})`
      : `  recorded as run #${r.runId} (no incident: pass --incident INC-N to put it on a timeline)`,
  );
  io.out(lines.join('\n'));
}
