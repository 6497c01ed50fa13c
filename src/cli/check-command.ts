import { CommanderError, type Command } from 'commander';
import { parse, type ParseEntry } from 'shell-quote';
import { buildProgram } from './program.js';

/** One command found in a text. */
export interface CommandCheck {
  /** The command as written in the text (from `warroom` to its end, trimmed). */
  command: string;
  ok: boolean;
  /** Why it would not run, when it would not. */
  error?: string;
}

const OPENERS = new Set(['"', "'", '`', '(']);
const ENDS = new Set([';', '`', '(', ')', '\n']);

/**
 * Checks that every `warroom …` command written in a piece of text (a triage finding's action,
 * a runbook line, a doc sentence) would be accepted by the real CLI, without running anything.
 *
 * Where a command is, exactly:
 *
 * - It STARTS at every word `warroom` that is at the start of the text or right after
 *   whitespace or one of the openers " ' ` ( , and is followed by whitespace or the end of the
 *   text (so `warroom.yaml`, `warroom's`, `warroom-health` are not commands; "the warroom user"
 *   in prose is read as the command `warroom user …`: write the name only in commands).
 *   The search for the next command resumes where the previous one ended.
 * - It ENDS at the first of these that is not inside quotes ('…' or "…", with \ escaping
 *   outside single quotes, as in a POSIX shell):
 *     - the closing quote of the quote that opens right before `warroom`
 *       (`"warroom diagnose app api"` is the command `warroom diagnose app api`);
 *     - ; ` ( ) or a newline (`… (warroom run kill-query --service db --pid 42) …`, and
 *       `warroom run kill-query --service db --pid 42 (add --force …)`: an unquoted parenthesis
 *       can never be part of a command, so prose may follow in parentheses);
 *     - the end of the text.
 *   A quote still open at that point makes the command fail (unterminated quote).
 *
 * The command is then split into words by shell-quote as a POSIX shell would (quotes removed,
 * escapes applied). It fails if a shell would not run it as one plain `warroom` invocation: an
 * unquoted glob (`--pattern cache:*`, which the shell may expand against file names), a shell
 * variable ($X), an operator (| && || & > < …) or a comment (#…). Otherwise its words are
 * parsed by the real program (buildProgram) with every action replaced by a no-op: unknown
 * commands and options, missing required options, option values and arguments, excess
 * arguments and invalid choices fail with commander's message. `--help` and `--version` are ok.
 *
 * Only what commander declares is checked: values the command itself validates when it runs
 * (a diagnose kind, a run action or runbook name, a duration) are not.
 */
export function checkWarroomCommands(text: string): CommandCheck[] {
  const out: CommandCheck[] = [];
  let from = 0;
  for (;;) {
    const start = findStart(text, from);
    if (start < 0) return out;
    const { end, unterminated } = findEnd(text, start);
    const command = text.slice(start, end).trim();
    from = Math.max(end, start + 'warroom'.length);
    const error = unterminated ? `unterminated ${unterminated === '"' ? 'double' : 'single'} quote` : checkArgv(command);
    out.push(error === undefined ? { command, ok: true } : { command, ok: false, error });
  }
}

function findStart(text: string, from: number): number {
  for (let i = text.indexOf('warroom', from); i >= 0; i = text.indexOf('warroom', i + 1)) {
    const before = i === 0 ? '' : text[i - 1];
    const after = text[i + 'warroom'.length] ?? '';
    if ((before === '' || /\s/.test(before) || OPENERS.has(before)) && (after === '' || /\s/.test(after))) return i;
  }
  return -1;
}

function findEnd(text: string, start: number): { end: number; unterminated?: '"' | "'" } {
  const opener = start > 0 ? text[start - 1] : '';
  let quote: '"' | "'" | null = null;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (quote === '"') {
      if (c === '\\') j++;
      else if (c === '"') quote = null;
    } else if (c === '\\') {
      j++;
    } else if ((opener === '"' || opener === "'") && c === opener) {
      return { end: j };
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (ENDS.has(c)) {
      return { end: j };
    }
  }
  return quote ? { end: text.length, unterminated: quote } : { end: text.length };
}

interface ShellVariable {
  variable: string;
}

/** The reason the command would not run, or undefined when it would. */
function checkArgv(command: string): string | undefined {
  const words = parse(command, (name: string): ShellVariable => ({ variable: name }));
  const argv: string[] = [];
  for (const w of words) {
    if (typeof w === 'string') {
      argv.push(w);
      continue;
    }
    const problem = shellProblem(w);
    if (problem) return problem;
  }
  if (argv[0] !== 'warroom') return `does not start with the word warroom: ${JSON.stringify(argv[0] ?? '')}`;
  const silent = () => {};
  const program = buildProgram({ action: () => () => {}, output: { writeOut: silent, writeErr: silent, outputError: silent } });
  try {
    program.parse(argv.slice(1), { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0) return undefined;
    // A command that only groups subcommands, given none: commander prints its help.
    if (e.code === 'commander.help') return `missing subcommand: ${subcommandsOf(program, argv.slice(1))}`;
    return e.message.replace(/^error: /, '');
  }
  return undefined;
}

/** The subcommands of the (sub)command the words name, e.g. "warroom user add|list|remove". */
function subcommandsOf(program: Command, words: string[]): string {
  let cmd = program;
  const path = ['warroom'];
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!sub) break;
    cmd = sub;
    path.push(w);
  }
  return `${path.join(' ')} ${cmd.commands.map((c) => c.name()).join('|')}`;
}

function shellProblem(w: Exclude<ParseEntry, string> | ShellVariable): string {
  if ('variable' in w) return `shell variable $${w.variable}: the command does not run as written`;
  if ('comment' in w) return `"#${w.comment}": a shell would read a comment there; quote the #`;
  if (w.op === 'glob') return `unquoted glob ${w.pattern}: the shell would expand it against file names; quote it`;
  return `shell operator ${w.op}: not one warroom command`;
}
