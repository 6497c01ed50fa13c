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

/** A web app session; only the hash of the cookie value is stored (migration 0005). */
export interface WebSessionsTable {
  id_hash: string;
  subject_kind: string;
  subject: string;
  name: string;
  role: string;
  csrf: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** One post-mortem per incident (src/core/postmortem.ts). sections and whys are JSON text. */
export interface PostmortemsTable {
  incident_id: string;
  state: string;
  level: string;
  sections: string;
  whys: string;
  due_at: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  submitted_at: string | null;
  published_at: string | null;
  published_by: string | null;
  reminded_at: string | null;
}

export interface ActionItemsTable {
  id: Generated<number>;
  incident_id: string;
  title: string;
  owner: string;
  kind: string;
  /** YYYY-MM-DD. */
  due_date: string;
  status: string;
  created_at: string;
  created_by: string;
  done_at: string | null;
  done_by: string | null;
  reminded_at: string | null;
}

/** Coordination (migration 0002): see docs/coordination.md. */
export interface OutboxTable {
  id: Generated<number>;
  idem_key: string;
  lane: string;
  channel: string;
  target: string;
  kind: string;
  incident_id: string | null;
  summary: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: string | null;
  created_at: string;
  sent_at: string | null;
  updated_at: string;
}

export interface TimersTable {
  id: Generated<number>;
  key: string;
  incident_id: string;
  kind: string;
  due_at: string;
  count: number;
  created_at: string;
  updated_at: string;
}

export interface StatusPostsTable {
  id: Generated<number>;
  incident_id: string;
  at: string;
  state: string;
  title: string;
  text: string;
  components: string;
  impact: string;
}

export interface AlertsTable {
  id: Generated<number>;
  source: string;
  fingerprint: string;
  incident_id: string;
  status: string;
  name: string;
  service: string | null;
  labels: string;
  summary: string | null;
  starts_at: string | null;
  ends_at: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

/** One remediation attempt (src/app/run-action.ts); see migrations/0004-actions.ts. */
export interface ActionRunsTable {
  id: Generated<number>;
  action: string;
  target: string | null;
  incident_id: string | null;
  actor: string;
  actor_role: string;
  via: string;
  status: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  exit_code: number | null;
  summary: string;
  data: string;
}

export interface TriageReportsTable {
  id: Generated<number>;
  created_at: string;
  actor: string;
  incident_id: string | null;
  state: string;
  suggested_severity: string | null;
  finding_count: number;
  /** The whole report as JSON (redacted before storing). */
  report: string;
}

export interface Database {
  incidents: IncidentsTable;
  outbox: OutboxTable;
  timers: TimersTable;
  status_posts: StatusPostsTable;
  alerts: AlertsTable;
  timeline: TimelineTable;
  counters: CountersTable;
  tokens: TokensTable;
  users: UsersTable;
  deploys: DeploysTable;
  postmortems: PostmortemsTable;
  action_items: ActionItemsTable;
  web_sessions: WebSessionsTable;
  action_runs: ActionRunsTable;
  triage_reports: TriageReportsTable;
}
