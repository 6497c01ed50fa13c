import type { AppContext } from './context.js';
import { COMPONENT_STATES, type ComponentState } from '../notify/status-page.js';
import { listStatusPosts } from '../store/status-post.repository.js';
import type { PublicState } from '../core/communication.js';

/**
 * The public status page model. Built only from status posts (public text written for the
 * public) and the configured component names: never from incidents, the timeline or people.
 */
export interface PublicStatus {
  title: string;
  generatedAt: string;
  overall: ComponentState;
  components: { name: string; state: ComponentState }[];
  incidents: PublicIncident[];
}

export interface PublicIncident {
  /** A public id (not the internal incident id). */
  id: string;
  title: string;
  state: PublicState;
  impact: ComponentState;
  components: string[];
  startedAt: string;
  resolvedAt: string | null;
  updates: { id: number; at: string; state: PublicState; text: string }[];
}

const worst = (a: ComponentState, b: ComponentState) => (COMPONENT_STATES.indexOf(a) >= COMPONENT_STATES.indexOf(b) ? a : b);

export async function readStatusPage(ctx: Pick<AppContext, 'store' | 'config' | 'now'>): Promise<PublicStatus> {
  const posts = (await listStatusPosts(ctx.store.db, { limit: 2000 })).reverse();
  const byIncident = new Map<string, typeof posts>();
  for (const p of posts) byIncident.set(p.incidentId, [...(byIncident.get(p.incidentId) ?? []), p]);
  const incidents: PublicIncident[] = [];
  for (const list of byIncident.values()) {
    const first = list[0];
    const last = list[list.length - 1];
    incidents.push({
      id: `p${first.id}`,
      title: last.title,
      state: last.state,
      impact: last.impact,
      components: last.components,
      startedAt: first.at,
      resolvedAt: last.state === 'resolved' ? last.at : null,
      updates: list.map((p) => ({ id: p.id, at: p.at, state: p.state, text: p.text })).reverse(),
    });
  }
  incidents.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  const active = incidents.filter((i) => i.state !== 'resolved');
  const history = ctx.config.status_page?.history ?? 10;
  const names = ctx.config.status_page?.components ?? Object.keys(ctx.config.services ?? {});
  const allNames = [...new Set([...names, ...active.flatMap((i) => i.components)])];
  const components = allNames.map((name) => ({
    name,
    state: active.filter((i) => i.components.includes(name)).reduce<ComponentState>((s, i) => worst(s, i.impact), 'operational'),
  }));
  const overall = active.reduce<ComponentState>((s, i) => worst(s, i.impact), 'operational');
  return {
    title: ctx.config.status_page?.title ?? `${ctx.config.organization ?? 'Service'} status`,
    generatedAt: ctx.now().toISOString(),
    overall,
    components,
    incidents: [...active, ...incidents.filter((i) => i.state === 'resolved').slice(0, history)],
  };
}
