import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { serialId } from './0001-incidents.js';

/** Stored triage reports: "what did triage find at 03:12?" and GET /api/v1/triage/latest. */
export function triageReports(dialect: Dialect): Migration {
  return {
    async up(db) {
      await serialId(dialect, db, 'triage_reports')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('incident_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('suggested_severity', 'text')
        .addColumn('finding_count', 'integer', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('triage_reports_created_idx').on('triage_reports').column('created_at').execute();
    },
    async down(db) {
      await db.schema.dropTable('triage_reports').execute();
    },
  };
}
