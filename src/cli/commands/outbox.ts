import { validation } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import { paint, printJson, table } from '../io.js';
import { callServer } from '../coordination-client.js';
import type { Runtime } from '../runtime.js';
import type { OutboxListing } from '../../app/manage-outbox.js';
import type { OutboxItem } from '../../notify/outbox.js';

interface ListOptions { status?: string; incident?: string; channel?: string; limit?: string }

/** `warroom outbox [list]` — --json: { counts: {pending, sent, dead}, items: OutboxItem[] }. */
export async function list(rt: Runtime, o: ListOptions) {
  const limit = o.limit === undefined ? undefined : Number(o.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) throw validation(`--limit: "${o.limit}" is not a number from 1 to 1000`, 'limit');
  const filter = { status: o.status as never, incident: o.incident, channel: o.channel as never, limit };
  const server = rt.serverUrl();
  let r: OutboxListing;
  if (server) {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string]));
    r = await callServer(rt, server, 'GET', `/outbox${q.size ? `?${q}` : ''}`);
  } else {
    const { listOutboxMessages } = await import('../../app/manage-outbox.js');
    r = await listOutboxMessages(await rt.openContext(), filter);
  }
  if (rt.io.json) return printJson(rt.io, r);
  const p = paint(rt.io);
  const c = r.counts;
  rt.io.out(`Outbox: ${c.pending} pending, ${c.dead ? p.red(`${c.dead} dead`) : '0 dead'}, ${c.sent} sent`);
  if (!r.items.length) {
    rt.io.out(o.status ? `No ${o.status} messages.` : 'Nothing waiting: every message was delivered.');
    return;
  }
  rt.io.out(table(r.items.map((i) => [
    `#${i.id}`, i.status === 'dead' ? p.red(i.status) : i.status === 'pending' ? p.yellow(i.status) : i.status, `${i.channel}${i.target === 'webhook' ? '' : ` ${i.target}`}`,
    i.incidentId ?? '-', i.kind, String(i.attempts), i.status === 'pending' ? `next ${i.nextAttemptAt}` : i.sentAt ?? '', redactText(i.lastError ?? i.summary).slice(0, 80),
  ]), ['ID', 'STATUS', 'CHANNEL', 'INCIDENT', 'KIND', 'TRIES', 'WHEN', 'LAST ERROR / SUMMARY']));
  if (c.dead) rt.io.out(`Retry a dead message after fixing its channel: warroom outbox retry ID`);
}

/** `warroom outbox retry ID` — --json: the OutboxItem after the retry was scheduled (and, locally, attempted). */
export async function retry(rt: Runtime, id: string) {
  const server = rt.serverUrl();
  let item: OutboxItem;
  if (server) {
    item = await callServer(rt, server, 'POST', `/outbox/${encodeURIComponent(id)}/retry`, {});
  } else {
    const [{ retryOutboxMessage }, { OutboxWorker }, { coordinationSettings }] = await Promise.all([import('../../app/manage-outbox.js'), import('../../notify/outbox-worker.js'), import('../../notify/settings.js')]);
    const ctx = await rt.openContext();
    item = await retryOutboxMessage(ctx, id);
    // Without a server nothing else would send it: try now, in lane order, within the CLI wait.
    const [after] = await new OutboxWorker({ store: ctx.store, config: ctx.config }).drain([item.id], coordinationSettings(ctx.config).cliWaitMs);
    item = after;
  }
  if (rt.io.json) return printJson(rt.io, item);
  const p = paint(rt.io);
  if (item.status === 'sent') rt.io.out(p.green(`#${item.id} delivered to ${item.channel}.`));
  else if (item.status === 'dead') rt.io.out(p.red(`#${item.id} failed again: ${redactText(item.lastError ?? '')}`));
  else rt.io.out(`#${item.id} is queued for delivery${item.lastError ? ` (last error: ${redactText(item.lastError)})` : ''}.`);
  return item.status === 'dead' ? 1 : 0;
}
