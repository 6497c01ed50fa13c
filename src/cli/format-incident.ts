import { formatDuration } from '../core/time.js';
import type { IncidentDetail, IncidentView } from '../app/list-incidents.js';
import type { TimelineEntry } from '../core/incident.js';
import type { ChangeResult } from './backend.js';
import { paint, printJson, table, type CliIo } from './io.js';

const short = (iso: string) => iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

export function severityLabel(io: CliIo, sev: string): string {
  const p = paint(io);
  return sev === 'SEV1' ? p.bold(p.red(sev)) : sev === 'SEV2' ? p.red(sev) : sev === 'SEV3' ? p.yellow(sev) : p.cyan(sev);
}

export function dueLabel(io: CliIo, inc: IncidentView, now = Date.now()): string {
  const p = paint(io);
  if (!inc.derived.nextUpdateDueAt) return '-';
  const ms = Date.parse(inc.derived.nextUpdateDueAt) - now;
  return ms < 0 ? p.red(`overdue ${formatDuration(-ms)}`) : `in ${formatDuration(ms)}`;
}

export function printIncidentList(io: CliIo, list: IncidentView[]): void {
  if (io.json) return printJson(io, { incidents: list });
  if (list.length === 0) return io.out('No incidents. (Use --all to include resolved ones.)');
  io.out(
    table(
      list.map((i) => [
        i.id,
        severityLabel(io, i.severity),
        i.status,
        i.roles.commander ?? '-',
        formatDuration(i.derived.durationMs),
        dueLabel(io, i),
        i.title,
      ]),
      ['ID', 'SEV', 'STATUS', 'COMMANDER', 'AGE', 'NEXT UPDATE', 'TITLE'],
    ),
  );
}

export function printTimeline(io: CliIo, entries: TimelineEntry[]): void {
  const p = paint(io);
  for (const e of entries) {
    io.out(
      `${p.dim(short(e.at))}  ${p.cyan(e.kind.padEnd(15))} ${e.author}: ${e.text}${e.corrects ? p.dim(` (corrects #${e.corrects})`) : ''} ${p.dim(`#${e.id}`)}`,
    );
  }
}

export function printIncident(io: CliIo, d: IncidentDetail): void {
  if (io.json) return printJson(io, d);
  const p = paint(io);
  io.out(`${p.bold(d.id)}  ${severityLabel(io, d.severity)}  ${p.bold(d.title)}`);
  const rows: string[][] = [
    ['Status', d.status],
    ['Commander', d.roles.commander ?? p.yellow('none — run "warroom ack ' + d.id + '"')],
    ...(d.roles.comms_lead ? [['Comms lead', d.roles.comms_lead]] : []),
    ...(d.roles.scribe ? [['Scribe', d.roles.scribe]] : []),
    ...(d.roles.responders.length ? [['Responders', d.roles.responders.join(', ')]] : []),
    ['Declared', `${short(d.declaredAt)} by ${d.createdBy} (${formatDuration(d.derived.durationMs)}${d.resolvedAt ? '' : ' ago'})`],
    ...(d.impact ? [['Impact', d.impact]] : []),
    ...(d.services.length ? [['Services', d.services.join(', ')]] : []),
    ['Next update', dueLabel(io, d)],
    [
      'Response',
      d.derived.responseTargetMet === null
        ? 'awaiting acknowledgement'
        : d.derived.responseTargetMet
          ? `met (ack in ${formatDuration(d.derived.timeToAcknowledgeMs!)})`
          : p.red(
              d.derived.timeToAcknowledgeMs === null
                ? 'target missed, still unacknowledged'
                : `missed (ack in ${formatDuration(d.derived.timeToAcknowledgeMs)})`,
            ),
    ],
    ...(d.resolvedAt ? [['Resolved', `${short(d.resolvedAt)}${d.summary ? ` — ${d.summary}` : ''}`]] : []),
  ];
  io.out(table(rows.map(([k, v]) => [p.dim(k), v])));
  io.out('');
  io.out(p.bold('Timeline'));
  printTimeline(io, d.timeline);
}

/** After a change: JSON is the full result; humans get one line per new timeline entry. */
export function printChange(io: CliIo, r: ChangeResult, headline?: string): void {
  if (io.json) return printJson(io, r);
  if (headline) io.out(headline);
  printTimeline(io, r.entries);
}
