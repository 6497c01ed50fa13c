/** The two databases warroom runs on: embedded SQLite, or PostgreSQL (DATABASE_URL). */
export type Dialect = 'sqlite' | 'postgres';
