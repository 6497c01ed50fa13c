import { z } from 'zod';
import { ACCESS_ROLES } from '../../core/actor.js';
import { createToken, listTokens, revokeToken } from '../../app/manage-tokens.js';
import { printJson, table } from '../io.js';
import { oneOf, parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const createOptions = z.object({ role: oneOf(ACCESS_ROLES), name: z.string() });

export async function create(rt: Runtime, raw: unknown) {
  const o = parseOptions(createOptions, raw);
  const ctx = await rt.openContext();
  const t = await createToken(ctx, { name: o.name, role: o.role });
  if (rt.io.json) return printJson(rt.io, t);
  rt.io.out(t.token);
  rt.io.err(
    `Created ${t.role} token ${t.id} (${t.name}). It is shown once; store it now. Use it as WARROOM_TOKEN or "Authorization: Bearer <token>".`,
  );
}

export async function list(rt: Runtime) {
  const ctx = await rt.openContext();
  const tokens = await listTokens(ctx);
  if (rt.io.json) return printJson(rt.io, { tokens });
  if (!tokens.length) return rt.io.out('No tokens. Create one with "warroom token create --role responder".');
  rt.io.out(
    table(
      tokens.map((t) => [t.id, t.name, t.role, t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ? `revoked ${t.revokedAt}` : 'active']),
      ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'STATE'],
    ),
  );
}

export async function revoke(rt: Runtime, id: string) {
  const ctx = await rt.openContext();
  await revokeToken(ctx, id);
  if (rt.io.json) return printJson(rt.io, { revoked: id });
  rt.io.out(`Revoked token ${id}.`);
}
