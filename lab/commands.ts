/**
 * The "every output is checkable" rule, twice over for each `warroom ...` command in a finding's
 * action: checkWarroomCommands (src/cli/check-command.ts) parses it with the real program, and the
 * lab then runs it through the real CLI with the scenario's config while the fault is still in
 * effect: remediation (`warroom run ...`) as --dry-run, which prepares the real plan (the service,
 * pid, pattern or path must exist), and the read-only commands as they are.
 */
import { parse } from 'shell-quote';
import { checkWarroomCommands } from '../src/cli/check-command.js';

/** Read-only commands that are safe to run for real against the lab. */
const READ_ONLY = new Set(['diagnose', 'health', 'logs', 'triage']);

export interface CommandCheck {
  command: string;
  ok: boolean;
  detail: string;
}

type Cli = (args: string[], timeoutMs?: number) => Promise<{ code: number | null; stdout: string; stderr: string }>;

export async function checkCommands(text: string, runCli: Cli): Promise<CommandCheck[]> {
  const out: CommandCheck[] = [];
  for (const c of checkWarroomCommands(text)) {
    if (!c.ok) {
      out.push({ command: c.command, ok: false, detail: `the CLI's parser refuses it: ${c.error}` });
      continue;
    }
    // checkWarroomCommands accepted it, so it is plain words (no globs, variables or operators).
    const argv = parse(c.command)
      .filter((w): w is string => typeof w === 'string')
      .slice(1);
    const sub = argv[0];
    if (sub === 'run') {
      const r = await runCli([...argv.filter((a) => a !== '-y' && a !== '--yes'), '--dry-run'], 30_000);
      out.push({
        command: c.command,
        ok: r.code === 0,
        detail: r.code === 0 ? 'dry run accepted' : `dry run refused (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      });
    } else if (READ_ONLY.has(sub)) {
      const r = await runCli(argv, 30_000);
      // 1 is a verdict (something is down), 2 a usage error: the command itself is wrong.
      const ok = r.code === 0 || r.code === 1;
      out.push({
        command: c.command,
        ok,
        detail: ok ? `ran (exit ${r.code})` : `exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      });
    } else {
      out.push({ command: c.command, ok: true, detail: 'parsed by the CLI; not run (not a read-only or run command)' });
    }
  }
  return out;
}
