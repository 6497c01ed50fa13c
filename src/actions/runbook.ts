import { resolve } from 'node:path';
import { validation } from '../core/errors.js';
import type { RunbookConfig, RunbookStepConfig } from '../config/schema.js';
import { commandTimeout, fillPlaceholders, killGrace, outcome } from './common.js';
import { runCommand } from './run-command.js';
import type { ActionEnv, ActionStatus, PlanStep, PreparedAction, StepResult } from './types.js';

/** The body of an HTTP step's answer kept in the output. */
const HTTP_BODY_CHARS = 4096;

interface ResolvedStep {
  name: string;
  kind: 'command' | 'http';
  argv?: string[];
  http?: { method: string; url: string; headers: Record<string, string>; body?: string; expect?: number[] };
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
  continueOnError: boolean;
}

/** Parses "name=value" pairs from --set (repeatable) or the API's params object. */
export function readParams(book: RunbookConfig, name: string, raw: unknown): Record<string, string> {
  const declared = book.params ?? [];
  const values: Record<string, string> = {};
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw validation('params: expected an object of name → value', 'params');
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (!declared.includes(k))
        throw validation(
          `params.${k}: runbook ${name} has no parameter "${k}" (parameters: ${declared.join(', ') || 'none'})`,
          `params.${k}`,
        );
      if (typeof v !== 'string') throw validation(`params.${k}: expected text`, `params.${k}`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001F\u007F]/.test(v)) throw validation(`params.${k}: contains control characters`, `params.${k}`);
      values[k] = v;
    }
  }
  const missing = declared.filter((p) => !(p in values));
  if (missing.length)
    throw validation(
      `params.${missing[0]}: runbook ${name} needs ${missing.map((m) => `--set ${m}=VALUE`).join(' ')}`,
      `params.${missing[0]}`,
    );
  return values;
}

function resolveStep(step: RunbookStepConfig, i: number, book: string, values: Record<string, string>, env: ActionEnv): ResolvedStep {
  const base = `runbooks.${book}.steps[${i}]`;
  const timeoutMs = step.timeout ?? commandTimeout(env.config);
  if (step.run) {
    return {
      name: step.name,
      kind: 'command',
      timeoutMs,
      continueOnError: !!step.continue_on_error,
      env: step.env,
      cwd: step.cwd ? resolve(env.cwd, step.cwd) : env.cwd,
      argv: step.run.map((a, j) => fillPlaceholders(a, values, `${base}.run[${j}]`)),
    };
  }
  const h = step.http!;
  const url = fillPlaceholders(
    h.url,
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)])),
    `${base}.http.url`,
  );
  return {
    name: step.name,
    kind: 'http',
    timeoutMs,
    continueOnError: !!step.continue_on_error,
    http: {
      method: h.method,
      url,
      headers: h.headers ?? {},
      body: h.body === undefined ? undefined : fillPlaceholders(h.body, values, `${base}.http.body`),
      expect: h.expect_status,
    },
  };
}

/** Secrets put in a step's env or HTTP headers are blanked in the plan and the output. */
function stepRedactor(env: ActionEnv, steps: ResolvedStep[]): (t: string) => string {
  const secrets = new Set<string>();
  for (const s of steps) {
    for (const [k, v] of Object.entries(s.env ?? {})) if (/pass|secret|token|key|auth|credential/i.test(k) && v.length >= 4) secrets.add(v);
    for (const [k, v] of Object.entries(s.http?.headers ?? {}))
      if (/auth|token|key|secret|cookie/i.test(k) && v.length >= 4) secrets.add(v);
  }
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (t: string) => {
    let out = t;
    for (const s of list) out = out.split(s).join('[REDACTED]');
    return env.redact(out);
  };
}

async function runHttp(
  s: ResolvedStep,
  env: ActionEnv,
  redact: (t: string) => string,
): Promise<{ status: ActionStatus; exitCode: null; output: string; error: string | null; durationMs: number }> {
  const t0 = performance.now();
  const h = s.http!;
  const timeout = AbortSignal.timeout(s.timeoutMs);
  const signal = env.signal ? AbortSignal.any([env.signal, timeout]) : timeout;
  try {
    const res = await fetch(h.url, { method: h.method, headers: h.headers, body: h.body, signal, redirect: 'manual' });
    const text = (await res.text()).slice(0, HTTP_BODY_CHARS);
    const ok = h.expect ? h.expect.includes(res.status) : res.status >= 200 && res.status < 300;
    const output = redact(`${h.method} ${h.url} → ${res.status}\n${text}`);
    env.onLine?.(redact(`${h.method} ${h.url} → ${res.status}`));
    return {
      status: ok ? 'succeeded' : 'failed',
      exitCode: null,
      output,
      error: ok ? null : `HTTP ${res.status} (expected ${h.expect ? h.expect.join(' or ') : '2xx'})`,
      durationMs: Math.round(performance.now() - t0),
    };
  } catch (e) {
    const interrupted = env.signal?.aborted ?? false;
    const timedOut = !interrupted && timeout.aborted;
    const why = interrupted
      ? 'interrupted'
      : timedOut
        ? `timed out after ${s.timeoutMs} ms`
        : redact(((e as Error).cause as Error | undefined)?.message ?? (e as Error).message);
    return {
      status: interrupted ? 'interrupted' : timedOut ? 'timed_out' : 'failed',
      exitCode: null,
      output: redact(`${h.method} ${h.url} → ${why}`),
      error: why,
      durationMs: Math.round(performance.now() - t0),
    };
  }
}

/**
 * A team runbook from warroom.yaml: its steps run in order, each with its own time limit; the
 * first failing step stops the runbook unless it says continue_on_error.
 */
export function prepareRunbook(env: ActionEnv, name: string, book: RunbookConfig, options: Record<string, unknown>): PreparedAction {
  for (const k of Object.keys(options))
    if (options[k] !== undefined && k !== 'params')
      throw validation(`${k}: not an option of runbook ${name} (runbooks take --set name=value)`, k);
  const values = readParams(book, name, options.params);
  const steps = book.steps.map((s, i) => resolveStep(s, i, name, values, env));
  const redact = stepRedactor(env, steps);
  const planSteps: PlanStep[] = steps.map((s, i) =>
    s.kind === 'command'
      ? {
          kind: 'command',
          description: `${i + 1}. ${s.name}${s.continueOnError ? ' (continues on error)' : ''}`,
          argv: s.argv,
          timeoutMs: s.timeoutMs,
        }
      : {
          kind: 'http',
          description: redact(`${i + 1}. ${s.name}: ${s.http!.method} ${s.http!.url}${s.continueOnError ? ' (continues on error)' : ''}`),
          timeoutMs: s.timeoutMs,
        },
  );
  return {
    plan: {
      action: name,
      target: name,
      role: book.role,
      summary: `run runbook ${name}${book.description ? ` (${book.description})` : ''}: ${steps.length} step(s)`,
      steps: planSteps,
      facts: { runbook: name, params: values },
      warnings: [],
    },
    async execute() {
      const results: StepResult[] = [];
      const outputs: string[] = [];
      let final: ActionStatus = 'succeeded';
      let lastExit: number | null = null;
      let error: string | null = null;
      for (const [i, s] of steps.entries()) {
        if (final !== 'succeeded' && final !== 'failed') break;
        env.onLine?.(`── step ${i + 1}/${steps.length}: ${s.name}`);
        outputs.push(`── step ${i + 1}/${steps.length}: ${s.name}`);
        const r =
          s.kind === 'command'
            ? await runCommand({
                argv: s.argv!,
                env: s.env,
                cwd: s.cwd,
                timeoutMs: s.timeoutMs,
                killGraceMs: killGrace(env.config),
                signal: env.signal,
                onLine: env.onLine,
                redact,
              })
            : await runHttp(s, env, redact);
        if (r.output) outputs.push(r.output);
        if (s.kind === 'command') lastExit = r.exitCode;
        results.push({ description: s.name, status: r.status, exitCode: r.exitCode, durationMs: r.durationMs, error: r.error });
        if (r.status !== 'succeeded') {
          error = `step ${i + 1} (${s.name}): ${r.error}`;
          if (r.status === 'failed' && s.continueOnError) {
            final = 'failed';
            continue;
          }
          final = r.status;
          for (const rest of steps.slice(i + 1)) results.push({ description: rest.name, status: 'skipped', durationMs: 0 });
          break;
        }
      }
      const failedSteps = results.filter((r) => r.status !== 'succeeded' && r.status !== 'skipped').length;
      return outcome({
        status: final,
        exitCode: lastExit,
        output: outputs.join('\n'),
        steps: results,
        error,
        summary:
          final === 'succeeded'
            ? `runbook ${name}: all ${steps.length} step(s) succeeded`
            : `runbook ${name} ${final.replace('_', ' ')}: ${error}`,
        verification: {
          ok: failedSteps === 0,
          detail: `${results.filter((r) => r.status === 'succeeded').length} of ${steps.length} step(s) succeeded`,
        },
      });
    },
  };
}
