import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { ACCESS_ROLES } from '../../core/actor.js';
import { addUser, listUsers, removeUser } from '../../app/manage-users.js';
import { printJson, table } from '../io.js';
import { oneOf, parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const addOptions = z.object({ role: oneOf(ACCESS_ROLES), passwordStdin: z.boolean().optional() });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function add(rt: Runtime, name: string, raw: unknown) {
  const o = parseOptions(addOptions, raw);
  const password = o.passwordStdin ? await readStdin() : rt.io.env.WARROOM_PASSWORD;
  if (!password)
    throw validation(
      'password: give it on standard input with --password-stdin, or in $WARROOM_PASSWORD (never as an argument, where ps would show it)',
      'password',
    );
  const ctx = await rt.openContext();
  const u = await addUser(ctx, { name, role: o.role, password });
  if (rt.io.json) return printJson(rt.io, u);
  rt.io.out(`Added user ${u.name} (${u.role}).`);
}

export async function list(rt: Runtime) {
  const ctx = await rt.openContext();
  const users = await listUsers(ctx);
  if (rt.io.json) return printJson(rt.io, { users });
  if (!users.length) return rt.io.out('No users. Add one with "warroom user add NAME --role responder --password-stdin".');
  rt.io.out(
    table(
      users.map((u) => [u.name, u.role, u.createdAt]),
      ['NAME', 'ROLE', 'CREATED'],
    ),
  );
}

export async function remove(rt: Runtime, name: string) {
  const ctx = await rt.openContext();
  await removeUser(ctx, name);
  if (rt.io.json) return printJson(rt.io, { removed: name });
  rt.io.out(`Removed user ${name}.`);
}
