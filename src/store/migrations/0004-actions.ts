import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { serialId } from './0001-incidents.js';

/**
 * The audit log of remediation actions (warroom run): every attempt, including refused and
 * failed ones, whether or not it ran for an incident. incident_id has no foreign key on purpose:
 * an attempt against a mistyped incident is still worth keeping.
 */
export function actions(dialect: Dialect): Migration {
  return {
    async up(db) {
      await serialId(dialect, db, 'action_runs')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('incident_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_role', 'text', (c) => c.notNull())
        .addColumn('via', 'text', (c) => c.notNull())
        // succeeded | failed | timed_out | interrupted | refused | error
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('exit_code', 'integer')
        .addColumn('summary', 'text', (c) => c.notNull())
        // JSON: plan, steps, verification, facts, redacted output.
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('action_runs_incident_idx').on('action_runs').columns(['incident_id', 'id']).execute();
    },
    async down(db) {
      await db.schema.dropTable('action_runs').execute();
    },
  };
}
