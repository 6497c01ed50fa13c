import { spawn } from 'node:child_process';
import { redactText } from '../core/redact.js';
import { OutputLog } from './output-log.js';

export type CommandStatus = 'succeeded' | 'failed' | 'timed_out' | 'interrupted';

export interface CommandOptions {
  /** Program and arguments. Passed to the OS as an array: no shell ever sees them. */
  argv: string[];
  /** Added to warroom's own environment (a deploy script needs PATH, HOME, credentials). */
  env?: Record<string, string>;
  cwd?: string;
  /** Hard limit; on expiry the process group gets SIGTERM, then SIGKILL after killGraceMs. */
  timeoutMs: number;
  /** Grace between SIGTERM and SIGKILL (default 5000 ms). */
  killGraceMs?: number;
  /** Ctrl-C or an API abort: the process group is stopped the same way as on timeout. */
  signal?: AbortSignal;
  /** Receives redacted output line by line as it arrives (for streaming to the terminal). */
  onLine?: (line: string) => void;
  /** Redactor for captured output (default: the built-in secret rules). */
  redact?: (text: string) => string;
}

export interface CommandResult {
  argv: string[];
  status: CommandStatus;
  /** Exit code, or null when the process was killed by a signal or never started. */
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  signal: string | null;
  /** Why it failed to start or was stopped, in words. */
  error: string | null;
  /** Combined stdout and stderr, redacted, bounded (see OutputLog). */
  output: string;
  outputTruncated: boolean;
  durationMs: number;
}

/**
 * Runs one command with an argument array (shell: false), streams redacted output, and stops it
 * cleanly. The child runs in its own process group (detached) so a deploy script's own children
 * are stopped with it, and so a terminal Ctrl-C reaches warroom first: warroom decides how to
 * stop the child (SIGTERM, then SIGKILL) and records that it did.
 */
export function runCommand(o: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const redact = o.redact ?? ((t: string) => redactText(t));
  const log = new OutputLog(redact, o.onLine);
  const grace = o.killGraceMs ?? 5000;
  return new Promise((resolve) => {
    let stopReason: 'timed_out' | 'interrupted' | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (r: Omit<CommandResult, 'argv' | 'output' | 'outputTruncated' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      log.end();
      resolve({
        ...r,
        argv: o.argv,
        output: log.text(),
        outputTruncated: log.truncated,
        durationMs: Math.round(performance.now() - started),
      });
    };
    if (o.signal?.aborted) {
      return finish({ status: 'interrupted', exitCode: null, signal: null, error: 'interrupted before it started' });
    }
    const child = spawn(o.argv[0], o.argv.slice(1), {
      shell: false,
      detached: true,
      cwd: o.cwd,
      env: childEnv(o.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = (why: 'timed_out' | 'interrupted') => {
      if (stopReason || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      stopReason = why;
      log.note(
        why === 'timed_out'
          ? `[warroom] time limit of ${o.timeoutMs} ms reached: sending SIGTERM`
          : '[warroom] interrupted: sending SIGTERM',
      );
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        log.note(`[warroom] still running after ${grace} ms: sending SIGKILL`);
        killGroup(child.pid!, 'SIGKILL');
      }, grace);
    };
    const onAbort = () => stop('interrupted');
    const timer = setTimeout(() => stop('timed_out'), o.timeoutMs);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (d: Buffer) => log.write(d));
    child.stderr!.on('data', (d: Buffer) => log.write(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ENOENT'
          ? `command not found: ${o.argv[0]}`
          : e.code === 'EACCES'
            ? `permission denied: ${o.argv[0]} (is it executable?)`
            : e.message;
      finish({ status: 'failed', exitCode: null, signal: null, error: redact(why) });
    });
    // 'close' waits for the pipes too, so no output is lost after exit.
    child.on('close', (code, sig) => {
      // Anything left in the group (a backgrounded grandchild) goes with the leader.
      if (stopReason && child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      if (stopReason) {
        return finish({
          status: stopReason,
          exitCode: code,
          signal: sig,
          error: stopReason === 'timed_out' ? `timed out after ${o.timeoutMs} ms` : 'interrupted',
        });
      }
      if (code === 0) return finish({ status: 'succeeded', exitCode: 0, signal: null, error: null });
      finish({ status: 'failed', exitCode: code, signal: sig, error: sig ? `killed by ${sig}` : `exited with status ${code}` });
    });
  });
}

/**
 * warroom's own credentials are not the deploy script's business: they are removed from the
 * inherited environment (a step can still pass what it needs through its env).
 */
const WARROOM_SECRETS = ['WARROOM_TOKEN', 'WARROOM_PASSWORD'];

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of WARROOM_SECRETS) delete env[k];
  return { ...env, ...extra };
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // The group is already gone.
  }
}
