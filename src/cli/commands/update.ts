import { z } from 'zod';
import { parseIncidentId, parseStatus } from '../../core/incident.js';
import { validation } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import { backendFor } from '../backend.js';
import { paint, printJson } from '../io.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

/** Without a text the update says nothing: each names what it must say. */
const required = (field: string, what: string) =>
  z
    .string()
    .optional()
    .transform((v) => {
      if (!v) throw validation(`--${field} is required: ${what}`, field);
      return v;
    });

const options = z.object({
  findings: required('findings', 'what we know now'),
  actions: required('actions', 'what we are doing'),
  status: z
    .string()
    .optional()
    .transform((v) => (v ? parseStatus(v) : null)),
  public: z.string().optional(),
  eta: z.string().optional(),
  dryRun: z.boolean().optional(),
});

/** --json shape: { incident, entries, delivery } — or { dryRun: true, incident: id, messages, statusPage, nextUpdateDueAt }. */
export async function run(rt: Runtime, id: string, raw: unknown) {
  const o = parseOptions(options, raw);
  const input = {
    status: o.status,
    findings: o.findings,
    actions: o.actions,
    public: o.public ?? null,
    eta: o.eta ?? null,
    dry_run: !!o.dryRun,
  };
  const incidentId = parseIncidentId(id);
  const result = await (await backendFor(rt)).postUpdate(incidentId, input);
  const p = paint(rt.io);
  if (result.plan) {
    if (rt.io.json) return printJson(rt.io, { dryRun: true, incident: incidentId, ...result.plan });
    const lines = [p.yellow('Dry run: nothing was written or sent.')];
    if (!result.plan.messages.length)
      lines.push('No channel is configured (channels: in warroom.yaml): the update would only go on the timeline.');
    for (const m of result.plan.messages)
      lines.push(`${p.bold(`→ ${m.channel}${m.target === 'webhook' ? '' : ` ${m.target}`}`)} (${m.kind})\n${indent(m.text)}`);
    for (const s of result.plan.statusPage) lines.push(`${p.bold(`→ status page [${s.state}]`)} ${s.title}\n${indent(s.text)}`);
    if (result.plan.nextUpdateDueAt) lines.push(`Next update would be due ${result.plan.nextUpdateDueAt}`);
    rt.io.out(redactText(lines.join('\n')));
    return;
  }
  if (rt.io.json)
    return printJson(rt.io, {
      incident: result.incident,
      entries: result.entries,
      delivery: result.delivery ?? null,
      ...(result.outbox && { outbox: result.outbox }),
    });
  const inc = result.incident!;
  const lines = [`Posted update on ${inc.id} (${inc.status}). Next update due ${inc.derived.nextUpdateDueAt ?? 'never (resolved)'}.`];
  if (result.delivery) {
    const d = result.delivery;
    if (!d.sent.length && !d.queued.length && !d.dead.length) lines.push('No channel is configured: the update is on the timeline only.');
    else {
      if (d.sent.length)
        lines.push(
          `Delivered ${d.sent.length}: ${[...new Set(d.sent.map((i) => `${i.channel}${i.target === 'webhook' ? '' : ` ${i.target}`}`))].join(', ')}`,
        );
      for (const i of d.queued)
        lines.push(p.yellow(`Queued #${i.id} ${i.channel}: ${i.lastError ?? 'not sent yet'} (retried by "warroom serve")`));
      for (const i of d.dead) lines.push(p.red(`Failed #${i.id} ${i.channel}: ${i.lastError ?? ''} (see "warroom outbox")`));
    }
  } else if (result.outbox) {
    lines.push(`The server queued ${result.outbox.length} message${result.outbox.length === 1 ? '' : 's'} for delivery.`);
  }
  rt.io.out(redactText(lines.join('\n')));
}

const indent = (t: string) =>
  t
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
