import type { Kysely } from 'kysely';
import type { Incident } from '../core/incident.js';
import type { PublicState } from '../core/communication.js';
import type { Severity } from '../core/severity.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database>;

/** What the public sees of one post. No incident title, no names, no internal notes. */
export interface StatusPost {
  id: number;
  incidentId: string;
  at: string;
  state: PublicState;
  title: string;
  text: string;
  components: string[];
  impact: ComponentState;
}

export const COMPONENT_STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export function componentStateFor(sev: Severity): ComponentState {
  return sev === 'SEV1' ? 'major_outage' : sev === 'SEV2' ? 'partial_outage' : 'degraded_performance';
}

const LABEL: Record<ComponentState, string> = { operational: 'Operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage' };
export const componentLabel = (s: ComponentState) => LABEL[s];

/** The public title of an incident: derived from affected components, never the internal title. */
export function publicTitle(inc: Incident): string {
  const what = componentLabel(componentStateFor(inc.severity));
  return inc.services.length ? `${what}: ${inc.services.join(', ')}` : `${what}`;
}

export async function insertStatusPost(trx: Db, p: Omit<StatusPost, 'id'>): Promise<void> {
  await trx.insertInto('status_posts').values({
    incident_id: p.incidentId, at: p.at, state: p.state, title: p.title, text: p.text, components: JSON.stringify(p.components), impact: p.impact,
  }).execute();
}

export async function hasStatusPosts(db: Db, incidentId: string): Promise<boolean> {
  return !!(await db.selectFrom('status_posts').select('id').where('incident_id', '=', incidentId).limit(1).executeTakeFirst());
}

export async function listStatusPosts(db: Db, o: { limit?: number } = {}): Promise<StatusPost[]> {
  const rows = await db.selectFrom('status_posts').selectAll().orderBy('id', 'desc').limit(o.limit ?? 500).execute();
  return rows.map((r) => ({
    id: Number(r.id), incidentId: r.incident_id, at: r.at, state: r.state as PublicState, title: r.title, text: r.text,
    components: JSON.parse(r.components) as string[], impact: r.impact as ComponentState,
  }));
}
