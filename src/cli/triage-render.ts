import type { TriageReport } from '../app/run-triage.js';
import type { LogWindow } from '../core/triage/observations.js';
import type { Finding } from '../core/triage/rules.js';
import { formatMs } from '../core/units.js';
import { healthMarkdown, printHealth } from './render.js';
import { paint, type CliIo } from './io.js';

/** Triage as people read it: root causes with what they explain, then the rest, then what was not seen. */

const causes = (r: TriageReport) => r.findings.filter((f) => f.kind !== 'note');
const notes = (r: TriageReport) => r.findings.filter((f) => f.kind === 'note');

function windowLine(label: string, w: LogWindow | null | undefined): string | null {
  if (!w) return null;
  const slowest = [...w.latency].sort((a, b) => b.p50 - a.p50)[0];
  const top = [...w.endpoints].sort((a, b) => b.errors - a.errors)[0];
  return `${label}: ${w.errors} error(s) in ${w.lines} line(s)${top?.errors ? `, most on ${top.endpoint} (${top.errors})` : ''}${slowest ? `; slowest ${slowest.endpoint} p50 ${formatMs(slowest.p50)}` : ''}${w.signatures[0] ? `; most frequent error ${w.signatures[0].type}: ${w.signatures[0].template} (${w.signatures[0].count}×)` : ''}`;
}

export function findingLines(f: Finding): string[] {
  return [
    `### [${f.severity}] ${f.service}: ${f.title}${f.kind === 'note' ? ' (note)' : f.root ? '' : ' (contributing)'}`,
    '',
    `- Likely cause: ${f.cause}`,
    ...f.explains.map((e) => `- Explains: ${e}`),
    ...f.evidence.map((e) => `- Evidence: ${e}`),
    `- First action: ${f.action}`,
    `- Rule: \`${f.rule}\`${f.pattern ? ` (seed pattern: ${f.pattern})` : ''}`,
    '',
  ];
}

export function triageMarkdown(r: TriageReport): string {
  const lines = [
    `# Triage report #${r.id}`,
    '',
    `- At: ${r.createdAt} by ${r.actor} (${r.durationMs} ms)${r.incident ? `, incident ${r.incident}` : ''}`,
    `- Suggested severity: **${r.suggestedSeverity ?? 'none'}**`,
    ...r.summary.map((s) => `- ${s}`),
    '',
    '## Findings',
    '',
  ];
  if (!causes(r).length) lines.push('No findings: nothing matches a known cause.', '');
  for (const f of [...causes(r), ...notes(r)]) lines.push(...findingLines(f));
  if (r.unexplained.length) lines.push('## Unexplained symptoms', '', ...r.unexplained.map((s) => `- ${s.text}`), '');
  lines.push('## Not seen (blind spots)', '', ...(r.blindSpots.length ? r.blindSpots.map((b) => `- ${b}`) : ['- none']), '');
  lines.push('## Recent changes', '');
  if (!r.recentChanges.length) lines.push('None recorded in the window.', '');
  for (const d of r.recentChanges)
    lines.push(`- ${d.at} ${d.kind} ${d.service} ${d.version} by ${d.by}${d.description ? ` — ${d.description}` : ''}`);
  lines.push('', healthMarkdown(r.health).replace(/^# Health report/, '## Health'));
  for (const [name, d] of Object.entries(r.diagnoses.postgres))
    lines.push(`## PostgreSQL (${name})`, '', ...d.summary.map((s) => `- ${s}`), '');
  for (const [name, d] of Object.entries(r.diagnoses.redis)) lines.push(`## Redis (${name})`, '', ...d.summary.map((s) => `- ${s}`), '');
  for (const [name, d] of Object.entries(r.diagnoses.logs)) {
    const l = d.available
      ? [
          windowLine(`now (last ${formatMs(r.currentWindowMs)})`, d.now),
          windowLine('before', d.before),
          windowLine('since the latest deploy', d.afterDeploy),
        ].filter(Boolean)
      : [`logs not read: ${d.reason}`];
    lines.push(`## Logs (${name})`, '', ...l.map((s) => `- ${s}`), '');
  }
  return `${lines.join('\n')}\n`;
}

export function printTriage(io: CliIo, r: TriageReport, written: string[]): void {
  const p = paint(io);
  io.out(p.bold(`Triage #${r.id} — ${r.durationMs} ms`));
  for (const s of r.summary) io.out(`  ${s}`);
  io.out('');
  const list = causes(r);
  if (!list.length) io.out(p.green('No findings: nothing matches a known cause.'));
  list.forEach((f, i) => {
    const sev = f.severity === 'SEV1' ? p.red(f.severity) : f.severity === 'SEV2' ? p.yellow(f.severity) : p.cyan(f.severity);
    const tag = i === 0 ? p.bold(' (most likely root cause)') : f.root ? p.dim(' (independent cause)') : p.dim(' (contributing)');
    io.out(`${sev} ${p.bold(`${f.service}: ${f.title}`)}${tag}`);
    io.out(`  cause:    ${f.cause}`);
    for (const e of f.explains) io.out(`  explains: ${e}`);
    for (const e of f.evidence) io.out(`  evidence: ${e}`);
    io.out(`  do first: ${f.action}`);
    io.out('');
  });
  for (const f of notes(r)) io.out(`${p.dim('note')} ${f.service}: ${f.cause}\n  ${f.action}\n`);
  if (r.unexplained.length) {
    io.out(p.bold('Unexplained symptoms (no finding accounts for them):'));
    for (const s of r.unexplained) io.out(`  - ${s.text}`);
    io.out('');
  }
  io.out(p.bold('Not seen (blind spots):'));
  if (!r.blindSpots.length) io.out('  none');
  for (const b of r.blindSpots) io.out(`  - ${b}`);
  io.out('');
  printHealth(io, r.health);
  if (r.incident) io.out(p.dim(`\nfindings added to the timeline of ${r.incident}`));
  for (const f of written) io.out(p.dim(`wrote ${f}`));
}
