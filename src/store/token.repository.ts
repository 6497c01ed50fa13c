import type { Selectable } from 'kysely';
import type { AccessRole } from '../core/actor.js';
import type { Db } from './db.js';
import type { TokensTable } from './schema.js';

/** An API token as listed (never its secret, nor the secret's hash). */
export interface Token {
  id: string;
  name: string;
  role: AccessRole;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A token with the hash of its secret, for verifying a presented token. */
export interface StoredToken extends Token {
  hash: string;
}

function toToken(r: Selectable<TokensTable>): StoredToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role as AccessRole,
    hash: r.hash,
    createdAt: r.created_at,
    createdBy: r.created_by,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export async function insertToken(db: Db, t: StoredToken): Promise<void> {
  await db
    .insertInto('tokens')
    .values({
      id: t.id,
      name: t.name,
      role: t.role,
      hash: t.hash,
      created_at: t.createdAt,
      created_by: t.createdBy,
      last_used_at: t.lastUsedAt,
      revoked_at: t.revokedAt,
    })
    .execute();
}

/** Every token, oldest first. */
export async function listTokens(db: Db): Promise<Token[]> {
  const rows = await db.selectFrom('tokens').selectAll().orderBy('created_at').execute();
  return rows.map((r) => {
    const { hash: _hash, ...t } = toToken(r);
    return t;
  });
}

export async function findToken(db: Db, id: string): Promise<StoredToken | null> {
  const row = await db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toToken(row) : null;
}

/** Revokes a token not yet revoked; false when there is none. */
export async function revokeToken(db: Db, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function countActiveTokens(db: Db): Promise<number> {
  const r = await db
    .selectFrom('tokens')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function touchToken(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
