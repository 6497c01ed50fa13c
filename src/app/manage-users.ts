import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { conflict, notFound } from '../core/errors.js';
import * as users from '../store/user.repository.js';
import { ACCESS_ROLES, parseInput, requireRole, type AccessRole, type Actor, type AppContext } from './context.js';

const scryptAsync = promisify(scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
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
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export const addUserInputSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[^\s]+$/, 'must not contain spaces'),
    role: z.enum(ACCESS_ROLES),
    password: z.string().min(10, 'must be at least 10 characters').max(1000),
  })
  .strict();

export async function addUser(ctx: AppContext, input: z.input<typeof addUserInputSchema>): Promise<{ name: string; role: AccessRole }> {
  requireRole(ctx, 'admin', 'adding a user');
  const data = parseInput(addUserInputSchema, input);
  if (await users.userExists(ctx.store.db, data.name)) throw conflict(`user ${data.name} already exists`);
  await users.insertUser(ctx.store.db, {
    name: data.name,
    role: data.role,
    passwordHash: await hashPassword(data.password),
    createdAt: ctx.now().toISOString(),
  });
  return { name: data.name, role: data.role };
}

export async function removeUser(ctx: AppContext, name: string): Promise<void> {
  requireRole(ctx, 'admin', 'removing a user');
  if (!(await users.deleteUser(ctx.store.db, name))) throw notFound(`user ${name} not found`);
}

export async function listUsers(ctx: AppContext): Promise<{ name: string; role: AccessRole; createdAt: string }[]> {
  requireRole(ctx, 'admin', 'listing users');
  return users.listUsers(ctx.store.db);
}

/** Whether any web user exists (the first start of `warroom serve` mints an admin token when none and no token does). */
export async function hasUsers(ctx: Pick<AppContext, 'store'>): Promise<boolean> {
  return users.hasUsers(ctx.store.db);
}

/** Checks a name and password; null when either is wrong (the caller must not say which). */
export async function authenticateUser(ctx: Pick<AppContext, 'store'>, name: string, password: string): Promise<Actor | null> {
  const row = await users.findUser(ctx.store.db, name);
  if (!row) {
    await hashPassword(password); // same work either way, so timing does not reveal which names exist
    return null;
  }
  return (await verifyPassword(password, row.passwordHash)) ? { name: row.name, role: row.role, via: 'web' } : null;
}
