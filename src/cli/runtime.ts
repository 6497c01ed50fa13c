import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { WarroomError } from '../core/errors.js';
import type { LoadedConfig } from '../config/load-config.js';
import type * as LoaderModule_ from '../config/load-config.js';
type LoaderModule = typeof LoaderModule_;
import { findConfigPath } from '../config/find-config-path.js';
import { buildSeverityPolicy } from '../core/severity.js';
import type { AppContext } from '../app/context.js';
import type { CliIo } from './io.js';
import type { CliCoordination } from '../runtime/cli-delivery.js';
import type { LocalStore } from '../runtime/cli-context.js';

/** Options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  json?: boolean;
  config?: string;
  server?: string;
  as?: string;
  color?: boolean;
}

export interface Runtime {
  io: CliIo;
  opts: GlobalOptions;
  /** Loads the config loader when a config file exists (called by cli.ts before each command). */
  prepare(): Promise<void>;
  /** Loads warroom.yaml once (or the empty zero-set-up config). */
  config(): LoadedConfig;
  /** The server URL when the CLI talks to a running server instead of the local store. */
  serverUrl(): string | null;
  actorName(): string;
  /** Opens the local store (embedded SQLite, or PostgreSQL with DATABASE_URL) and builds a context (src/runtime/cli-context.ts). */
  openContext(): Promise<AppContext>;
  /** Coordination delivery for local commands (set once openContext ran): see src/runtime/cli-delivery.ts. */
  coordination?: CliCoordination;
  close(): Promise<void>;
}

/**
 * Commands that change no state and start nothing: they run with a warning when warroom.yaml has
 * unknown keys (and every known key's value is valid). Every other command (declare, note, ack,
 * run, serve, mcp, token create…) refuses such a file, since the key may be a setting the
 * person meant to apply (a typo in a rollback command, a server port) and acting without it
 * could do harm.
 */
export const READ_ONLY_COMMANDS = new Set([
  'list',
  'show',
  'severities',
  'health',
  'diagnose',
  'triage',
  'logs analyze',
  'logs fetch',
  'deploy list',
  'contacts',
  'outbox',
  'outbox list',
  'stats',
  'config check',
  'token list',
  'user list',
  'action list',
  'report',
]);

/** Parent commands whose subcommand names the action. */
const COMMAND_GROUPS = new Set(['deploy', 'config', 'token', 'user', 'logs', 'outbox', 'action', 'skill']);
/** Global options that take a value (the value is not a command word). */
const VALUE_OPTIONS = new Set(['-c', '--config', '--server', '--as']);

/** The command words of an argument list: "list", "deploy list" (global options skipped). */
export function commandName(argv: string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++;
      if (words.length) break;
      continue;
    }
    words.push(a);
    if (!COMMAND_GROUPS.has(words[0])) break;
  }
  return words.join(' ');
}

export function createRuntime(io: CliIo, opts: GlobalOptions, argv: string[] = process.argv.slice(2)): Runtime {
  let loaded: LoadedConfig | undefined;
  let local: LocalStore | undefined;
  let loader: LoaderModule | undefined;
  const rt: Runtime = {
    io,
    opts,
    async prepare() {
      // Zero set-up: without a config file, neither the YAML parser nor the schema is loaded.
      if (findConfigPath(opts.config, io.cwd, io.env)) loader = await import('../config/load-config.js');
    },
    config() {
      if (!loaded) {
        if (!loader) loaded = { path: null, config: {}, policy: buildSeverityPolicy() };
        else {
          const command = commandName(argv);
          const readOnly = READ_ONLY_COMMANDS.has(command);
          const { ignored, ...config } = loader.loadConfig({
            path: opts.config,
            cwd: io.cwd,
            env: io.env,
            allowUnknownKeys: readOnly,
            unknownKeysRefusal:
              `"warroom ${command || '(command)'}" changes state or starts a server, so it refuses a config with unknown keys ` +
              '(read-only commands such as list, show, health and stats run with a warning); fix or remove them ("warroom config check" lists every problem).',
          });
          const file = config.path ? basename(config.path) : 'warroom.yaml';
          for (const p of ignored ?? []) io.err(`warning: ${file}: ${p.path}: ${p.message}${p.line ? `, line ${p.line}` : ''} — ignored`);
          loaded = config;
        }
      }
      return loaded;
    },
    serverUrl() {
      const url = opts.server ?? io.env.WARROOM_URL;
      if (!url) return null;
      try {
        const u = new URL(url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      } catch {
        throw new WarroomError('VALIDATION', `--server: "${url}" is not an http(s) URL`, { field: 'server' });
      }
      return url.replace(/\/+$/, '');
    },
    actorName() {
      const n = opts.as ?? io.env.WARROOM_USER;
      if (n && n.trim()) return n.trim();
      try {
        return userInfo().username;
      } catch {
        return 'unknown';
      }
    },
    async openContext() {
      const { config, policy } = rt.config();
      // The store (Kysely, SQLite or pg) and the delivery are loaded here, not at start-up: health and diagnose never open it.
      const { openLocalStore, localContext } = await import('../runtime/cli-context.js');
      local ??= await openLocalStore({ config, policy, env: io.env, cwd: io.cwd, err: io.err });
      rt.coordination = local.coordination;
      return localContext(local, { config, policy, actorName: rt.actorName() });
    },
    async close() {
      await rt.coordination?.finish().catch((e: Error) => io.err(`warning: delivering queued messages failed: ${e.message}`));
      await local?.store.close();
      local = undefined;
    },
  };
  return rt;
}
