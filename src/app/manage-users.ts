import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { conflict, notFound } from '../core/errors.js';
import { ACCESS_ROLES, parseInput, requireRole, type AccessRole, type Actor, type AppContext } from './context.js';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** scrypt$N$r$p$salt$hash, all base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export const addUserInputSchema = z.object({
  name: z.string().min(1).max(100).regex(/^[^\s]+$/, 'must not contain spaces'),
  role: z.enum(ACCESS_ROLES),
  password: z.string().min(10, 'must be at least 10 characters').max(1000),
}).strict();

export async function addUser(ctx: AppContext, input: z.input<typeof addUserInputSchema>): Promise<{ name: string; role: AccessRole }> {
  requireRole(ctx, 'admin', 'adding a user');
  const data = parseInput(addUserInputSchema, input);
  const existing = await ctx.store.db.selectFrom('users').select('name').where('name', '=', data.name).executeTakeFirst();
  if (existing) throw conflict(`user ${data.name} already exists`);
  await ctx.store.db.insertInto('users').values({ name: data.name, role: data.role, password_hash: await hashPassword(data.password), created_at: ctx.now().toISOString() }).execute();
  return { name: data.name, role: data.role };
}

export async function removeUser(ctx: AppContext, name: string): Promise<void> {
  requireRole(ctx, 'admin', 'removing a user');
  const r = await ctx.store.db.deleteFrom('users').where('name', '=', name).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(`user ${name} not found`);
}

export async function listUsers(ctx: AppContext): Promise<{ name: string; role: AccessRole; createdAt: string }[]> {
  requireRole(ctx, 'admin', 'listing users');
  const rows = await ctx.store.db.selectFrom('users').select(['name', 'role', 'created_at']).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, role: r.role as AccessRole, createdAt: r.created_at }));
}

/** Checks a name and password; null when either is wrong (the caller must not say which). */
export async function authenticateUser(ctx: Pick<AppContext, 'store'>, name: string, password: string): Promise<Actor | null> {
  const row = await ctx.store.db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) {
    await hashPassword(password); // same work either way, so timing does not reveal which names exist
    return null;
  }
  return (await verifyPassword(password, row.password_hash)) ? { name: row.name, role: row.role as AccessRole, via: 'web' } : null;
}
