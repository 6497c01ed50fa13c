import { Command, Option, type OutputConfiguration } from 'commander';
import { processIo, reportError } from './io.js';
import type { GlobalOptions, Runtime } from './runtime.js';
import { VERSION } from './version.js';
import { NOTE_KINDS } from '../core/incident.js';
import { ACCESS_ROLES } from '../core/actor.js';
import { DEPLOY_KINDS } from '../core/deploy.js';
import { ACTION_KINDS } from '../core/postmortem.js';
import { CHANNELS, OUTBOX_STATUSES } from '../core/outbox.js';

/**
 * Declares every command and lazy-loads its module on use, so `warroom --version` and
 * `warroom --help` load nothing but commander. A command module exports
 * `run(rt, ...args): Promise<number | void>` (the exit code; void means 0).
 */
export type Loader = () => Promise<{
  // A method, so that each module's run keeps its own parameter types (commander's values are
  // untyped; every command parses its options with its own schema, src/cli/options.ts).
  run(rt: Runtime, ...args: unknown[]): Promise<number | void>;
}>;

/** Makes the action handler of a command from the loader of its module. */
export type ActionFactory = (load: Loader) => (...args: unknown[]) => void | Promise<void>;

export interface BuildProgramOptions {
  /** The handler each command runs (default: load the module, run it, set process.exitCode). */
  action?: ActionFactory;
  /** Where commander writes help and errors (default: stdout and stderr). */
  output?: OutputConfiguration;
}

/**
 * The whole `warroom` program, every command declared, nothing run: cli.ts parses process.argv
 * with it, and check-command.ts parses suggested commands with it (handlers replaced by no-ops).
 * Every parse failure throws a CommanderError (exitOverride).
 */
export function buildProgram(opts: BuildProgramOptions = {}): Command {
  const action = opts.action ?? runModule;
  const program = new Command('warroom')
    .description('Incident command center: declare, triage, diagnose, communicate, remediate and review incidents.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable JSON output (errors too)')
    .option('-c, --config <file>', 'config file (default ./warroom.yaml or $WARROOM_CONFIG)')
    .option('--server <url>', 'talk to a running warroom server (or $WARROOM_URL, with $WARROOM_TOKEN)')
    .option('--as <name>', 'who is acting (default $WARROOM_USER or the OS user)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str), ...opts.output });

  const collect = (v: string, prev: string[] = []) => [...prev, v];

  // ── Incidents ────────────────────────────────────────────────────────────────
  program
    .command('declare')
    .description('declare an incident')
    .argument('<title>', 'one-line title')
    .requiredOption('-s, --severity <sev>', 'SEV1, SEV2, SEV3 or SEV4 (see "warroom severities")')
    .option('--commander <name>', 'incident commander (acknowledges the incident)')
    .option('--impact <text>', 'what users are experiencing')
    .option('--service <name>', 'affected service (repeatable)', collect)
    .action(action(() => import('./commands/declare.js')));

  program
    .command('list')
    .description('list open incidents (with --all, resolved ones too)')
    .option('-a, --all', 'include resolved incidents')
    .option('-s, --severity <sev>', 'only this severity (comma-separated for several)')
    .option('--status <status>', 'only this status (comma-separated for several)')
    .option('--service <name>', 'only incidents affecting this service')
    .action(action(() => import('./commands/list.js')));

  program
    .command('show')
    .description('show an incident with its timeline')
    .argument('<id>', 'incident id, e.g. INC-42')
    .option('-k, --kind <kinds>', 'only these timeline kinds (comma-separated)')
    .action(action(() => import('./commands/show.js')));

  program
    .command('note')
    .description('add an entry to the timeline')
    .argument('<id>')
    .argument('<text>')
    .addOption(new Option('-k, --kind <kind>', 'entry kind').choices(NOTE_KINDS).default('note'))
    .option('--corrects <entryId>', 'this entry corrects an earlier one (the original stays)')
    .option('--at <time>', 'when it happened, if earlier (ISO 8601 or "5 minutes ago")')
    .action(action(() => import('./commands/note.js')));

  program
    .command('status')
    .description('move an incident to investigating, identified, mitigating or resolved')
    .argument('<id>')
    .argument('<status>')
    .option('-n, --note <text>', 'why')
    .action(action(() => import('./commands/status.js')));

  program
    .command('severity')
    .description('change the severity (the change and its reason are recorded)')
    .argument('<id>')
    .argument('<severity>')
    .requiredOption('-r, --reason <text>', 'why the severity changes')
    .action(action(() => import('./commands/severity.js')));

  program
    .command('assign')
    .description('assign a role: commander (handover), comms_lead, scribe or responder')
    .argument('<id>')
    .requiredOption('--role <role>', 'commander | comms_lead | scribe | responder')
    .requiredOption('--to <name>', 'the person')
    .action(action(() => import('./commands/assign.js')));

  program
    .command('ack')
    .description('acknowledge an incident (you become commander if it has none)')
    .argument('<id>')
    .action(action(() => import('./commands/ack.js')));

  program
    .command('resolve')
    .description('resolve an incident')
    .argument('<id>')
    .option('--summary <text>', 'what happened and what fixed it')
    .action(action(() => import('./commands/resolve.js')));

  program
    .command('reopen')
    .description('reopen a resolved incident')
    .argument('<id>')
    .option('--reason <text>', 'why it is reopened')
    .action(action(() => import('./commands/reopen.js')));

  program
    .command('severities')
    .description("print the severity policy (the seed's table, with config overrides)")
    .action(action(() => import('./commands/severities.js')));

  // ── Recent changes ───────────────────────────────────────────────────────────
  const deploy = program.command('deploy').description('record and list deploys and infra changes');
  deploy
    .command('record')
    .description('record a deploy (or --kind infra for an infra change)')
    .requiredOption('--service <name>')
    .requiredOption('--version <version>')
    .addOption(new Option('--kind <kind>').choices(DEPLOY_KINDS).default('deploy'))
    .option('--at <time>', 'when (ISO 8601 or "10 minutes ago"; default now)')
    .option('--by <name>')
    .option('--description <text>')
    .action(action(() => import('./commands/deploy-record.js')));
  deploy
    .command('list')
    .description('list recent deploys and infra changes')
    .option('--service <name>')
    .option('--since <time>', 'e.g. 24h, "2 hours ago", ISO 8601')
    .option('--limit <n>', 'at most n rows', '50')
    .action(action(() => import('./commands/deploy-list.js')));

  // ── Set-up and server ────────────────────────────────────────────────────────
  program
    .command('init')
    .description('write a commented starter warroom.yaml')
    .option('-f, --force', 'overwrite an existing file')
    .option('-o, --output <file>', 'where to write', 'warroom.yaml')
    .action(action(() => import('./commands/init.js')));
  const config = program.command('config').description('configuration');
  config
    .command('check')
    .description('validate warroom.yaml and report every problem with its key and line')
    .argument('[file]')
    .action(action(() => import('./commands/config-check.js')));

  program
    .command('serve')
    .description('run the API server (and web app)')
    .option('-p, --port <port>', 'port (default 7300 or $PORT)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--allow-agent-remediation', 'let agents with a commander/admin token run remediation over /mcp (otherwise plan-only)')
    .action(action(() => import('./commands/serve.js')));

  const token = program.command('token').description('API tokens');
  token
    .command('create')
    .description('create an API token (shown once, stored hashed)')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ACCESS_ROLES).makeOptionMandatory())
    .option('--name <name>', 'a label, e.g. ci-pipeline', 'token')
    .action(action(() => import('./commands/token.js').then((m) => ({ run: m.create }))));
  token
    .command('list')
    .description('list API tokens (never their secrets)')
    .action(action(() => import('./commands/token.js').then((m) => ({ run: m.list }))));
  token
    .command('revoke')
    .description('revoke an API token')
    .argument('<id>')
    .action(action(() => import('./commands/token.js').then((m) => ({ run: m.revoke }))));

  const user = program.command('user').description('web app users');
  user
    .command('add')
    .description('add a user (password from --password-stdin or $WARROOM_PASSWORD, hashed with scrypt)')
    .argument('<name>')
    .addOption(new Option('--role <role>').choices(ACCESS_ROLES).makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input')
    .action(action(() => import('./commands/user.js').then((m) => ({ run: m.add }))));
  user
    .command('list')
    .description('list users')
    .action(action(() => import('./commands/user.js').then((m) => ({ run: m.list }))));
  user
    .command('remove')
    .description('remove a user')
    .argument('<name>')
    .action(action(() => import('./commands/user.js').then((m) => ({ run: m.remove }))));

  // ── Triage and diagnostics (health, diagnose, triage) ───────────────────────
  // (triage area: add commands here)
  const adHoc = (c: Command) =>
    c
      .option('--url <url>', 'an HTTP(S) health URL to check, no config needed (repeatable)', collect)
      .option('--tcp <host:port>', 'a TCP port to connect to (repeatable)', collect)
      .option('--postgres <url>', 'a PostgreSQL URL: connect + SELECT 1 (repeatable)', collect)
      .option('--redis <url>', 'a Redis URL: PING (repeatable)', collect)
      .option('--tls <host[:port]>', 'a TLS endpoint: certificate expiry, chain, hostname (repeatable)', collect)
      .option('--dns <host>', 'a host name to resolve (repeatable)', collect)
      .option('--disk <path>', 'a path whose filesystem free space and inodes to check (repeatable)', collect);
  adHoc(program.command('health').description('check every service concurrently (or ad hoc targets); exit 0 only when all are up'))
    .option('--service <name>', 'only this configured service (repeatable)', collect)
    .option('--timeout <duration>', "per-check timeout (default 2s; a service's own timeout wins)")
    .option('--deadline <duration>', 'overall deadline (default: the longest timeout + 100ms)')
    .option('-o, --output-dir <dir>', 'also write health.json and health.md there')
    .action(action(() => import('./commands/health.js')));
  program
    .command('diagnose')
    .description('diagnose postgres | redis | app | network')
    .argument('<kind>', 'postgres, redis, app or network')
    .argument('[service]', 'the configured service (same as --service)')
    .option('--service <name>', 'the configured service to diagnose')
    .option('--url <url>', 'diagnose this URL directly (postgres://, redis://, or an app health URL)')
    .option('--timeout <duration>', 'connect and per-query timeout (default 5s)')
    .option('--long-query <duration>', 'postgres: report queries running longer than this (default 30s or triage.thresholds.long_query_s)')
    .option('--idle-in-transaction <duration>', 'postgres: only report sessions idle in transaction this long (default: all)')
    .option('--since <duration>', 'app: log window (default 15m)')
    .option('--host <host[:port]>', 'network: check this host (DNS, TLS, reachability; repeatable)', collect)
    .option('--disk <path>', "network: check this path's free space (repeatable)", collect)
    .option('-o, --output-dir <dir>', 'also write diagnose-<kind>.json and .md there')
    .action(action(() => import('./commands/diagnose.js')));
  adHoc(
    program
      .command('triage')
      .description('the first five minutes in one command: health, recent changes, diagnostics, findings with first actions'),
  )
    .option('--logs <file>', 'a log file to read for the ad hoc targets (repeatable)', collect)
    .option('-i, --incident <id>', "add the findings and a link to the report to this incident's timeline")
    .option('--service <name>', 'only this configured service (repeatable)', collect)
    .option('--timeout <duration>', 'per-check timeout (default 2s)')
    .option('-o, --output-dir <dir>', 'also write triage.json and triage.md there')
    .option('--show <id>', 'print a stored report (an id or "latest") instead of running')
    .option('--list', 'list stored triage reports')
    .action(action(() => import('./commands/triage.js')));

  // ── Logs ─────────────────────────────────────────────────────────────────────
  // (logs area: add commands here)
  const logs = program.command('logs').description('fetch and analyse service logs');
  logs
    .command('fetch')
    .description("fetch a service's logs for a window from every configured source, redacted, with a manifest")
    .requiredOption('--service <name>', 'service in warroom.yaml')
    .option('--since <time>', 'start: "15 minutes ago", 15m, 2h, 1d or ISO 8601', '15m')
    .option('--until <time>', 'end (default now)')
    .requiredOption('-o, --output-dir <dir>', 'where to write <service>.<source>.log and manifest.json')
    .action(action(() => import('./commands/logs-fetch.js')));
  logs
    .command('analyze')
    .alias('analyse')
    .description('error rate, failing endpoints, signatures, spikes against deploys and latency, in one pass')
    .argument('[files...]', 'log files (plain or gzip); or use --service')
    .option('--service <name>', "read the service's configured sources (default window: last 15 minutes)")
    .option('--since <time>', 'only lines from this time: "15 minutes ago", 15m, 2h, 1d or ISO 8601')
    .option('--until <time>', 'only lines up to this time (default now)')
    .option('--top <n>', 'rows in each list', '10')
    .option('--workers <n>', 'worker threads (default: one per core, at most 4; 0 = none)')
    .option('--no-deploys', 'do not match spikes to recorded deploys')
    .action(action(() => import('./commands/logs-analyze.js')));

  // ── Coordination (update, outbox, contacts, alerts) ──────────────────────────
  // (coordination area: add commands here)
  program
    .command('update')
    .description("post the commander's update: timeline, incident channel, status page (SEV1/SEV2 or --public); resets the cadence clock")
    .argument('<id>')
    .option('--status <status>', 'investigating | identified | mitigating | resolved')
    .option('--findings <text>', 'current findings: what we know')
    .option('--actions <text>', 'actions in progress: what we are doing')
    .option('--public <text>', 'public description for the status page (also makes a SEV3/SEV4 update public)')
    .option('--eta <text>', 'estimated resolution, shown publicly (e.g. "within 1 hour")')
    .option('--dry-run', 'print what would be sent where; write and send nothing')
    .action(action(() => import('./commands/update.js')));
  const outbox = program.command('outbox').description('notification outbox: pending and dead-lettered messages, manual retry');
  outbox
    .command('list', { isDefault: true })
    .description('list messages (default: pending and dead)')
    .addOption(new Option('--status <status>').choices([...OUTBOX_STATUSES, 'all']))
    .option('--incident <id>', 'only messages about this incident')
    .addOption(new Option('--channel <channel>').choices(CHANNELS))
    .option('--limit <n>', 'at most n messages (default 100)')
    .action(action(() => import('./commands/outbox.js').then((m) => ({ run: m.list }))));
  outbox
    .command('retry')
    .description('send a dead-lettered message again (after fixing its channel)')
    .argument('<id>')
    .action(action(() => import('./commands/outbox.js').then((m) => ({ run: m.retry }))));
  program
    .command('contacts')
    .description('who would be paged, and how, right now (from contacts: in warroom.yaml)')
    .option('-s, --severity <sev>', 'only this severity')
    .option('--team <name>', 'only this team')
    .action(action(() => import('./commands/contacts.js')));

  // ── Post-mortems, action items, stats ────────────────────────────────────────
  // (postmortem area: add commands here)
  program
    .command('postmortem')
    .description('write and review the blameless post-mortem of a resolved incident (docs/postmortem.md)')
    .argument('<id>', 'incident id (INC-42), or "list" / "remind"')
    .argument('[verb]', 'generate (default), show, set, add-why, remove-why, submit, publish')
    .argument('[args...]', 'set: SECTION [TEXT]; add-why: WHY BECAUSE; remove-why: N')
    .option('-o, --output-dir <dir>', 'where the draft files go', 'post-mortems')
    .option('-f, --format <formats>', 'md, html, json, pdf (comma-separated)', 'md')
    .option('--file <path>', 'set: read the section text from a file ("-" for standard input)')
    .option('--overdue', 'list: only reviews past their deadline')
    .option('--dry-run', 'remind: show what is overdue without sending')
    .action(action(() => import('./commands/postmortem.js')));
  program
    .command('report')
    .description("standalone incident report with the post-mortem sections (the seed's generate-incident-report)")
    .option('--title <text>', 'incident title')
    .option('-s, --severity <sev>', 'SEV1..SEV4')
    .option('--start-time <iso>', 'when impact began (ISO 8601)')
    .option('--end-time <iso>', 'when it ended (ISO 8601)')
    .option('-o, --output-dir <dir>', 'where the files go', 'post-mortems')
    .option('-f, --format <formats>', 'md, html, json, pdf (comma-separated)', 'md')
    .option('--impact <text>', 'what users experienced')
    .option('--service <name>', 'affected service (repeatable)', collect)
    .option('--commander <name>', 'incident commander')
    .action(action(() => import('./commands/report.js')));
  const actionItems = program.command('action').description('post-incident action items: fix, monitoring, test, runbook');
  actionItems
    .command('add')
    .description('add an action item to an incident')
    .argument('<id>', 'incident id')
    .argument('<title>', 'what to do')
    .requiredOption('--owner <name>', 'who owns it')
    .requiredOption('--due <date>', 'due date YYYY-MM-DD (today or later)')
    .addOption(new Option('--kind <kind>', 'kind of fix').choices(ACTION_KINDS).default('fix'))
    .action(action(() => import('./commands/action.js').then((m) => ({ run: m.add }))));
  actionItems
    .command('list')
    .description('list open action items')
    .option('--overdue', 'only those past their due date')
    .option('--owner <name>', 'only this owner')
    .option('--incident <id>', 'only this incident')
    .option('--done', 'only completed items')
    .option('-a, --all', 'open and done')
    .action(action(() => import('./commands/action.js').then((m) => ({ run: m.list }))));
  actionItems
    .command('done')
    .description('mark an action item done')
    .argument('<id>', 'action item id (from "warroom action list")')
    .action(action(() => import('./commands/action.js').then((m) => ({ run: m.done }))));
  program
    .command('stats')
    .description('insights: incidents by severity and service, TTA/TTR, targets met, post-mortems and action items')
    .option('--since <window>', 'how far back: 90d, 4w, 24h', '90d')
    .action(action(() => import('./commands/stats.js')));

  // ── Remediation (run) ────────────────────────────────────────────────────────
  // (remediation area: add commands here)
  program
    .command('run')
    .description('run a remediation action or team runbook: shows the plan, asks, runs, checks, records')
    .argument('<action>', 'rollback | restart | kill-query | flush-keys | clean-disk | a runbook name from warroom.yaml')
    .option('--service <name>', 'the service (rollback, restart, kill-query, flush-keys)')
    .option('--to <version>', 'rollback: target version (default: the previous recorded deploy)')
    .option('--pid <pid>', 'kill-query: backend process id from pg_stat_activity')
    .option('--terminate', 'kill-query: terminate the session straight away instead of cancelling first')
    .option('--force', 'override a safety refusal (superuser/replication session, pattern matching too many keys)')
    .option('--pattern <glob>', 'flush-keys: Redis key pattern, e.g. "cache:*" (never "*")')
    .option('--path <dir>', 'clean-disk: directory inside remediation.clean_disk.allowed_paths')
    .option('--older-than <age>', 'clean-disk: only files older than this, e.g. 7d')
    .option('--glob <pattern>', 'clean-disk: file-name pattern, e.g. "*.log" (default *)')
    .option('--set <name=value>', 'runbook parameter (repeatable)', collect)
    .option('-i, --incident <id>', "record the attempt on this incident's timeline")
    .option('-n, --dry-run', 'print the exact steps and touch nothing')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action(action(() => import('./commands/run.js')));

  // ── Agents (mcp, skill) ──────────────────────────────────────────────────────
  // (agents area: add commands here)
  program
    .command('mcp')
    .description('Model Context Protocol server over stdio for an AI assistant (acts as an agent; docs/agents.md)')
    .option('--allow-remediation', 'let the agent run remediation actions (otherwise plan-only)')
    .action(action(() => import('./commands/mcp.js')));
  const skill = program.command('skill').description('agent skills shipped with warroom');
  skill
    .command('export')
    .description('write skills/incident-response (scripts, SKILL.md) with references generated from the live config and template')
    .option('--dir <dir>', 'where the skill folder goes', 'skills/incident-response')
    .action(action(() => import('./commands/skill.js').then((m) => ({ run: m.exportSkill }))));

  program.enablePositionalOptions();
  shareGlobalOptions(program, program);
  return program;
}

/** The real handler: runtime and module loaded on use, the exit code in process.exitCode. */
function runModule(load: Loader) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const global = cmd.optsWithGlobals() as GlobalOptions;
    const io = processIo(!!global.json);
    let rt: Runtime | undefined;
    let code = 0;
    try {
      // Loaded on use: config, store and their libraries stay out of --version and --help.
      const { createRuntime } = await import('./runtime.js');
      rt = createRuntime(io, global);
      // The config loader and the command's module load side by side.
      const [, mod] = await Promise.all([rt.prepare(), load()]);
      // commander passes (...positionals, options, command); commands receive (rt, ...positionals, options)
      const r = await mod.run(rt, ...args.slice(0, -1));
      code = typeof r === 'number' ? r : 0;
    } catch (e) {
      code = reportError(io, e);
    } finally {
      await rt?.close().catch(() => {});
    }
    process.exitCode = code;
  };
}

/**
 * Global options work before the command (`warroom --json list`) and after it (`warroom list
 * --json`): they are copied onto every command, and program options are positional, so a
 * command's own option named like a global one (`deploy record --version`) stays its own.
 */
function shareGlobalOptions(program: Command, cmd: Command): void {
  for (const sub of cmd.commands) {
    for (const opt of program.options) {
      if (opt.long === '--version') continue;
      if (!sub.options.some((o) => o.long === opt.long || (!!opt.short && o.short === opt.short)))
        sub.addOption(new Option(opt.flags, opt.description));
    }
    shareGlobalOptions(program, sub);
  }
}
