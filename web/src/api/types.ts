/**
 * The JSON shapes of the warroom API come from the contract (src/contract/, the zod schemas the
 * server, the MCP tools and the CLI's --json use), as types only: `import type` is erased, so no
 * zod and no server code reach the bundle (eslint.config.js refuses a value import; so would Vite).
 */
export type {
  AccessRole,
  ChangeResult,
  CheckResult,
  CheckState,
  Derived,
  HealthReport,
  Incident,
  IncidentDetail,
  IncidentRole,
  NoteKind,
  Session,
  Severity,
  SeverityLevel,
  Status,
  TimelineEntry,
  TimelineKind,
  TriageFinding,
  TriageReport,
  TriageSymptom,
  ActionItem,
  BlamelessWarning,
  PostmortemModel,
  Stats,
} from '@contract';

// Values the web app needs at run time (select options, filters) cannot come from the contract
// without its code, so they are kept here; web/src/api/types.test.ts fails when one drifts from
// the core list the contract is made of. The order is the web's (NOTE_KINDS: most used first).
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export const STATUSES = ['investigating', 'identified', 'mitigating', 'resolved'] as const;
export const TIMELINE_KINDS = [
  'detection',
  'finding',
  'action',
  'decision',
  'status_change',
  'severity_change',
  'role_change',
  'update',
  'note',
] as const;
/** Kinds a person writes directly; the others come from verbs (status, severity, roles, updates). */
export const NOTE_KINDS = ['finding', 'action', 'decision', 'note', 'detection'] as const;
export const INCIDENT_ROLES = ['commander', 'comms_lead', 'scribe', 'responder'] as const;
