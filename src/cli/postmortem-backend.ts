import { callApi, queryString } from './api-client.js';
import type { PostmortemModel, PostmortemRecord } from '../core/postmortem.js';
import type { Stats } from '../core/insights.js';
import type { EditResult } from '../app/edit-postmortem.js';
import type { PostmortemSummary } from '../app/generate-postmortem.js';
import type { ActionItemView } from '../app/manage-action-items.js';
import type { ReminderResult } from '../app/remind-overdue.js';
import type { Runtime } from './runtime.js';

/**
 * What the post-mortem, action and stats commands need, served by the local store or by a
 * running server (--server / WARROOM_URL with WARROOM_TOKEN). Both return the same shapes.
 */
export interface PostmortemBackend {
  ensure(id: string): Promise<{ created: boolean; postmortem: PostmortemRecord }>;
  model(id: string): Promise<PostmortemModel>;
  setSection(id: string, section: string, text: string): Promise<EditResult>;
  addWhy(id: string, why: string, because: string): Promise<EditResult>;
  removeWhy(id: string, n: number): Promise<EditResult>;
  submit(id: string): Promise<EditResult>;
  publish(id: string): Promise<EditResult & { notified: number }>;
  list(o: { overdue?: boolean }): Promise<PostmortemSummary[]>;
  remind(o: { dryRun: boolean }): Promise<ReminderResult>;
  addAction(id: string, input: { title: string; owner: string; due: string; kind?: string }): Promise<ActionItemView>;
  listActions(f: { overdue?: boolean; owner?: string; incident?: string; status?: 'open' | 'done' | 'all' }): Promise<ActionItemView[]>;
  doneAction(id: string): Promise<ActionItemView>;
  stats(since: string): Promise<Stats>;
}

export async function openPostmortemBackend(rt: Runtime): Promise<PostmortemBackend> {
  const url = rt.serverUrl();
  return url ? httpPostmortemBackend(url, rt) : localPostmortemBackend(rt);
}

async function localPostmortemBackend(rt: Runtime): Promise<PostmortemBackend> {
  const ctx = await rt.openContext();
  const [gen, edit, remind, actions, stats] = await Promise.all([
    import('../app/generate-postmortem.js'), import('../app/edit-postmortem.js'), import('../app/remind-overdue.js'),
    import('../app/manage-action-items.js'), import('../app/compute-stats.js'),
  ]);
  return {
    ensure: async (id) => { const r = await gen.ensurePostmortem(ctx, id); return { created: r.created, postmortem: r.record }; },
    model: (id) => gen.loadPostmortemModel(ctx, id),
    setSection: (id, section, text) => edit.setPostmortemSection(ctx, id, section, { text }),
    addWhy: (id, why, because) => edit.addPostmortemWhy(ctx, id, { why, because }),
    removeWhy: (id, n) => edit.removePostmortemWhy(ctx, id, n),
    submit: (id) => edit.submitPostmortem(ctx, id),
    publish: (id) => edit.publishPostmortem(ctx, id),
    list: (o) => gen.listPostmortemReviews(ctx, o),
    remind: (o) => remind.remindOverdue(ctx, o),
    addAction: (id, i) => actions.addActionItem(ctx, id, i),
    listActions: (f) => actions.listActionItems(ctx, f),
    doneAction: (id) => actions.completeActionItem(ctx, id),
    stats: (since) => stats.computeStats(ctx, { since }),
  };
}

/** Calls the REST API (docs/postmortem.md); server errors come back as the same WarroomError codes. */
function httpPostmortemBackend(base: string, rt: Runtime): PostmortemBackend {
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> => callApi<T>(rt, base, method, path, body);
  const inc = (id: string) => `/incidents/${encodeURIComponent(id)}`;
  const qs = queryString;

  return {
    ensure: (id) => call('POST', `${inc(id)}/postmortem`),
    model: async (id) => {
      const { schema: _schema, ...m } = await call<PostmortemModel & { schema: string }>('GET', `${inc(id)}/postmortem`);
      return m;
    },
    setSection: (id, section, text) => call('PUT', `${inc(id)}/postmortem/sections/${encodeURIComponent(section)}`, { text }),
    addWhy: (id, why, because) => call('POST', `${inc(id)}/postmortem/whys`, { why, because }),
    removeWhy: (id, n) => call('DELETE', `${inc(id)}/postmortem/whys/${encodeURIComponent(String(n))}`),
    submit: (id) => call('POST', `${inc(id)}/postmortem/submit`),
    publish: (id) => call('POST', `${inc(id)}/postmortem/publish`),
    list: async (o) => (await call<{ postmortems: PostmortemSummary[] }>('GET', `/postmortems${qs({ overdue: o.overdue })}`)).postmortems,
    remind: (o) => call('POST', '/postmortems/remind', { dryRun: o.dryRun }),
    addAction: (id, i) => call('POST', `${inc(id)}/action-items`, i),
    listActions: async (f) => (await call<{ actionItems: ActionItemView[] }>('GET', `/action-items${qs({ overdue: f.overdue, owner: f.owner, incident: f.incident, status: f.status })}`)).actionItems,
    doneAction: (id) => call('POST', `/action-items/${encodeURIComponent(id)}/done`),
    stats: (since) => call('GET', `/stats${qs({ since })}`),
  };
}
