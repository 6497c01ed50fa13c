import { parseIncidentId, parseStatus } from '../../core/incident.js';
import { validation } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import { paint, printJson } from '../io.js';
import { callServer } from '../coordination-client.js';
import type { Runtime } from '../runtime.js';
import type { UpdatePlanView } from '../../app/post-update.js';
import type { IncidentView } from '../../app/list-incidents.js';
import type { TimelineEntry } from '../../core/incident.js';
import type { DeliveryReport } from '../../runtime/cli-delivery.js';
import type { OutboxItem } from '../../notify/outbox.js';

interface Options { status?: string; findings?: string; actions?: string; public?: string; eta?: string; dryRun?: boolean }

/** --json shape: { incident, entries, delivery } — or { dryRun: true, incident: id, messages, statusPage, nextUpdateDueAt }. */
export async function run(rt: Runtime, id: string, o: Options) {
  if (!o.findings) throw validation('--findings is required: what we know now', 'findings');
  if (!o.actions) throw validation('--actions is required: what we are doing', 'actions');
  const input = {
    status: o.status ? parseStatus(o.status) : null, findings: o.findings, actions: o.actions,
    public: o.public ?? null, eta: o.eta ?? null, dry_run: !!o.dryRun,
  };
  const incidentId = parseIncidentId(id);
  const server = rt.serverUrl();
  let result: { incident?: IncidentView; entries?: TimelineEntry[]; plan?: UpdatePlanView | null; delivery?: DeliveryReport | null; outbox?: OutboxItem[] };
  if (server) {
    result = await callServer(rt, server, 'POST', `/incidents/${encodeURIComponent(incidentId)}/updates`, input);
  } else {
    const ctx = await rt.openContext();
    const [{ postIncidentUpdate }, { presentChange }] = await Promise.all([import('../../app/post-update.js'), import('../../app/present-change.js')]);
    const r = await postIncidentUpdate(ctx, incidentId, input);
    if (r.plan) result = { plan: r.plan };
    else {
      const delivery = await rt.coordination!.deliverNow();
      result = { ...(await presentChange(ctx, r.event!)), delivery };
    }
  }
  const p = paint(rt.io);
  if (result.plan) {
    if (rt.io.json) return printJson(rt.io, { dryRun: true, incident: incidentId, ...result.plan });
    const lines = [p.yellow('Dry run: nothing was written or sent.')];
    if (!result.plan.messages.length) lines.push('No channel is configured (channels: in warroom.yaml): the update would only go on the timeline.');
    for (const m of result.plan.messages) lines.push(`${p.bold(`→ ${m.channel}${m.target === 'webhook' ? '' : ` ${m.target}`}`)} (${m.kind})\n${indent(m.text)}`);
    for (const s of result.plan.statusPage) lines.push(`${p.bold(`→ status page [${s.state}]`)} ${s.title}\n${indent(s.text)}`);
    if (result.plan.nextUpdateDueAt) lines.push(`Next update would be due ${result.plan.nextUpdateDueAt}`);
    rt.io.out(redactText(lines.join('\n')));
    return;
  }
  if (rt.io.json) return printJson(rt.io, { incident: result.incident, entries: result.entries, delivery: result.delivery ?? null, ...(result.outbox && { outbox: result.outbox }) });
  const inc = result.incident!;
  const lines = [`Posted update on ${inc.id} (${inc.status}). Next update due ${inc.derived.nextUpdateDueAt ?? 'never (resolved)'}.`];
  if (result.delivery) {
    const d = result.delivery;
    if (!d.sent.length && !d.queued.length && !d.dead.length) lines.push('No channel is configured: the update is on the timeline only.');
    else {
      if (d.sent.length) lines.push(`Delivered ${d.sent.length}: ${[...new Set(d.sent.map((i) => `${i.channel}${i.target === 'webhook' ? '' : ` ${i.target}`}`))].join(', ')}`);
      for (const i of d.queued) lines.push(p.yellow(`Queued #${i.id} ${i.channel}: ${i.lastError ?? 'not sent yet'} (retried by "warroom serve")`));
      for (const i of d.dead) lines.push(p.red(`Failed #${i.id} ${i.channel}: ${i.lastError ?? ''} (see "warroom outbox")`));
    }
  } else if (result.outbox) {
    lines.push(`The server queued ${result.outbox.length} message${result.outbox.length === 1 ? '' : 's'} for delivery.`);
  }
  rt.io.out(redactText(lines.join('\n')));
}

const indent = (t: string) => t.split('\n').map((l) => `    ${l}`).join('\n');
