import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validation } from '../../core/errors.js';
import { formatDuration } from '../../core/time.js';
import type { BlamelessWarning } from '../../core/blameless.js';
import type { PostmortemModel } from '../../core/postmortem.js';
import { paint, printJson, table, type CliIo } from '../io.js';
import type { Runtime } from '../runtime.js';

export interface PostmortemOptions {
  outputDir: string;
  format?: string;
  file?: string;
  overdue?: boolean;
  dryRun?: boolean;
}

/** The post-mortem commands read and write the local store (or $DATABASE_URL); the API serves remote clients. */
export function requireLocal(rt: Runtime, command: string): void {
  if (rt.serverUrl()) throw validation(`--server: "warroom ${command}" works on the store directly (set DATABASE_URL to share PostgreSQL with the server); over HTTP use the API (see docs/postmortem.md)`, 'server');
}

export function printWarnings(io: CliIo, warnings: BlamelessWarning[]): void {
  if (!warnings.length) return;
  const p = paint(io);
  io.err(p.yellow(`Blameless check: ${warnings.length} sentence${warnings.length > 1 ? 's' : ''} may read as blaming a person (a suggestion, nothing was blocked):`));
  for (const w of warnings) io.err(`  ${w.field}: "${w.sentence}" — ${w.reason}`);
  io.err(`  ${warnings[0].suggestion}`);
}

const missingPrompts = (m: PostmortemModel) => [
  ...m.sections.filter((s) => s.content === null).map((s) => s.key),
  ...(m.postmortem.level === 'full' && m.whys.length === 0 ? ['whys'] : []),
  ...(m.actionItems.length === 0 ? ['action_items'] : []),
];

/** Reads section text from --file (or "-" for standard input), else the positional text. */
function readText(rt: Runtime, text: string | undefined, file: string | undefined): string {
  if (file !== undefined) {
    if (text !== undefined) throw validation('file: give the text or --file, not both', 'file');
    try {
      return file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(rt.io.cwd, file), 'utf8');
    } catch (e) {
      throw validation(`file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'file');
    }
  }
  if (text === undefined) throw validation('text: give the section text, or --file PATH (use --file - for standard input)', 'text');
  return text;
}

export async function run(rt: Runtime, id: string, verb: string | undefined, args: string[], o: PostmortemOptions) {
  requireLocal(rt, 'postmortem');
  if (id === 'list') return list(rt, o);
  if (id === 'remind') return remind(rt, o);
  const ctx = await rt.openContext();
  const io = rt.io;
  const p = paint(io);
  const v = (verb ?? 'generate').toLowerCase();
  const expectArgs = (n: number, usage: string) => {
    if (args.length !== n) throw validation(`usage: warroom postmortem ${id} ${v} ${usage}`, 'args');
  };
  switch (v) {
    case 'generate': {
      expectArgs(0, '[--output-dir DIR] [--format md,html,json,pdf]');
      const { generatePostmortem, configDir } = await import('../../app/generate-postmortem.js');
      const r = await generatePostmortem(ctx, id, { outputDir: resolve(io.cwd, o.outputDir), format: o.format, baseDir: configDir(rt.config().path, io.cwd), env: io.env });
      const prompts = missingPrompts(r.model);
      if (io.json) return printJson(io, { incidentId: r.incidentId, state: r.state, level: r.level, created: r.created, dueAt: r.dueAt, template: r.template, files: r.files, prompts, warnings: r.warnings });
      io.out(`${r.created ? 'Started' : 'Updated'} the ${r.level} post-mortem of ${r.incidentId} (${r.state.replace('_', ' ')}${r.dueAt ? `, due ${r.dueAt}${r.model.postmortem.overdue ? ` — ${p.red('overdue')}` : ''}` : ''}):`);
      for (const f of r.files) io.out(`  ${f.path}`);
      if (prompts.length) io.out(`Still to write: ${prompts.map((k) => k.replace(/_/g, '-')).join(', ')} (warroom postmortem ${r.incidentId} set SECTION --file FILE).`);
      printWarnings(io, r.warnings);
      return;
    }
    case 'show': {
      expectArgs(0, '');
      const { loadPostmortemModel } = await import('../../app/generate-postmortem.js');
      const m = await loadPostmortemModel(ctx, id);
      if (io.json) return printJson(io, { schema: 'warroom.postmortem/v1', ...m });
      io.out(`${p.bold(`${m.incident.id} ${m.incident.title}`)} — ${m.postmortem.level} review, ${m.postmortem.state.replace('_', ' ')}${m.postmortem.required ? '' : ' (optional for this severity)'}`);
      if (m.postmortem.dueAt) io.out(`Due ${m.postmortem.dueAt}${m.postmortem.overdue ? ` ${p.red('(overdue)')}` : ''}`);
      io.out(`TTD ${m.durations.ttd.text} · TTA ${m.durations.tta.text} · TTM ${m.durations.ttm.text} · TTR ${m.durations.ttr.text} · ${m.timeline.length} timeline entries`);
      io.out(table(m.sections.map((s) => [s.key.replace(/_/g, '-'), s.content === null ? p.yellow('to write') : s.source === 'record' ? 'from the record' : 'written']), ['SECTION', 'STATE']));
      io.out(`Five Whys: ${m.whys.length} step${m.whys.length === 1 ? '' : 's'}${m.whys.length ? '' : m.postmortem.level === 'full' ? p.yellow(' (to write)') : ''}`);
      m.whys.forEach((w, i) => io.out(`  ${i + 1}. ${w.why} → ${w.because}`));
      io.out(`Action items: ${m.actionItems.length} (${m.actionItems.filter((a) => a.status === 'open').length} open, ${m.actionItems.filter((a) => a.overdue).length} overdue)`);
      printWarnings(io, m.warnings);
      return;
    }
    case 'set': {
      if (args.length < 1 || args.length > 2) throw validation(`usage: warroom postmortem ${id} set SECTION "text" (or --file PATH)`, 'args');
      const { setPostmortemSection } = await import('../../app/edit-postmortem.js');
      const r = await setPostmortemSection(ctx, id, args[0], { text: readText(rt, args[1], o.file) });
      if (io.json) return printJson(io, r);
      io.out(`Saved ${args[0]} of the ${r.postmortem.incidentId} post-mortem (${r.postmortem.state.replace('_', ' ')}).`);
      printWarnings(io, r.warnings);
      return;
    }
    case 'add-why': {
      expectArgs(2, '"Why did …?" "Because …"');
      const { addPostmortemWhy } = await import('../../app/edit-postmortem.js');
      const r = await addPostmortemWhy(ctx, id, { why: args[0], because: args[1] });
      if (io.json) return printJson(io, r);
      io.out(`Five Whys of ${r.postmortem.incidentId}:`);
      r.postmortem.whys.forEach((w, i) => io.out(`  ${i + 1}. ${w.why} → ${w.because}`));
      printWarnings(io, r.warnings);
      return;
    }
    case 'remove-why': {
      expectArgs(1, 'N');
      const n = Number(args[0]);
      const { removePostmortemWhy } = await import('../../app/edit-postmortem.js');
      const r = await removePostmortemWhy(ctx, id, n);
      if (io.json) return printJson(io, r);
      io.out(`Removed step ${n}; ${r.postmortem.whys.length} left.`);
      return;
    }
    case 'submit': {
      expectArgs(0, '');
      const { submitPostmortem } = await import('../../app/edit-postmortem.js');
      const r = await submitPostmortem(ctx, id);
      if (io.json) return printJson(io, r);
      io.out(`The ${r.postmortem.incidentId} post-mortem is in review. A commander publishes it with "warroom postmortem ${r.postmortem.incidentId} publish".`);
      return;
    }
    case 'publish': {
      expectArgs(0, '');
      const { publishPostmortem } = await import('../../app/edit-postmortem.js');
      const r = await publishPostmortem(ctx, id);
      if (io.json) return printJson(io, r);
      io.out(`Published the ${r.postmortem.incidentId} post-mortem${r.notified ? `; the summary is queued to ${r.notified} post-incident channel${r.notified > 1 ? 's' : ''}` : '; no post-incident channel is configured (see docs/coordination.md)'}.`);
      return;
    }
    default:
      throw validation(`verb: unknown "${verb}" (expected generate, show, set, add-why, remove-why, submit or publish)`, 'verb');
  }
}

async function list(rt: Runtime, o: PostmortemOptions) {
  const ctx = await rt.openContext();
  const { listPostmortemReviews } = await import('../../app/generate-postmortem.js');
  const rows = await listPostmortemReviews(ctx, { overdue: o.overdue });
  if (rt.io.json) return printJson(rt.io, { postmortems: rows });
  if (!rows.length) return rt.io.out(o.overdue ? 'No overdue post-mortems.' : 'No post-mortems yet. Start one with "warroom postmortem INC-ID".');
  const p = paint(rt.io);
  rt.io.out(table(rows.map((r) => [r.incidentId, r.severity ?? '', r.state.replace('_', ' '), r.level, r.dueAt ? (r.overdue ? p.red(`${r.dueAt} (overdue)`) : r.dueAt) : '-', r.title]), ['INCIDENT', 'SEV', 'STATE', 'LEVEL', 'DUE', 'TITLE']));
}

async function remind(rt: Runtime, o: PostmortemOptions) {
  const ctx = await rt.openContext();
  const { remindOverdue } = await import('../../app/remind-overdue.js');
  const r = await remindOverdue(ctx, { dryRun: !!o.dryRun });
  if (rt.io.json) return printJson(rt.io, r);
  if (!r.reviews.length && !r.actionItems.length) return rt.io.out('Nothing overdue to remind (each item is reminded at most once a day).');
  for (const x of r.reviews) rt.io.out(`${r.dryRun ? 'Would remind' : 'Reminded'} ${x.commander ?? 'the incident commander'}: post-mortem of ${x.incidentId} overdue by ${formatDuration(x.overdueMs)} (${x.state})`);
  for (const x of r.actionItems) rt.io.out(`${r.dryRun ? 'Would remind' : 'Reminded'} ${x.commander ?? 'the incident commander'}: action item #${x.id} "${x.title}" (${x.owner}) was due ${x.dueDate}`);
}
