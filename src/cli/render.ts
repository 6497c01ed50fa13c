import type { HealthReport, CheckResult } from '../checks/types.js';
import type { PostgresDiagnosis, LockNode } from '../checks/diagnose-postgres.js';
import type { RedisDiagnosis } from '../checks/diagnose-redis.js';
import { paint, table, type CliIo } from './io.js';

/** How health checks and diagnoses read: the terminal table, and the Markdown for the files written to --output-dir (health.md, triage.md, diagnose-*.md). */

const cell = (s: unknown) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function describeEvidence(c: CheckResult): string {
  const e = c.evidence;
  switch (c.kind) {
    case 'http':
      return [
        e.status !== undefined ? `HTTP ${e.status}` : '',
        (e.readiness as { status?: string } | undefined)?.status ? `status ${(e.readiness as { status: string }).status}` : '',
      ]
        .filter(Boolean)
        .join(', ');
    case 'tls':
      return e.daysLeft !== undefined ? `${e.daysLeft} days left (until ${e.validTo})` : '';
    case 'disk':
      return e.freePct !== undefined ? `${e.freePct}% free, inodes ${e.inodesFreePct ?? '?'}% free` : '';
    case 'dns':
      return Array.isArray(e.addresses) ? (e.addresses as string[]).join(', ') : '';
    case 'postgres':
      return e.serverVersion ? `PostgreSQL ${e.serverVersion}` : '';
    case 'redis':
      return e.reply ? String(e.reply) : '';
    case 'container':
      return e.status ? `${e.status}${e.health ? ` (${e.health})` : ''}, ${e.restartCount} restarts` : '';
    default:
      return '';
  }
}

export function printHealth(io: CliIo, r: HealthReport, written: string[] = []): void {
  const p = paint(io);
  const colour = (s: string) => (s === 'up' ? p.green(s) : s === 'degraded' ? p.yellow(s) : p.red(s));
  const rows: string[][] = [];
  for (const s of r.services) {
    s.checks.forEach((c, i) =>
      rows.push([
        i === 0 ? s.service : '',
        i === 0 ? colour(s.state) : '',
        c.kind,
        c.target,
        `${c.latencyMs} ms`,
        c.error ?? describeEvidence(c),
      ]),
    );
  }
  io.out(table(rows, ['SERVICE', 'STATE', 'CHECK', 'TARGET', 'LATENCY', 'EVIDENCE']));
  io.out(`\n${colour(r.state)}: ${r.counts.up} up, ${r.counts.degraded} degraded, ${r.counts.down} down in ${r.durationMs} ms`);
  if (r.skipped.length) io.out(p.dim(`not checked (no probes): ${r.skipped.join(', ')}`));
  for (const f of written) io.out(p.dim(`wrote ${f}`));
}

export function healthMarkdown(r: HealthReport): string {
  const lines = [
    '# Health report',
    '',
    `- Checked: ${r.startedAt} (${r.durationMs} ms, timeout ${r.timeoutMs} ms per check, deadline ${r.deadlineMs} ms)`,
    `- Overall: **${r.state}** — ${r.counts.up} up, ${r.counts.degraded} degraded, ${r.counts.down} down`,
    '',
    '| Service | State | Check | Target | Latency | Evidence / error |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of r.services)
    for (const c of s.checks)
      lines.push(
        `| ${cell(s.service)} | ${s.state} | ${c.kind} | ${cell(c.target)} | ${c.latencyMs} ms | ${cell(c.error ?? describeEvidence(c))} |`,
      );
  if (r.skipped.length) lines.push('', `Not checked (no probes configured): ${r.skipped.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function lockLines(n: LockNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const wait = n.waitingFor
    ? ` waits ${n.waitingFor.waitS ?? '?'} s for ${n.waitingFor.mode} on ${n.waitingFor.relation ?? n.waitingFor.locktype}`
    : ` ${n.state ?? ''}, transaction open ${n.xactAgeS ?? '?'} s`;
  out.push(`${pad}- pid ${n.pid} (${n.application ?? 'no app'} as ${n.user ?? '?'})${wait}: \`${n.query ?? ''}\``);
  for (const c of n.blocks) lockLines(c, depth + 1, out);
}

export function lockTreeLines(tree: LockNode[]): string[] {
  const out: string[] = [];
  for (const r of tree) lockLines(r, 0, out);
  return out;
}

export function postgresMarkdown(d: PostgresDiagnosis): string {
  const lines = ['# PostgreSQL diagnosis', '', `Target: ${d.target}`, '', ...d.summary.map((s) => `- ${s}`)];
  if (d.lockTree.length) lines.push('', '## Lock tree (root blockers first)', '', ...lockTreeLines(d.lockTree));
  if (d.longQueries.length) {
    lines.push('', '## Long-running queries', '', '| pid | duration | state | wait | query |', '|---|---|---|---|---|');
    for (const q of d.longQueries)
      lines.push(
        `| ${q.pid} | ${q.queryAgeS} s | ${q.state} | ${cell([q.waitEventType, q.waitEvent].filter(Boolean).join(':'))} | \`${cell(q.query)}\` |`,
      );
  }
  if (d.idleInTransaction.length) {
    lines.push(
      '',
      '## Idle in transaction',
      '',
      '| pid | idle for | transaction age | application | last query |',
      '|---|---|---|---|---|',
    );
    for (const q of d.idleInTransaction)
      lines.push(`| ${q.pid} | ${q.stateAgeS} s | ${q.xactAgeS} s | ${cell(q.application)} | \`${cell(q.query)}\` |`);
  }
  if (d.connectionsByClient.length) {
    lines.push('', '## Connections by client', '', '| application | user | state | count |', '|---|---|---|---|');
    for (const c of d.connectionsByClient) lines.push(`| ${cell(c.application)} | ${cell(c.user)} | ${cell(c.state)} | ${c.count} |`);
  }
  lines.push('', '## Facts', '', '```json', JSON.stringify(d.facts, null, 2), '```');
  return `${lines.join('\n')}\n`;
}

export function redisMarkdown(d: RedisDiagnosis): string {
  const lines = ['# Redis diagnosis', '', `Target: ${d.target}`, '', ...d.summary.map((s) => `- ${s}`)];
  if (d.slowlog.length) {
    lines.push('', '## SLOWLOG (slowest first)', '', '| id | at | duration | command | client |', '|---|---|---|---|---|');
    for (const e of d.slowlog) lines.push(`| ${e.id} | ${e.at} | ${e.durationUs} µs | \`${cell(e.command)}\` | ${cell(e.client)} |`);
  }
  lines.push('', '## Facts', '', '```json', JSON.stringify(d.facts, null, 2), '```');
  return `${lines.join('\n')}\n`;
}

export function genericMarkdown(title: string, summary: string[], facts: unknown): string {
  return `${[`# ${title}`, '', ...summary.map((s) => `- ${s}`), '', '## Facts', '', '```json', JSON.stringify(facts, null, 2), '```'].join('\n')}\n`;
}
