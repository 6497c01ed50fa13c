import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { serialId } from './0001-incidents.js';

/**
 * Coordination (docs/coordination.md): the notification outbox, durable timers (update
 * reminders, escalation), public status-page posts and ingested alerts.
 */
export function coordination(dialect: Dialect): Migration {
  return {
    async up(db) {
      await serialId(dialect, db, 'outbox')
        // Same key → one message, whoever enqueues it and however often.
        .addColumn('idem_key', 'text', (c) => c.notNull().unique())
        // Delivery is in order within a lane (channel + destination).
        .addColumn('lane', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text')
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('outbox_status_lane_idx').on('outbox').columns(['status', 'lane', 'id']).execute();
      await db.schema.createIndex('outbox_incident_idx').on('outbox').columns(['incident_id', 'id']).execute();

      await serialId(dialect, db, 'timers')
        // "reminder:INC-4" / "escalation:INC-4": one live timer per incident and kind.
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        // Reminders fired since the last update / escalation level reached.
        .addColumn('count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('timers_due_idx').on('timers').columns(['due_at']).execute();

      await serialId(dialect, db, 'status_posts')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('impact', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('status_posts_incident_idx').on('status_posts').columns(['incident_id', 'id']).execute();

      await serialId(dialect, db, 'alerts')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('service', 'text')
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('starts_at', 'text')
        .addColumn('ends_at', 'text')
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('alerts_fingerprint_incident_uq', ['source', 'fingerprint', 'incident_id'])
        .execute();
      await db.schema.createIndex('alerts_fingerprint_idx').on('alerts').columns(['fingerprint']).execute();
    },
  };
}
