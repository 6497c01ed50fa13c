import { callApi, queryString } from './api-client.js';
import type { IncidentEvent } from '../app/context.js';
import type { IncidentDetail, IncidentView, ListFilterInput } from '../app/list-incidents.js';
import type { TimelineEntry } from '../core/incident.js';
import type { ChangeResult } from '../app/present-change.js';
import type { DeclareInput } from '../app/declare-incident.js';
import type { AddEntryInput } from '../app/add-timeline-entry.js';
import type { Deploy } from '../core/deploy.js';
import type { Runtime } from './runtime.js';

/** The JSON shape of every incident change, identical from the local store and the API. */
export type { ChangeResult };

/**
 * What the incident commands need, served either by the local store (zero set-up) or by a
 * running server (--server / WARROOM_URL with WARROOM_TOKEN). Both return the same shapes.
 */
export interface IncidentBackend {
  declare(input: DeclareInput): Promise<ChangeResult>;
  list(filter: ListFilterInput): Promise<IncidentView[]>;
  show(id: string, opts?: { kinds?: string[] }): Promise<IncidentDetail>;
  addEntry(id: string, input: AddEntryInput): Promise<TimelineEntry>;
  changeStatus(id: string, input: { status: string; note?: string | null }): Promise<ChangeResult>;
  changeSeverity(id: string, input: { severity: string; reason: string }): Promise<ChangeResult>;
  assignRole(id: string, input: { role: string; to: string }): Promise<ChangeResult>;
  resolve(id: string, input: { summary?: string | null }): Promise<ChangeResult>;
  reopen(id: string, input: { reason?: string | null }): Promise<ChangeResult>;
  acknowledge(id: string): Promise<ChangeResult>;
  recordDeploy(input: Record<string, unknown>): Promise<Deploy>;
  listDeploys(filter: { service?: string; since?: string; limit?: number }): Promise<Deploy[]>;
}

export async function openBackend(rt: Runtime): Promise<IncidentBackend> {
  const url = rt.serverUrl();
  return url ? httpBackend(url, rt) : localBackend(rt);
}

async function localBackend(rt: Runtime): Promise<IncidentBackend> {
  const ctx = await rt.openContext();
  // Each verb loads only its own use case: a CLI call is one verb, and start-up time matters at 3 a.m.
  const present = async (ev: IncidentEvent): Promise<ChangeResult> => (await import('../app/present-change.js')).presentChange(ctx, ev);
  return {
    declare: async (i) => present(await (await import('../app/declare-incident.js')).declareIncident(ctx, i)),
    list: async (f) => (await import('../app/list-incidents.js')).listIncidents(ctx, f),
    show: async (id, o) => (await import('../app/list-incidents.js')).showIncident(ctx, id, o),
    addEntry: async (id, i) => (await import('../app/add-timeline-entry.js')).addTimelineEntry(ctx, id, i),
    changeStatus: async (id, i) => present(await (await import('../app/change-status.js')).changeStatus(ctx, id, i as never)),
    changeSeverity: async (id, i) => present(await (await import('../app/change-severity.js')).changeSeverity(ctx, id, i as never)),
    assignRole: async (id, i) => present(await (await import('../app/assign-role.js')).assignRole(ctx, id, i as never)),
    resolve: async (id, i) => present(await (await import('../app/resolve-incident.js')).resolveIncident(ctx, id, i)),
    reopen: async (id, i) => present(await (await import('../app/reopen-incident.js')).reopenIncident(ctx, id, i)),
    acknowledge: async (id) => present(await (await import('../app/acknowledge-incident.js')).acknowledgeIncident(ctx, id)),
    recordDeploy: async (i) => (await import('../app/record-deploy.js')).recordDeploy(ctx, i as never),
    listDeploys: async (f) => (await import('../app/record-deploy.js')).listDeploys(ctx, f),
  };
}

/** Calls the REST API (src/cli/api-client.ts). */
export function httpBackend(base: string, rt: Runtime): IncidentBackend {
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> => callApi<T>(rt, base, method, path, body, { timeoutMs: 15_000 });
  const q = queryString;

  const enc = encodeURIComponent;
  return {
    declare: (i) => call('POST', '/incidents', i),
    list: async (f) => (await call<{ incidents: IncidentView[] }>('GET', `/incidents${q({ ...f })}`)).incidents,
    show: (id, o) => call('GET', `/incidents/${enc(id)}${q({ kind: o?.kinds })}`),
    addEntry: (id, i) => call('POST', `/incidents/${enc(id)}/timeline`, i),
    changeStatus: (id, i) => call('POST', `/incidents/${enc(id)}/status`, i),
    changeSeverity: (id, i) => call('POST', `/incidents/${enc(id)}/severity`, i),
    assignRole: (id, i) => call('POST', `/incidents/${enc(id)}/roles`, i),
    resolve: (id, i) => call('POST', `/incidents/${enc(id)}/resolve`, i),
    reopen: (id, i) => call('POST', `/incidents/${enc(id)}/reopen`, i),
    acknowledge: (id) => call('POST', `/incidents/${enc(id)}/ack`, {}),
    recordDeploy: (i) => call('POST', '/deploys', i),
    listDeploys: async (f) => (await call<{ deploys: Deploy[] }>('GET', `/deploys${q(f)}`)).deploys,
  };
}
