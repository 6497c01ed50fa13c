/** How a remediation attempt ended (src/app/run-action.ts); every attempt is kept in the audit log. */
export type RunStatus = 'planned' | 'succeeded' | 'failed' | 'timed_out' | 'interrupted' | 'refused' | 'error';

/** One row of the audit log as the API and CLI show it. */
export interface ActionRunRecord {
  id: number;
  action: string;
  target: string | null;
  incidentId: string | null;
  actor: string;
  actorRole: string;
  via: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  exitCode: number | null;
  summary: string;
  data: Record<string, unknown>;
}
