import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import type { WebSessionsTable } from './schema.js';

/** A web app session as stored: the hash of its cookie value, who it stands for, and its clock. */
export interface StoredWebSession {
  idHash: string;
  subjectKind: 'user' | 'token';
  /** The user name or the token id. */
  subject: string;
  name: string;
  role: string;
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

function toSession(r: Selectable<WebSessionsTable>): StoredWebSession {
  return {
    idHash: r.id_hash,
    subjectKind: r.subject_kind as StoredWebSession['subjectKind'],
    subject: r.subject,
    name: r.name,
    role: r.role,
    csrf: r.csrf,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}

export async function insertWebSession(db: Db, s: StoredWebSession): Promise<void> {
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: s.idHash,
      subject_kind: s.subjectKind,
      subject: s.subject,
      name: s.name,
      role: s.role,
      csrf: s.csrf,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
    })
    .execute();
}

export async function findWebSession(db: Db, idHash: string): Promise<StoredWebSession | null> {
  const r = await db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return r ? toSession(r) : null;
}

export async function deleteWebSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
}

/** Sessions that expired before `now` (ISO time). */
export async function deleteExpiredWebSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('expires_at', '<', now).execute();
}

export async function touchWebSession(db: Db, idHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
  await db.updateTable('web_sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
}
