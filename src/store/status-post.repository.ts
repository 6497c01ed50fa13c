import type { PublicState } from '../core/communication.js';
import type { ComponentState, StatusPost } from '../notify/status-page.js';
import type { Db } from './db.js';

export async function insertStatusPost(trx: Db, p: Omit<StatusPost, 'id'>): Promise<void> {
  await trx
    .insertInto('status_posts')
    .values({
      incident_id: p.incidentId,
      at: p.at,
      state: p.state,
      title: p.title,
      text: p.text,
      components: JSON.stringify(p.components),
      impact: p.impact,
    })
    .execute();
}

export async function hasStatusPosts(db: Db, incidentId: string): Promise<boolean> {
  return !!(await db.selectFrom('status_posts').select('id').where('incident_id', '=', incidentId).limit(1).executeTakeFirst());
}

/** The newest posts first. */
export async function listStatusPosts(db: Db, o: { limit?: number } = {}): Promise<StatusPost[]> {
  const rows = await db
    .selectFrom('status_posts')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(o.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    incidentId: r.incident_id,
    at: r.at,
    state: r.state as PublicState,
    title: r.title,
    text: r.text,
    components: JSON.parse(r.components) as string[],
    impact: r.impact as ComponentState,
  }));
}
