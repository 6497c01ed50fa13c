import type { Generated } from 'kysely';

/** Row types as stored. Times are ISO 8601 UTC strings with ms (sortable as text on both dialects). JSON is stored as text. */
export interface IncidentsTable {
  id: string;
  seq: number;
  title: string;
  severity: string;
  status: string;
  impact: string | null;
  summary: string | null;
  services: string;
  roles: string;
  created_by: string;
  declared_at: string;
  acknowledged_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  updated_at: string;
}

export interface TimelineTable {
  id: Generated<number>;
  incident_id: string;
  at: string;
  author: string;
  kind: string;
  text: string;
  corrects: number | null;
  data: string | null;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface TokensTable {
  /** Public part of the token (wr_<id>_<secret>), used to find the row; the secret is only stored hashed. */
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface UsersTable {
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
}

export interface DeploysTable {
  id: Generated<number>;
  service: string;
  version: string;
  kind: string;
  at: string;
  by: string;
  description: string | null;
  created_at: string;
}

export interface Database {
  incidents: IncidentsTable;
  timeline: TimelineTable;
  counters: CountersTable;
  tokens: TokensTable;
  users: UsersTable;
  deploys: DeploysTable;
}
