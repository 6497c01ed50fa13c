import type { IncidentView } from '../app/list-incidents.js';
import type { PostmortemModel } from '../core/postmortem.js';
import type { PostmortemSummary } from '../app/generate-postmortem.js';
import type { ActionItemView } from '../app/manage-action-items.js';
import type { TriageListItem } from '../app/run-triage.js';
import type { Deploy } from '../core/deploy.js';
import type { UpdatePlanView } from '../app/post-update.js';
import { callApi, queryString as q } from './api-client.js';
import type { Backend, UpdateResult } from './backend.js';
import type { Runtime } from './runtime.js';

/** Bounds on a dead connection, by what the call waits for on the server. */
const TIMEOUT_MS = {
  /** Incident changes and coordination: quick writes. */
  write: 15_000,
  /** Post-mortems and stats (the default of callApi). */
  review: 30_000,
  /** Triage is bounded by its check timeouts on the server. */
  triage: 120_000,
  /** An action runs up to its own time limit on the server (remediation.command_timeout). */
  action: 3_600_000,
};

/** A running server's REST API, through the one HTTP client (src/cli/api-client.ts). */
export function httpBackend(rt: Runtime, base: string): Backend {
  const call = <T>(method: string, path: string, body?: unknown, timeoutMs = TIMEOUT_MS.write): Promise<T> =>
    callApi<T>(rt, base, method, path, body, { timeoutMs });
  const enc = encodeURIComponent;
  const inc = (id: string) => `/incidents/${enc(id)}`;
  const review = <T>(method: string, path: string, body?: unknown) => call<T>(method, path, body, TIMEOUT_MS.review);
  return {
    server: base,
    declare: (i) => call('POST', '/incidents', i),
    list: async (f) => (await call<{ incidents: IncidentView[] }>('GET', `/incidents${q({ ...f })}`)).incidents,
    show: (id, o) => call('GET', `${inc(id)}${q({ kind: o?.kinds })}`),
    addEntry: (id, i) => call('POST', `${inc(id)}/timeline`, i),
    changeStatus: (id, i) => call('POST', `${inc(id)}/status`, i),
    changeSeverity: (id, i) => call('POST', `${inc(id)}/severity`, i),
    assignRole: (id, i) => call('POST', `${inc(id)}/roles`, i),
    resolve: (id, i) => call('POST', `${inc(id)}/resolve`, i),
    reopen: (id, i) => call('POST', `${inc(id)}/reopen`, i),
    acknowledge: (id) => call('POST', `${inc(id)}/ack`, {}),
    recordDeploy: (i) => call('POST', '/deploys', i),
    listDeploys: async (f) => (await call<{ deploys: Deploy[] }>('GET', `/deploys${q(f)}`)).deploys,

    postUpdate: async (id, i) => {
      const r = await call<UpdateResult & Partial<UpdatePlanView> & { dryRun?: boolean }>('POST', `${inc(id)}/updates`, i);
      if (!r.dryRun) return r;
      // A dry run answers the plan itself ({ dryRun, incident, messages, statusPage, nextUpdateDueAt }).
      const { messages = [], statusPage = [], nextUpdateDueAt = null } = r;
      return { plan: { messages, statusPage, nextUpdateDueAt } };
    },
    listOutbox: (f) => call('GET', `/outbox${q(f)}`),
    retryOutbox: (id) => call('POST', `/outbox/${enc(id)}/retry`, {}),
    contacts: (f) => call('GET', `/contacts${q(f)}`),

    ensure: (id) => review('POST', `${inc(id)}/postmortem`),
    model: async (id) => {
      const { schema: _schema, ...m } = await review<PostmortemModel & { schema: string }>('GET', `${inc(id)}/postmortem`);
      return m;
    },
    setSection: (id, section, text) => review('PUT', `${inc(id)}/postmortem/sections/${enc(section)}`, { text }),
    addWhy: (id, why, because) => review('POST', `${inc(id)}/postmortem/whys`, { why, because }),
    removeWhy: (id, n) => review('DELETE', `${inc(id)}/postmortem/whys/${enc(String(n))}`),
    submit: (id) => review('POST', `${inc(id)}/postmortem/submit`),
    publish: (id) => review('POST', `${inc(id)}/postmortem/publish`),
    listPostmortems: async (o) =>
      (await review<{ postmortems: PostmortemSummary[] }>('GET', `/postmortems${q({ overdue: o.overdue })}`)).postmortems,
    remind: (o) => review('POST', '/postmortems/remind', { dryRun: o.dryRun }),
    addAction: (id, i) => review('POST', `${inc(id)}/action-items`, i),
    listActions: async (f) =>
      (
        await review<{ actionItems: ActionItemView[] }>(
          'GET',
          `/action-items${q({ overdue: f.overdue, owner: f.owner, incident: f.incident, status: f.status })}`,
        )
      ).actionItems,
    doneAction: (id) => review('POST', `/action-items/${enc(id)}/done`),
    stats: (since) => review('GET', `/stats${q({ since })}`),

    // The checks run from the server's network, with the server's config: only its configured services.
    runTriage: (i) =>
      call(
        'POST',
        '/triage',
        { incident: i.incident, services: i.services, timeout: i.timeoutMs === undefined ? undefined : `${i.timeoutMs}ms` },
        TIMEOUT_MS.triage,
      ),
    getTriageReport: (id, o) =>
      call('GET', id === 'latest' ? `/triage/latest${q({ incident: o.incident })}` : `/triage/${id}`, undefined, TIMEOUT_MS.triage),
    listTriageReports: async (o) =>
      (await call<{ reports: TriageListItem[] }>('GET', `/triage${q({ incident: o.incident })}`, undefined, TIMEOUT_MS.triage)).reports,

    // The server runs the action for the incident in the URL; nothing is streamed back.
    runAction: ({ incident, ...body }) => call('POST', `${inc(String(incident))}/actions`, body, TIMEOUT_MS.action),
  };
}
