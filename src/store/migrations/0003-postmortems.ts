import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { serialId } from './0001-incidents.js';

/**
 * Post-mortems (one per incident, keyed by the incident id) and their action items.
 * Sections and the Five Whys are JSON text: they are always read and written whole with
 * the post-mortem, never queried inside.
 */
export function postmortems(dialect: Dialect): Migration {
  return {
    async up(db) {
      await db.schema
        .createTable('postmortems')
        .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('sections', 'text', (c) => c.notNull())
        .addColumn('whys', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('submitted_at', 'text')
        .addColumn('published_at', 'text')
        .addColumn('published_by', 'text')
        // When the IC was last reminded of an overdue review, so a reminder run is idempotent.
        .addColumn('reminded_at', 'text')
        .execute();
      await db.schema.createIndex('postmortems_state_due_idx').on('postmortems').columns(['state', 'due_at']).execute();
      await serialId(dialect, db, 'action_items')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        // A calendar date (YYYY-MM-DD): an item is overdue once that UTC day has passed.
        .addColumn('due_date', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('done_by', 'text')
        .addColumn('reminded_at', 'text')
        .execute();
      await db.schema.createIndex('action_items_incident_idx').on('action_items').columns(['incident_id', 'id']).execute();
      await db.schema.createIndex('action_items_status_due_idx').on('action_items').columns(['status', 'due_date']).execute();
    },
  };
}
