import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isWarroomError, validation } from '../../core/errors.js';
import { formatDuration } from '../../core/time.js';
import type { PostmortemModel } from '../../core/postmortem.js';
import { paint, printJson, table } from '../io.js';
import { printWarnings } from '../format-postmortem.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';
import { backendFor, type Backend } from '../backend.js';
import { configDir } from '../../app/generate-postmortem.js';
import { loadTemplate } from '../../postmortem/template.js';
import { parseFormats, writeOutputs } from '../../postmortem/write-outputs.js';

// The formats are parsed by parseFormats when a draft is written (generate), which names the bad one.
const options = z.object({
  outputDir: z.string(),
  format: z.string().optional(),
  file: z.string().optional(),
  overdue: z.boolean().optional(),
  dryRun: z.boolean().optional(),
});
type PostmortemOptions = z.output<typeof options>;

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

export async function run(rt: Runtime, id: string, verb: string | undefined, args: string[], raw: unknown) {
  const o = parseOptions(options, raw);
  const backend = await backendFor(rt);
  if (id === 'list') return list(rt, backend, o);
  if (id === 'remind') return remind(rt, backend, o);
  const io = rt.io;
  const p = paint(io);
  const v = (verb ?? 'generate').toLowerCase();
  const expectArgs = (n: number, usage: string) => {
    if (args.length !== n) throw validation(`usage: warroom postmortem ${id} ${v} ${usage}`, 'args');
  };
  switch (v) {
    case 'generate': {
      expectArgs(0, '[--output-dir DIR] [--format md,html,json,pdf]');
      // The same steps local and remote: start the review, read the model, render with this machine's template.
      const formats = parseFormats(o.format);
      // A viewer may render the draft without starting the review (which needs the responder role).
      const created = await backend.ensure(id).then(
        (r) => r.created,
        (e: unknown) => {
          if (isWarroomError(e) && e.code === 'FORBIDDEN') return false;
          throw e;
        },
      );
      const model = await backend.model(id);
      const template = loadTemplate(model.postmortem.level, rt.config().config, configDir(rt.config().path, io.cwd));
      const files = await writeOutputs(model, {
        dir: resolve(io.cwd, o.outputDir),
        stem: `${model.incident.id}-post-mortem`,
        formats,
        template: template.text,
        env: io.env,
      });
      const r = {
        incidentId: model.incident.id,
        state: model.postmortem.state,
        level: model.postmortem.level,
        created,
        dueAt: model.postmortem.dueAt,
        template: template.path,
        files,
        warnings: model.warnings,
        model,
      };
      const prompts = missingPrompts(r.model);
      if (io.json)
        return printJson(io, {
          incidentId: r.incidentId,
          state: r.state,
          level: r.level,
          created: r.created,
          dueAt: r.dueAt,
          template: r.template,
          files: r.files,
          prompts,
          warnings: r.warnings,
        });
      io.out(
        `${r.created ? 'Started' : 'Updated'} the ${r.level} post-mortem of ${r.incidentId} (${r.state.replace('_', ' ')}${r.dueAt ? `, due ${r.dueAt}${r.model.postmortem.overdue ? ` — ${p.red('overdue')}` : ''}` : ''}):`,
      );
      for (const f of r.files) io.out(`  ${f.path}`);
      if (prompts.length)
        io.out(
          `Still to write: ${prompts.map((k) => k.replace(/_/g, '-')).join(', ')} (warroom postmortem ${r.incidentId} set SECTION --file FILE).`,
        );
      printWarnings(io, r.warnings);
      return;
    }
    case 'show': {
      expectArgs(0, '');
      const m = await backend.model(id);
      if (io.json) return printJson(io, { schema: 'warroom.postmortem/v1', ...m });
      io.out(
        `${p.bold(`${m.incident.id} ${m.incident.title}`)} — ${m.postmortem.level} review, ${m.postmortem.state.replace('_', ' ')}${m.postmortem.required ? '' : ' (optional for this severity)'}`,
      );
      if (m.postmortem.dueAt) io.out(`Due ${m.postmortem.dueAt}${m.postmortem.overdue ? ` ${p.red('(overdue)')}` : ''}`);
      io.out(
        `TTD ${m.durations.ttd.text} · TTA ${m.durations.tta.text} · TTM ${m.durations.ttm.text} · TTR ${m.durations.ttr.text} · ${m.timeline.length} timeline entries`,
      );
      io.out(
        table(
          m.sections.map((s) => [
            s.key.replace(/_/g, '-'),
            s.content === null ? p.yellow('to write') : s.source === 'record' ? 'from the record' : 'written',
          ]),
          ['SECTION', 'STATE'],
        ),
      );
      io.out(
        `Five Whys: ${m.whys.length} step${m.whys.length === 1 ? '' : 's'}${m.whys.length ? '' : m.postmortem.level === 'full' ? p.yellow(' (to write)') : ''}`,
      );
      m.whys.forEach((w, i) => io.out(`  ${i + 1}. ${w.why} → ${w.because}`));
      io.out(
        `Action items: ${m.actionItems.length} (${m.actionItems.filter((a) => a.status === 'open').length} open, ${m.actionItems.filter((a) => a.overdue).length} overdue)`,
      );
      printWarnings(io, m.warnings);
      return;
    }
    case 'set': {
      if (args.length < 1 || args.length > 2)
        throw validation(`usage: warroom postmortem ${id} set SECTION "text" (or --file PATH)`, 'args');
      const r = await backend.setSection(id, args[0], readText(rt, args[1], o.file));
      if (io.json) return printJson(io, r);
      io.out(`Saved ${args[0]} of the ${r.postmortem.incidentId} post-mortem (${r.postmortem.state.replace('_', ' ')}).`);
      printWarnings(io, r.warnings);
      return;
    }
    case 'add-why': {
      expectArgs(2, '"Why did …?" "Because …"');
      const r = await backend.addWhy(id, args[0], args[1]);
      if (io.json) return printJson(io, r);
      io.out(`Five Whys of ${r.postmortem.incidentId}:`);
      r.postmortem.whys.forEach((w, i) => io.out(`  ${i + 1}. ${w.why} → ${w.because}`));
      printWarnings(io, r.warnings);
      return;
    }
    case 'remove-why': {
      expectArgs(1, 'N');
      const n = Number(args[0]);
      const r = await backend.removeWhy(id, n);
      if (io.json) return printJson(io, r);
      io.out(`Removed step ${n}; ${r.postmortem.whys.length} left.`);
      return;
    }
    case 'submit': {
      expectArgs(0, '');
      const r = await backend.submit(id);
      if (io.json) return printJson(io, r);
      io.out(
        `The ${r.postmortem.incidentId} post-mortem is in review. A commander publishes it with "warroom postmortem ${r.postmortem.incidentId} publish".`,
      );
      return;
    }
    case 'publish': {
      expectArgs(0, '');
      const r = await backend.publish(id);
      if (io.json) return printJson(io, r);
      io.out(
        `Published the ${r.postmortem.incidentId} post-mortem${r.notified ? `; the summary is queued to ${r.notified} post-incident channel${r.notified > 1 ? 's' : ''}` : '; no post-incident channel is configured (see docs/coordination.md)'}.`,
      );
      return;
    }
    default:
      throw validation(`verb: unknown "${verb}" (expected generate, show, set, add-why, remove-why, submit or publish)`, 'verb');
  }
}

async function list(rt: Runtime, backend: Backend, o: PostmortemOptions) {
  const rows = await backend.listPostmortems({ overdue: o.overdue });
  if (rt.io.json) return printJson(rt.io, { postmortems: rows });
  if (!rows.length)
    return rt.io.out(o.overdue ? 'No overdue post-mortems.' : 'No post-mortems yet. Start one with "warroom postmortem INC-ID".');
  const p = paint(rt.io);
  rt.io.out(
    table(
      rows.map((r) => [
        r.incidentId,
        r.severity ?? '',
        r.state.replace('_', ' '),
        r.level,
        r.dueAt ? (r.overdue ? p.red(`${r.dueAt} (overdue)`) : r.dueAt) : '-',
        r.title,
      ]),
      ['INCIDENT', 'SEV', 'STATE', 'LEVEL', 'DUE', 'TITLE'],
    ),
  );
}

async function remind(rt: Runtime, backend: Backend, o: PostmortemOptions) {
  const r = await backend.remind({ dryRun: !!o.dryRun });
  if (rt.io.json) return printJson(rt.io, r);
  if (!r.reviews.length && !r.actionItems.length) return rt.io.out('Nothing overdue to remind (each item is reminded at most once a day).');
  for (const x of r.reviews)
    rt.io.out(
      `${r.dryRun ? 'Would remind' : 'Reminded'} ${x.commander ?? 'the incident commander'}: post-mortem of ${x.incidentId} overdue by ${formatDuration(x.overdueMs)} (${x.state})`,
    );
  for (const x of r.actionItems)
    rt.io.out(
      `${r.dryRun ? 'Would remind' : 'Reminded'} ${x.commander ?? 'the incident commander'}: action item #${x.id} "${x.title}" (${x.owner}) was due ${x.dueDate}`,
    );
}
