import type { Migration } from 'kysely';

/**
 * Browser sessions of the web app. Stored in the database (not in process memory) so a
 * session is valid on every instance behind a load balancer and sign-out revokes it
 * everywhere. Only sha256(cookie value) is stored: a database leak yields no usable cookie.
 */
export function webSessions(): Migration {
  return {
    async up(db) {
      await db.schema
        .createTable('web_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        // 'user' (name + password) or 'token' (signed in with an API token).
        .addColumn('subject_kind', 'text', (c) => c.notNull())
        // The user name, or the token id; checked again on every request so a removed user or revoked token ends the session.
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('csrf', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('web_sessions_expires_idx').on('web_sessions').column('expires_at').execute();
    },
    async down(db) {
      await db.schema.dropTable('web_sessions').execute();
    },
  };
}
