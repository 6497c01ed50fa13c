import { paint, printJson } from '../io.js';
import { callServer } from '../coordination-client.js';
import type { Runtime } from '../runtime.js';
import type { ContactsView } from '../../app/show-contacts.js';

/** `warroom contacts [--severity SEV1] [--team NAME]` — --json: { teams: ContactsView[], channels: string[] }. */
export async function run(rt: Runtime, o: { severity?: string; team?: string }) {
  const server = rt.serverUrl();
  let r: { teams: ContactsView[]; channels: string[] };
  if (server) {
    const q = new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined) as [string, string][]);
    r = await callServer(rt, server, 'GET', `/contacts${q.size ? `?${q}` : ''}`);
  } else {
    const { showContacts } = await import('../../app/show-contacts.js');
    r = await showContacts(await rt.openContext(), o);
  }
  if (rt.io.json) return printJson(rt.io, r);
  const p = paint(rt.io);
  const lines: string[] = [];
  for (const t of r.teams) {
    lines.push(p.bold(`Team ${t.team}`) + `  on call: ${t.oncall ? `${t.oncall.person}${t.oncall.until ? ` (until ${t.oncall.until})` : ''}` : p.red('nobody')}  manager: ${t.manager ?? p.red('none')}`);
    for (const s of t.severities) {
      lines.push(`  ${p.bold(s.severity)} — ${s.rule}`);
      for (const x of s.targets) lines.push(`    ${x.action.padEnd(6)} ${x.person} (${x.role}) via ${x.via.length ? x.via.join(', ') : p.red('no configured channel')}`);
      if (s.problem) lines.push(`    ${p.red(s.problem)}`);
      for (const e of s.escalation) lines.push(p.dim(`    unacknowledged after ${e.level} response time${e.level > 1 ? 's' : ''}: page ${e.targets.map((x) => x.person).join(', ') || 'nobody'}`));
    }
  }
  lines.push(`Channels configured: ${r.channels.length ? r.channels.join(', ') : 'none (add channels: to warroom.yaml)'}`);
  rt.io.out(lines.join('\n'));
}
