import type { TimelineEntry } from '../core/incident.js';
import type { Deploy } from '../core/deploy.js';
import type { PostmortemModel, PostmortemRecord } from '../core/postmortem.js';
import type { Stats } from '../core/insights.js';
import type { ChangeResult } from '../app/present-change.js';
import type { IncidentDetail, IncidentView, ListFilterInput } from '../app/list-incidents.js';
import type { DeclareInput } from '../app/declare-incident.js';
import type { AddEntryInput } from '../app/add-timeline-entry.js';
import type { changeStatus } from '../app/change-status.js';
import type { changeSeverity } from '../app/change-severity.js';
import type { assignRole } from '../app/assign-role.js';
import type { resolveIncident } from '../app/resolve-incident.js';
import type { reopenIncident } from '../app/reopen-incident.js';
import type { recordDeploy } from '../app/record-deploy.js';
import type { PostUpdateInput, UpdatePlanView } from '../app/post-update.js';
import type { listOutboxMessages, OutboxListing } from '../app/manage-outbox.js';
import type { ContactsView } from '../app/show-contacts.js';
import type { EditResult } from '../app/edit-postmortem.js';
import type { PostmortemSummary } from '../app/generate-postmortem.js';
import type { ActionItemView } from '../app/manage-action-items.js';
import type { ReminderResult } from '../app/remind-overdue.js';
import type { TriageInput, TriageListItem, TriageReport } from '../app/run-triage.js';
import type { ActionRunResult, RunActionHooks, RunActionInput } from '../app/run-action.js';
import type { DeliveryReport } from '../runtime/cli-delivery.js';
import type { OutboxItem } from '../notify/outbox.js';
import type { Runtime } from './runtime.js';

export type { ChangeResult };

/** What `warroom update` gets back: the change and its delivery, or (dry run) the plan. */
export interface UpdateResult {
  incident?: IncidentView;
  entries?: TimelineEntry[];
  plan?: UpdatePlanView | null;
  /** Local: what was sent before the command exits. */
  delivery?: DeliveryReport | null;
  /** Remote: what the server queued. */
  outbox?: OutboxItem[];
}

/**
 * Everything the commands ask of warroom, served by the local store (zero set-up) or by a
 * running server (--server / WARROOM_URL with WARROOM_TOKEN): backend-local.ts and
 * backend-http.ts implement it, and both return the same shapes, so a command is written once.
 */
export interface Backend {
  /** The server's URL, or null for the local store. */
  readonly server: string | null;

  // Incidents and deploys
  declare(input: DeclareInput): Promise<ChangeResult>;
  list(filter: ListFilterInput): Promise<IncidentView[]>;
  show(id: string, opts?: { kinds?: string[] }): Promise<IncidentDetail>;
  addEntry(id: string, input: AddEntryInput): Promise<TimelineEntry>;
  changeStatus(id: string, input: Parameters<typeof changeStatus>[2]): Promise<ChangeResult>;
  changeSeverity(id: string, input: Parameters<typeof changeSeverity>[2]): Promise<ChangeResult>;
  assignRole(id: string, input: Parameters<typeof assignRole>[2]): Promise<ChangeResult>;
  resolve(id: string, input: NonNullable<Parameters<typeof resolveIncident>[2]>): Promise<ChangeResult>;
  reopen(id: string, input: NonNullable<Parameters<typeof reopenIncident>[2]>): Promise<ChangeResult>;
  acknowledge(id: string): Promise<ChangeResult>;
  recordDeploy(input: Parameters<typeof recordDeploy>[1]): Promise<Deploy>;
  listDeploys(filter: { service?: string; since?: string; limit?: number }): Promise<Deploy[]>;

  // Coordination
  postUpdate(id: string, input: PostUpdateInput): Promise<UpdateResult>;
  listOutbox(filter: NonNullable<Parameters<typeof listOutboxMessages>[1]>): Promise<OutboxListing>;
  /** Schedules a dead message again; locally it is also attempted before the command exits. */
  retryOutbox(id: string): Promise<OutboxItem>;
  contacts(filter: { severity?: string; team?: string }): Promise<{ teams: ContactsView[]; channels: string[] }>;

  // Post-mortems, action items, stats
  ensure(id: string): Promise<{ created: boolean; postmortem: PostmortemRecord }>;
  model(id: string): Promise<PostmortemModel>;
  setSection(id: string, section: string, text: string): Promise<EditResult>;
  addWhy(id: string, why: string, because: string): Promise<EditResult>;
  removeWhy(id: string, n: number): Promise<EditResult>;
  submit(id: string): Promise<EditResult>;
  publish(id: string): Promise<EditResult & { notified: number }>;
  listPostmortems(o: { overdue?: boolean }): Promise<PostmortemSummary[]>;
  remind(o: { dryRun: boolean }): Promise<ReminderResult>;
  addAction(id: string, input: { title: string; owner: string; due: string; kind?: string }): Promise<ActionItemView>;
  listActions(f: { overdue?: boolean; owner?: string; incident?: string; status?: 'open' | 'done' | 'all' }): Promise<ActionItemView[]>;
  doneAction(id: string): Promise<ActionItemView>;
  stats(since: string): Promise<Stats>;

  // Triage
  runTriage(input: TriageInput): Promise<TriageReport>;
  getTriageReport(id: number | 'latest', o: { incident?: string }): Promise<TriageReport>;
  listTriageReports(o: { incident?: string }): Promise<TriageListItem[]>;

  // Remediation
  /** Runs (or plans) an action. Only the local store streams through the hooks; a server answers once, with the result. */
  runAction(input: RunActionInput, hooks?: RunActionHooks): Promise<ActionRunResult>;
}

/** The one choice between local and remote: a server URL (--server / WARROOM_URL) means HTTP. */
export async function backendFor(rt: Runtime): Promise<Backend> {
  const url = rt.serverUrl();
  // Each side loads only its own module: a remote command never loads the store, a local one never the HTTP client.
  return url ? (await import('./backend-http.js')).httpBackend(rt, url) : (await import('./backend-local.js')).localBackend(rt);
}
