import type { Migration } from 'kysely';
import type { Dialect } from './dialect.js';
import { incidents } from './migrations/0001-incidents.js';
import { coordination } from './migrations/0002-coordination.js';
import { postmortems } from './migrations/0003-postmortems.js';
import { actions } from './migrations/0004-actions.js';
import { webSessions } from './migrations/0005-web-sessions.js';
import { triageReports } from './migrations/0006-triage-reports.js';

/**
 * Every migration, in order, for both dialects. One file per migration under migrations/;
 * add yours at the end with the next number. Names are stored: never rename one.
 */
export function buildMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_incidents': incidents(dialect),
    '0002_coordination': coordination(dialect),
    '0003_postmortems': postmortems(dialect),
    '0004_actions': actions(dialect),
    '0005_web_sessions': webSessions(),
    '0006_triage_reports': triageReports(dialect),
  };
}
