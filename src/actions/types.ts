import type { WarroomConfig } from '../config/schema.js';
import type { AccessRole } from '../core/actor.js';
import type { Deploy } from '../core/deploy.js';
import type { ServiceHealth } from '../checks/types.js';

/** One thing an action will do, shown by --dry-run and at confirmation exactly as it will run. */
export interface PlanStep {
  /** What kind of effect: a child process, an HTTP call, a Docker Engine call, SQL, Redis, files, a deploy record, a health check. */
  kind: 'command' | 'http' | 'docker' | 'sql' | 'redis' | 'files' | 'record' | 'verify';
  /** One line a person reads. */
  description: string;
  /** For command steps: the exact argument array (no shell). */
  argv?: string[];
  /** Time limit for the step, when it has one. */
  timeoutMs?: number;
}

/** What an action found while planning and what it will do. Planning only reads. */
export interface ActionPlan {
  action: string;
  /** What the action is aimed at: "backend", "postgres pid 4242", "cache cache:*", "/var/log/app". */
  target: string;
  /** One line: "roll back backend from v42 to v41". */
  summary: string;
  steps: PlanStep[];
  /** What the reader should know before saying yes (a sample of keys, the session's query...). */
  facts: Record<string, unknown>;
  /** Risks worth reading (forced past a safety check, no health check configured...). */
  warnings: string[];
  /** The access role needed to run it. */
  role: AccessRole;
}

export type ActionStatus = 'succeeded' | 'failed' | 'timed_out' | 'interrupted';

/** Whether the action's effect was checked afterwards, and what was seen. */
export interface Verification {
  /** true: checked and good; false: checked and not good; null: nothing to check with. */
  ok: boolean | null;
  detail: string;
  facts?: Record<string, unknown>;
}

export interface StepResult {
  description: string;
  status: ActionStatus | 'skipped';
  exitCode?: number | null;
  durationMs: number;
  error?: string | null;
}

export interface ActionOutcome {
  status: ActionStatus;
  /** Exit status of the (last) command that ran, when the action ran one. */
  exitCode: number | null;
  /** What happened in one line. */
  summary: string;
  /** Captured, redacted, bounded output. */
  output: string;
  steps: StepResult[];
  verification: Verification;
  /** Numbers an operator wants afterwards: keys deleted, bytes freed, memory before/after... */
  facts: Record<string, unknown>;
  error: string | null;
}

/**
 * What an action may use besides its options. Kept small and plain so tests can pass real local
 * peers (PostgreSQL, Redis, a unix-socket Docker Engine) and real child processes.
 */
export interface ActionEnv {
  config: WarroomConfig;
  now(): Date;
  /** Directory relative paths (commands, clean-disk --path) are read from. */
  cwd: string;
  /** Ctrl-C at the CLI; aborts the running step, which stops its child cleanly. */
  signal?: AbortSignal;
  /** Streams redacted output lines as they arrive. */
  onLine?: (line: string) => void;
  redact(text: string): string;
  /** Recent deploys of a service, newest first (rollback's previous version). */
  listDeploys(service: string): Promise<Deploy[]>;
  /** Records a deploy (rollback records its own on success). */
  recordDeploy(input: { service: string; version: string; kind: 'rollback'; description: string }): Promise<Deploy>;
  /** Runs the service's configured health checks once (the triage area's checkService). */
  checkService(service: string): Promise<ServiceHealth>;
  /** The incident the action runs for, if any (used in descriptions). */
  incidentId: string | null;
}

/** A planned action: the plan to show, and the function that carries it out and verifies it. */
export interface PreparedAction {
  plan: ActionPlan;
  execute(): Promise<ActionOutcome>;
  /** Releases connections opened while planning (always called). */
  close?(): Promise<void>;
}

/** A remediation action: validates its options and plans (read-only), returning a PreparedAction. */
export type PrepareAction = (env: ActionEnv, options: Record<string, unknown>) => Promise<PreparedAction>;
