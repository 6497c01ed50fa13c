import { z } from 'zod';
import { redactText } from '../../core/redact.js';
import { CHANNELS, OUTBOX_STATUSES } from '../../core/outbox.js';
import { backendFor } from '../backend.js';
import { paint, printJson, table } from '../io.js';
import { oneOf, parseOptions, wholeNumber } from '../options.js';
import type { Runtime } from '../runtime.js';

const listOptions = z.object({
  status: oneOf([...OUTBOX_STATUSES, 'all']).optional(),
  incident: z.string().optional(),
  channel: oneOf(CHANNELS).optional(),
  limit: wholeNumber('limit', 1, 1000, (v) => `--limit: "${v}" is not a number from 1 to 1000`).optional(),
});

/** `warroom outbox [list]` — --json: { counts: {pending, sent, dead}, items: OutboxItem[] }. */
export async function list(rt: Runtime, raw: unknown) {
  const o = parseOptions(listOptions, raw);
  const r = await (await backendFor(rt)).listOutbox({ status: o.status, incident: o.incident, channel: o.channel, limit: o.limit });
  if (rt.io.json) return printJson(rt.io, r);
  const p = paint(rt.io);
  const c = r.counts;
  rt.io.out(`Outbox: ${c.pending} pending, ${c.dead ? p.red(`${c.dead} dead`) : '0 dead'}, ${c.sent} sent`);
  if (!r.items.length) {
    rt.io.out(o.status ? `No ${o.status} messages.` : 'Nothing waiting: every message was delivered.');
    return;
  }
  rt.io.out(
    table(
      r.items.map((i) => [
        `#${i.id}`,
        i.status === 'dead' ? p.red(i.status) : i.status === 'pending' ? p.yellow(i.status) : i.status,
        `${i.channel}${i.target === 'webhook' ? '' : ` ${i.target}`}`,
        i.incidentId ?? '-',
        i.kind,
        String(i.attempts),
        i.status === 'pending' ? `next ${i.nextAttemptAt}` : (i.sentAt ?? ''),
        redactText(i.lastError ?? i.summary).slice(0, 80),
      ]),
      ['ID', 'STATUS', 'CHANNEL', 'INCIDENT', 'KIND', 'TRIES', 'WHEN', 'LAST ERROR / SUMMARY'],
    ),
  );
  if (c.dead) rt.io.out(`Retry a dead message after fixing its channel: warroom outbox retry ID`);
}

/** `warroom outbox retry ID` — --json: the OutboxItem after the retry was scheduled (and, locally, attempted). */
export async function retry(rt: Runtime, id: string) {
  const item = await (await backendFor(rt)).retryOutbox(id);
  if (rt.io.json) return printJson(rt.io, item);
  const p = paint(rt.io);
  if (item.status === 'sent') rt.io.out(p.green(`#${item.id} delivered to ${item.channel}.`));
  else if (item.status === 'dead') rt.io.out(p.red(`#${item.id} failed again: ${redactText(item.lastError ?? '')}`));
  else rt.io.out(`#${item.id} is queued for delivery${item.lastError ? ` (last error: ${redactText(item.lastError)})` : ''}.`);
  return item.status === 'dead' ? 1 : 0;
}
