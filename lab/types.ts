import type { App, AppOptions, Stack } from './stack.js';
import type { Req, TrafficResult } from './traffic.js';

/** A rule id, optionally on one service: what a finding is matched against. */
export interface RuleRef {
  rule: string;
  service?: string;
}

export interface Expectation {
  /** The first finding's rule (or any of several acceptable ids). */
  rule: string | string[];
  /** The service the first finding is on. */
  service: string;
  /** Over the first finding's action text; a function when the right value is only known after injection (a pid). */
  action?: RegExp | ((facts: Record<string, unknown>) => RegExp);
  /** Over the first finding's whole text (title, cause, evidence, action): e.g. the hog's application_name. */
  mentions?: RegExp;
}

/** What a finding in `warroom triage --json` looks like (the fields the lab reads). */
export interface Finding {
  rule: string;
  service: string;
  title?: string;
  cause?: string;
  evidence?: string[];
  action?: string;
  severity?: string;
  kind?: string;
}
export interface TriageReportLike {
  findings: Finding[];
  durationMs?: number;
  [k: string]: unknown;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface LabContext {
  readonly stack: Stack;
  /** The scenario's temp dir (its warroom.yaml, store, files). */
  readonly dir: string;
  readonly configPath: string;
  readonly names: Scenario['names'];
  /** The app currently running for this scenario (it changes when the scenario redeploys it). */
  readonly app: App;
  /** The effective triage thresholds written into the config. */
  readonly thresholds: Record<string, number>;
  /** Values found while injecting (pids, sizes), for the action regex and the report. */
  readonly facts: Record<string, unknown>;
  /** Undo steps, run in reverse after triage, before the generic reset. */
  onHeal(fn: () => Promise<void> | void): void;
  traffic(reqs: Req[], o: { seconds: number; rps: number; timeoutMs?: number }): Promise<TrafficResult>;
  /** The real CLI with this scenario's config. */
  warroom(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** `warroom deploy record --service APP --version V [--at WHEN]`, failing loudly. */
  deploy(version: string, at?: string): Promise<void>;
  /** Starts the app again on the same port and log file (a deploy or restart of the same service). */
  redeploy(opts: AppOptions): Promise<App>;
}

export interface Scenario {
  id: string;
  title: string;
  /** The seed's "Common Incident Patterns" row, when the scenario is one. */
  seedPattern?: string;
  /** The seed's investigation step(s) this exercises. */
  seedStep?: string;
  /** Ground truth in words: what is really broken. */
  rootCause: string;
  names: { app: string; db: string; cache: string };
  app?: AppOptions;
  /** false: no depends_on on the app, so triage must match dependencies by readiness key and kind. */
  dependsOn?: boolean;
  triage?: { currentWindow?: string; thresholds?: Record<string, number> };
  /** A probe hangs in this scenario (timings are reported separately). */
  hangs?: boolean;
  /** Extra services (edge TLS, DNS, disk) and remediation settings for the config. */
  extraConfig?: (
    ctx: LabContext,
  ) =>
    | Promise<{ services?: Record<string, unknown>; remediation?: Record<string, unknown> }>
    | { services?: Record<string, unknown>; remediation?: Record<string, unknown> };
  /** Background traffic and the fault itself. */
  inject(ctx: LabContext): Promise<void>;
  /** Checked right before triage: null when the fault is really in effect, else why not. */
  inEffect(ctx: LabContext): Promise<string | null>;
  expect?: Expectation;
  alsoExpect?: RuleRef[];
  /** Must not appear among the findings. */
  notBlamed: RuleRef[];
  /** Findings that are acceptable but not required (not counted as unexpected causes). */
  tolerate?: RuleRef[];
  /** Negative control: no findings (notes with kind "note" aside). */
  noFindings?: true;
}
