import type { AccessRole } from '../core/actor.js';
import type { Db } from './db.js';

/** A web user as listed. */
export interface User {
  name: string;
  role: AccessRole;
  createdAt: string;
}

/** A user with the scrypt hash of its password, for signing in. */
export interface StoredUser extends User {
  passwordHash: string;
}

export async function findUser(db: Db, name: string): Promise<StoredUser | null> {
  const r = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? { name: r.name, role: r.role as AccessRole, passwordHash: r.password_hash, createdAt: r.created_at } : null;
}

export async function userExists(db: Db, name: string): Promise<boolean> {
  return !!(await db.selectFrom('users').select('name').where('name', '=', name).executeTakeFirst());
}

/** Whether any user exists at all (the first start of `warroom serve` asks). */
export async function hasUsers(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('name').limit(1).execute()).length > 0;
}

export async function insertUser(db: Db, u: StoredUser): Promise<void> {
  await db.insertInto('users').values({ name: u.name, role: u.role, password_hash: u.passwordHash, created_at: u.createdAt }).execute();
}

/** Deletes a user; false when there was none by that name. */
export async function deleteUser(db: Db, name: string): Promise<boolean> {
  const r = await db.deleteFrom('users').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Every user by name (without password hashes). */
export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('users').select(['name', 'role', 'created_at']).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, role: r.role as AccessRole, createdAt: r.created_at }));
}
