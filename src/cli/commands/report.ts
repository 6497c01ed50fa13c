import { resolve } from 'node:path';
import { validation } from '../../core/errors.js';
import { paint, printJson } from '../io.js';
import type { Runtime } from '../runtime.js';
import { printWarnings } from '../format-postmortem.js';

export interface ReportCliOptions {
  title?: string;
  severity?: string;
  startTime?: string;
  endTime?: string;
  outputDir: string;
  format?: string;
  impact?: string;
  service?: string[];
  commander?: string;
}

/** The seed's generate-incident-report script: no store is opened, so it works anywhere. */
export async function run(rt: Runtime, o: ReportCliOptions) {
  for (const [k, flag] of [
    ['title', '--title'],
    ['severity', '--severity'],
    ['startTime', '--start-time'],
    ['endTime', '--end-time'],
  ] as const) {
    if (!o[k])
      throw validation(
        `${flag.slice(2)}: required (warroom report --title "..." --severity SEV2 --start-time ISO --end-time ISO --output-dir DIR)`,
        flag.slice(2).replace('-', '_'),
      );
  }
  const { config, policy, path } = rt.config();
  const { generateReport, configDir } = await import('../../app/generate-postmortem.js');
  const r = await generateReport(
    { config, policy, now: new Date(), baseDir: configDir(path, rt.io.cwd), processEnv: rt.io.env },
    {
      title: o.title!,
      severity: o.severity!,
      startTime: o.startTime!,
      endTime: o.endTime!,
      impact: o.impact,
      services: o.service,
      commander: o.commander,
      outputDir: resolve(rt.io.cwd, o.outputDir),
      format: o.format,
    },
  );
  if (rt.io.json)
    return printJson(rt.io, {
      title: r.model.incident.title,
      severity: r.model.incident.severity,
      level: r.level,
      startTime: r.model.incident.declaredAt,
      endTime: r.model.incident.resolvedAt,
      duration: r.model.durations.ttr,
      template: r.template,
      files: r.files,
    });
  rt.io.out(
    `Wrote the ${r.level} incident report "${r.model.incident.title}" (${r.model.incident.severity}, ${r.model.durations.ttr.text}):`,
  );
  for (const f of r.files) rt.io.out(`  ${f.path}`);
  rt.io.out(paint(rt.io).dim('Fill in the sections marked "To write", then share it.'));
  printWarnings(rt.io, r.warnings);
}
