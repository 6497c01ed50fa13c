import { z } from 'zod';
import { backendFor } from '../backend.js';
import { paint, printJson } from '../io.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

// The severity is checked by showContacts (or the server), which names it.
const options = z.object({ severity: z.string().optional(), team: z.string().optional() });

/** `warroom contacts [--severity SEV1] [--team NAME]` — --json: { teams: ContactsView[], channels: string[] }. */
export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const r = await (await backendFor(rt)).contacts({ severity: o.severity, team: o.team });
  if (rt.io.json) return printJson(rt.io, r);
  const p = paint(rt.io);
  const lines: string[] = [];
  for (const t of r.teams) {
    lines.push(
      p.bold(`Team ${t.team}`) +
        `  on call: ${t.oncall ? `${t.oncall.person}${t.oncall.until ? ` (until ${t.oncall.until})` : ''}` : p.red('nobody')}  manager: ${t.manager ?? p.red('none')}`,
    );
    for (const s of t.severities) {
      lines.push(`  ${p.bold(s.severity)} — ${s.rule}`);
      for (const x of s.targets)
        lines.push(
          `    ${x.action.padEnd(6)} ${x.person} (${x.role}) via ${x.via.length ? x.via.join(', ') : p.red('no configured channel')}`,
        );
      if (s.problem) lines.push(`    ${p.red(s.problem)}`);
      for (const e of s.escalation)
        lines.push(
          p.dim(
            `    unacknowledged after ${e.level} response time${e.level > 1 ? 's' : ''}: page ${e.targets.map((x) => x.person).join(', ') || 'nobody'}`,
          ),
        );
    }
  }
  lines.push(`Channels configured: ${r.channels.length ? r.channels.join(', ') : 'none (add channels: to warroom.yaml)'}`);
  rt.io.out(lines.join('\n'));
}
