import pc from 'picocolors';
import { isWarroomError, WarroomError } from '../core/errors.js';
import { EXIT_CODES, EXIT_FAILURE } from './exit-codes.js';
import { redactText } from '../core/redact.js';

/** What every command writes to. Injectable so tests and the MCP server can capture output. */
export interface CliIo {
  json: boolean;
  color: boolean;
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Whether stdin is an interactive terminal (confirmation prompts need one). */
  interactive: boolean;
}

export function processIo(json: boolean): CliIo {
  const color = !json && !!process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    json,
    color,
    out: (t) => {
      process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
    },
    err: (t) => {
      process.stderr.write(t.endsWith('\n') ? t : `${t}\n`);
    },
    cwd: process.cwd(),
    env: process.env,
    // Asked only by commands that prompt: the first look at process.stdin sets up the stream (~5 ms).
    get interactive() {
      return !!process.stdin.isTTY;
    },
  };
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function paint(io: CliIo) {
  const id = (s: string) => s;
  return io.color
    ? pc
    : { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id, magenta: id, blue: id, gray: id, redBright: id, bgRed: id, white: id };
}

/** Aligned columns; width is measured without ANSI colour codes. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  // eslint-disable-next-line no-control-regex
  const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
  const widths: number[] = [];
  for (const r of all)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...plain(c)].length);
    });
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - [...plain(c)].length)))
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}

/**
 * Turns any error into a message and an exit code. Users never see a stack trace; set
 * WARROOM_DEBUG=1 to get one. In --json mode the error is JSON on stdout with a stable code.
 */
export function reportError(io: CliIo, e: unknown): number {
  const err = isWarroomError(e) ? e : unexpected(e);
  const code = EXIT_CODES[err.code] ?? EXIT_FAILURE;
  const message = redactText(err.message);
  if (io.json) {
    io.out(
      JSON.stringify(
        { error: { code: err.code, message, ...(err.field && { field: err.field }), ...(err.details && { details: err.details }) } },
        null,
        2,
      ),
    );
  } else {
    io.err(`${paint(io).red('error')}: ${message}`);
  }
  if (io.env.WARROOM_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
  return code;
}

function unexpected(e: unknown): WarroomError {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ECONNREFUSED') return new WarroomError('UNAVAILABLE', `connection refused: ${err.message}`);
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return new WarroomError('FORBIDDEN', `permission denied: ${err.message}`);
  if (err?.code === 'ENOENT') return new WarroomError('NOT_FOUND', err.message);
  return new WarroomError('UNAVAILABLE', `unexpected error: ${err?.message ?? String(e)} (set WARROOM_DEBUG=1 for details)`);
}
