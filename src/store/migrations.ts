import type { Migration } from 'kysely';
import type { Dialect } from './db.js';
import { incidents } from './migrations/0001-incidents.js';

/**
 * Every migration, in order, for both dialects. One file per migration under migrations/;
 * add yours at the end with the next number. Names are stored: never rename one.
 */
export function buildMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_incidents': incidents(dialect),
  };
}
