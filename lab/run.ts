/**
 * Runs one scenario on the lab stack: fresh app and config, traffic and fault, a check that the
 * fault is really in effect, the real `warroom triage --json`, the first action's commands through
 * the real CLI, then heal. Scoring compares the report with the scenario's ground truth.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkCommands, type CommandCheck } from './commands.js';
import { REPO, type App, type AppOptions, type Stack } from './stack.js';
import { traffic } from './traffic.js';
import type { CliResult, Finding, LabContext, RuleRef, Scenario, TriageReportLike } from './types.js';

/** The built CLI; LAB_WARROOM_CLI points the lab at another build (e.g. a checkout of an older commit) to compare. */
const CLI = process.env.LAB_WARROOM_CLI ?? join(REPO, 'bin/warroom.js');
const LAB_CTL = join(REPO, 'lab/bin/lab-ctl.mjs');

/** Thresholds scaled to a lab that lives for seconds, not hours (values can be overridden per scenario). */
export const LAB_THRESHOLDS = {
  lock_wait_s: 3,
  long_query_s: 4,
  idle_in_transaction_s: 4,
  latency_ms: 1000,
  error_rate_pct: 5,
  redis_memory_pct: 90,
  pool_saturation_pct: 90,
};
export const DEFAULT_CURRENT_WINDOW = '20s';

export function runCli(args: string[], o: { cwd: string; timeoutMs?: number }): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: o.cwd,
      env: { ...process.env, NO_COLOR: '1', WARROOM_USER: 'lab', WARROOM_URL: '', WARROOM_DATA: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += '\n[lab] killed after time limit';
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
  });
}

/** Does this build's config schema take triage.current_window (the lead's new key)? Asked once per lab run. */
let currentWindowSupport: Promise<boolean> | null = null;
export function supportsCurrentWindow(dir: string): Promise<boolean> {
  currentWindowSupport ??= (async () => {
    const d = join(dir, 'schema-probe');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'warroom.yaml'), stringify({ triage: { window: '1h', current_window: '20s' } }));
    const r = await runCli(['config', 'check', join(d, 'warroom.yaml')], { cwd: d, timeoutMs: 30_000 });
    return r.code === 0;
  })();
  return currentWindowSupport;
}

export interface ScenarioResult {
  id: string;
  pass: boolean;
  /** null when the fault was in effect; otherwise why not (the scenario then says nothing about triage). */
  faultError: string | null;
  firstOk: boolean;
  actionOk: boolean;
  /** notBlamed hits and unexpected causes. */
  falseClaims: string[];
  notBlamedHits: string[];
  missingAlso: string[];
  noFindingsOk: boolean | null;
  first: { rule: string; service: string; action: string } | null;
  expected: string;
  commands: CommandCheck[];
  triageMs: number;
  triageExit: number | null;
  triageError: string | null;
  hangs: boolean;
  facts: Record<string, unknown>;
  /** The notes (kind "note") among the findings. */
  notes: string[];
  /** What the lab had to adapt in the config for this build (e.g. a key its schema does not take). */
  configNotes: string[];
  report: TriageReportLike | null;
}

const matches = (f: Finding, r: RuleRef) => f.rule === r.rule && (r.service === undefined || f.service === r.service);
const isNote = (f: Finding) => f.kind === 'note';
const label = (r: RuleRef) => `${r.rule}${r.service ? `@${r.service}` : ''}`;

export function expectedLabel(s: Scenario): string {
  if (s.noFindings) return '(no findings)';
  const e = s.expect!;
  return `${Array.isArray(e.rule) ? e.rule.join('|') : e.rule}@${e.service}`;
}

export function score(
  s: Scenario,
  report: TriageReportLike | null,
  facts: Record<string, unknown>,
): Pick<ScenarioResult, 'firstOk' | 'actionOk' | 'falseClaims' | 'notBlamedHits' | 'missingAlso' | 'noFindingsOk' | 'first' | 'notes'> {
  const findings = report?.findings ?? [];
  const f0 = findings[0];
  const first = f0 ? { rule: f0.rule, service: f0.service, action: f0.action ?? '' } : null;
  const causes = findings.filter((f) => !isNote(f));
  const notBlamedHits = s.notBlamed.flatMap((r) =>
    findings.filter((f) => matches(f, r)).map((f) => `blamed ${f.rule}@${f.service} (ground truth: not ${label(r)})`),
  );
  const wanted: RuleRef[] = [
    ...(s.expect
      ? (Array.isArray(s.expect.rule) ? s.expect.rule : [s.expect.rule]).map((rule) => ({ rule, service: s.expect!.service }))
      : []),
    ...(s.alsoExpect ?? []),
    ...(s.tolerate ?? []),
  ];
  const unexpected = causes
    .filter((f) => !wanted.some((w) => matches(f, w)) && !s.notBlamed.some((r) => matches(f, r)))
    .map((f) => `unexpected ${f.rule}@${f.service}`);
  const missingAlso = (s.alsoExpect ?? []).filter((r) => !findings.some((f) => matches(f, r))).map(label);
  let firstOk = false;
  let actionOk = false;
  let noFindingsOk: boolean | null = null;
  if (s.noFindings) {
    noFindingsOk = report !== null && causes.length === 0;
    firstOk = noFindingsOk;
    actionOk = noFindingsOk;
  } else if (f0 && s.expect) {
    const rules = Array.isArray(s.expect.rule) ? s.expect.rule : [s.expect.rule];
    const text = [f0.title, f0.cause, ...(f0.evidence ?? []), f0.action].join('\n');
    firstOk = rules.includes(f0.rule) && f0.service === s.expect.service && (!s.expect.mentions || s.expect.mentions.test(text));
    const re = typeof s.expect.action === 'function' ? s.expect.action(facts) : s.expect.action;
    actionOk = firstOk && (!re || re.test(f0.action ?? ''));
  }
  return {
    firstOk,
    actionOk,
    falseClaims: [...notBlamedHits, ...unexpected],
    notBlamedHits,
    missingAlso,
    noFindingsOk,
    first,
    notes: findings.filter(isNote).map((f) => `${f.rule}@${f.service}`),
  };
}

export async function runScenario(stack: Stack, s: Scenario): Promise<ScenarioResult> {
  await stack.reset();
  const dir = join(stack.dir, `scn-${s.id}`);
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'warroom.yaml');
  const heals: (() => Promise<void> | void)[] = [];
  const facts: Record<string, unknown> = {};
  const thresholds = { ...LAB_THRESHOLDS, ...s.triage?.thresholds };
  await stack.startApp(s.app ?? {});
  const cli = (args: string[], timeoutMs?: number) => runCli(['-c', configPath, ...args], { cwd: dir, timeoutMs });
  const ctx: LabContext = {
    stack,
    dir,
    configPath,
    names: s.names,
    thresholds,
    facts,
    get app(): App {
      return stack.app!;
    },
    onHeal: (fn) => {
      heals.push(fn);
    },
    traffic: (reqs, o) => traffic(stack.app!.url, reqs, o),
    warroom: cli,
    deploy: async (version, at) => {
      const r = await cli(['deploy', 'record', '--service', s.names.app, '--version', version, ...(at ? ['--at', at] : []), '--json']);
      if (r.code !== 0) throw new Error(`deploy record ${version} failed (${r.code}): ${r.stderr || r.stdout}`);
    },
    redeploy: (opts: AppOptions) => stack.restartApp(opts),
  };

  const result: ScenarioResult = {
    id: s.id,
    pass: false,
    faultError: null,
    firstOk: false,
    actionOk: false,
    falseClaims: [],
    notBlamedHits: [],
    missingAlso: [],
    noFindingsOk: null,
    first: null,
    expected: expectedLabel(s),
    commands: [],
    triageMs: 0,
    triageExit: null,
    triageError: null,
    hangs: !!s.hangs,
    facts,
    notes: [],
    configNotes: [],
    report: null,
  };
  try {
    let extra: Awaited<ReturnType<NonNullable<Scenario['extraConfig']>>> = {};
    try {
      if (s.extraConfig) extra = await s.extraConfig(ctx);
    } catch (e) {
      result.faultError = `setting up the scenario failed: ${(e as Error).message}`;
    }
    const withWindow = await supportsCurrentWindow(stack.dir);
    const app = stack.app!;
    const config = {
      database: { data_dir: join(dir, 'store') },
      services: {
        [s.names.app]: {
          description: `lab app (${s.id})`,
          health: `${app.url}${app.readyPath}`,
          ...(s.dependsOn !== false && { depends_on: [s.names.db, s.names.cache] }),
          timeout: '2s',
          logs: { file: app.logFile },
          restart: [process.execPath, LAB_CTL, stack.ctlUrl, 'restart'],
          rollback: [process.execPath, LAB_CTL, stack.ctlUrl, 'rollback', '{version}'],
        },
        [s.names.db]: { postgres: stack.pg.url('postgres') },
        [s.names.cache]: { redis: stack.redis.url },
        ...extra.services,
      },
      ...(extra.remediation && { remediation: extra.remediation }),
      // current_window is the lead's new key: until the schema takes it, it is left out (and the report says so).
      triage: { window: '1h', ...(withWindow && { current_window: s.triage?.currentWindow ?? DEFAULT_CURRENT_WINDOW }), thresholds },
    };
    if (!withWindow) result.configNotes.push('triage.current_window not accepted by this build: left out of the config');
    writeFileSync(configPath, stringify(config));

    if (result.faultError === null) {
      try {
        await s.inject(ctx);
        result.faultError = await s.inEffect(ctx);
      } catch (e) {
        result.faultError = `injection failed: ${(e as Error).stack ?? e}`;
      }
    }
    if (result.faultError === null) {
      const t = await cli(['triage', '--json'], 60_000);
      result.triageMs = t.ms;
      result.triageExit = t.code;
      try {
        result.report = JSON.parse(t.stdout) as TriageReportLike;
        if (!Array.isArray(result.report.findings)) throw new Error('no findings array');
      } catch (e) {
        result.report = null;
        result.triageError = `triage --json gave no report (exit ${t.code}): ${(e as Error).message}; stderr: ${t.stderr.slice(0, 500)}; stdout: ${t.stdout.slice(0, 300)}`;
      }
      const f0 = result.report?.findings[0];
      if (f0?.action) result.commands = await checkCommands(f0.action, cli);
    }
  } finally {
    for (const h of heals.reverse()) {
      try {
        await h();
      } catch {
        /* the reset below heals what a step could not */
      }
    }
  }
  Object.assign(result, score(s, result.report, facts));
  const commandsOk = result.commands.every((c) => c.ok);
  if (!commandsOk) result.actionOk = false;
  result.pass =
    result.faultError === null &&
    result.report !== null &&
    (s.noFindings ? result.noFindingsOk === true : result.firstOk && result.actionOk && result.missingAlso.length === 0) &&
    result.notBlamedHits.length === 0;
  return result;
}
