import { z } from 'zod';
import { ACTION_KINDS } from '../../core/postmortem.js';
import { paint, printJson, table } from '../io.js';
import type { Runtime } from '../runtime.js';
import type { ActionItemView } from '../../app/manage-action-items.js';
import { backendFor } from '../backend.js';
import { oneOf, parseOptions } from '../options.js';

// The due date is checked by the use case (or the server): a date, today or later.
const addOptions = z.object({ owner: z.string(), due: z.string(), kind: oneOf(ACTION_KINDS).default('fix') });
const listOptions = z.object({
  overdue: z.boolean().optional(),
  owner: z.string().optional(),
  incident: z.string().optional(),
  all: z.boolean().optional(),
  done: z.boolean().optional(),
});

const row = (io: Runtime['io'], a: ActionItemView) => {
  const p = paint(io);
  return [String(a.id), a.incidentId, a.kind, a.owner, a.overdue ? p.red(`${a.dueDate} overdue`) : a.dueDate, a.status, a.title];
};

export async function add(rt: Runtime, incident: string, title: string, raw: unknown) {
  const o = parseOptions(addOptions, raw);
  const a = await (await backendFor(rt)).addAction(incident, { title, owner: o.owner, due: o.due, kind: o.kind });
  if (rt.io.json) return printJson(rt.io, a);
  rt.io.out(`Added action item #${a.id} to ${a.incidentId}: ${a.title} (${a.kind}, ${a.owner}, due ${a.dueDate}).`);
}

export async function list(rt: Runtime, raw: unknown) {
  const o = parseOptions(listOptions, raw);
  const items = await (
    await backendFor(rt)
  ).listActions({ overdue: !!o.overdue, owner: o.owner, incident: o.incident, status: o.all ? 'all' : o.done ? 'done' : 'open' });
  if (rt.io.json) return printJson(rt.io, { actionItems: items });
  if (!items.length)
    return rt.io.out(
      o.overdue
        ? 'No overdue action items.'
        : 'No action items. Add one with "warroom action add INC-ID "..." --owner NAME --due YYYY-MM-DD".',
    );
  rt.io.out(
    table(
      items.map((a) => row(rt.io, a)),
      ['ID', 'INCIDENT', 'KIND', 'OWNER', 'DUE', 'STATUS', 'ACTION'],
    ),
  );
}

export async function done(rt: Runtime, id: string) {
  const a = await (await backendFor(rt)).doneAction(id);
  if (rt.io.json) return printJson(rt.io, a);
  rt.io.out(`Action item #${a.id} of ${a.incidentId} is done: ${a.title}.`);
}
