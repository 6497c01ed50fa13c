/**
 * The JSON shapes of the warroom API (src/server/presenters.ts documents them with zod). The
 * web app imports only these types, never server code.
 */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ['investigating', 'identified', 'mitigating', 'resolved'] as const;
export type Status = (typeof STATUSES)[number];
export const TIMELINE_KINDS = ['detection', 'finding', 'action', 'decision', 'status_change', 'severity_change', 'role_change', 'update', 'note'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
/** Kinds a person writes directly; the others come from verbs (status, severity, roles, updates). */
export const NOTE_KINDS = ['finding', 'action', 'decision', 'note', 'detection'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];
export const INCIDENT_ROLES = ['commander', 'comms_lead', 'scribe', 'responder'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];
export type AccessRole = 'viewer' | 'responder' | 'commander' | 'admin';

export interface TimelineEntry {
  id: number;
  incidentId: string;
  at: string;
  author: string;
  kind: TimelineKind;
  text: string;
  corrects: number | null;
  data: Record<string, unknown> | null;
}

export interface Derived {
  durationMs: number;
  lastUpdateAt: string | null;
  nextUpdateDueAt: string | null;
  overdue: boolean;
  responseTargetMet: boolean | null;
  timeToAcknowledgeMs: number | null;
  timeToResolveMs: number | null;
}

export interface Incident {
  id: string;
  seq: number;
  title: string;
  severity: Severity;
  status: Status;
  impact: string | null;
  summary: string | null;
  services: string[];
  roles: { commander: string | null; comms_lead: string | null; scribe: string | null; responders: string[] };
  createdBy: string;
  declaredAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  updatedAt: string;
  derived: Derived;
}

export interface IncidentDetail extends Incident {
  timeline: TimelineEntry[];
}

export interface SeverityLevel {
  id: Severity;
  priority: string;
  impact: string;
  examples: string[];
  responseTimeMs: number;
  updateCadenceMs: number;
  escalation: string;
  publicUpdates: boolean;
  postmortem: 'full' | 'lightweight' | 'none';
}

export interface Session {
  name: string;
  role: AccessRole;
  via: string;
  csrfToken: string | null;
  expiresAt: string | null;
}

export interface ChangeResult {
  incident: Incident;
  entries: TimelineEntry[];
}

export type CheckState = 'up' | 'degraded' | 'down';

export interface CheckResult {
  service: string;
  kind: string;
  target: string;
  state: CheckState;
  latencyMs: number;
  evidence: Record<string, unknown>;
  error?: string;
}

export interface HealthReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  state: CheckState;
  counts: Record<CheckState, number>;
  services: { service: string; state: CheckState; checks: CheckResult[] }[];
  skipped: string[];
}

export interface TriageFinding {
  rule: string;
  title: string;
  pattern: string | null;
  service: string;
  severity: Severity;
  cause: string;
  evidence: string[];
  action: string;
  /** cause, or note (about the past: errors that stopped). */
  kind: 'cause' | 'note';
  /** The current symptoms this finding explains, in words. */
  explains: string[];
  /** A root cause (the first, and any other that explains symptoms the ones above it do not). */
  root: boolean;
}

export interface TriageSymptom {
  id: string;
  service: string;
  kind: 'unreachable' | 'hanging' | 'unhealthy' | 'erroring' | 'slow';
  text: string;
}

export interface TriageReport {
  id: number | null;
  createdAt: string;
  incident: string | null;
  durationMs: number;
  state: CheckState;
  suggestedSeverity: Severity | null;
  findings: TriageFinding[];
  unexplained: TriageSymptom[];
  blindSpots: string[];
  recentChanges: Record<string, unknown>[];
  summary: string[];
}
