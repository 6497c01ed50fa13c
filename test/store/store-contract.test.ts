import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS, createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import { addTimelineEntry } from '../../src/app/add-timeline-entry.js';
import { changeStatus } from '../../src/app/change-status.js';
import { changeSeverity } from '../../src/app/change-severity.js';
import { assignRole } from '../../src/app/assign-role.js';
import { resolveIncident } from '../../src/app/resolve-incident.js';
import { reopenIncident } from '../../src/app/reopen-incident.js';
import { listIncidents, showIncident } from '../../src/app/list-incidents.js';
import { recordDeploy, listDeploys } from '../../src/app/record-deploy.js';
import { createToken, authenticateToken, revokeToken } from '../../src/app/manage-tokens.js';
import { addUser, authenticateUser } from '../../src/app/manage-users.js';
import type { WarroomError } from '../../src/core/errors.js';
import { CHECKPOINT_EVERY_WRITES } from '../../src/store/db.js';
import type { AppContext } from '../../src/app/context.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as WarroomError).code;
  }
  return undefined;
}

/** The same contract on every backend, like Kysely's per-dialect suites. */
for (const dialect of DIALECTS) {
  describe(`storage contract: ${dialect}`, () => {
    let t: TempStore;
    let ctx: AppContext;
    beforeAll(async () => {
      t = await createTempStore(dialect);
      ctx = testContext(t.store);
    });
    afterAll(async () => t?.cleanup());

    const snapshot = async () => ({
      incidents: await t.store.db.selectFrom('incidents').selectAll().orderBy('id').execute(),
      timeline: await t.store.db.selectFrom('timeline').selectAll().orderBy('id').execute(),
    });

    it('declares with sequential ids and reads it back', async () => {
      const a = await declareIncident(ctx, {
        title: 'API down',
        severity: 'SEV1',
        commander: 'alice',
        services: ['backend'],
        impact: 'all 500',
      });
      const b = await declareIncident(ctx, { title: 'Slow search', severity: 'SEV3' });
      expect(b.incident.seq).toBe(a.incident.seq + 1);
      expect(a.incident.id).toBe(`INC-${a.incident.seq}`);
      const d = await showIncident(ctx, a.incident.id);
      expect(d).toMatchObject({ title: 'API down', severity: 'SEV1', status: 'investigating', services: ['backend'], impact: 'all 500' });
      expect(d.roles.commander).toBe('alice');
      expect(d.timeline.map((e) => e.kind)).toEqual(['detection', 'role_change']);
      expect(d.derived.responseTargetMet).toBe(true);
    });

    it('runs a whole incident and keeps the timeline append-only and ordered', async () => {
      const { incident } = await declareIncident(ctx, { title: 'Pool exhausted', severity: 'SEV2' });
      const id = incident.id;
      const f = await addTimelineEntry(ctx, id, { text: 'connections at 100%', kind: 'finding' });
      await addTimelineEntry(ctx, id, { text: 'connections at 98%, not 100%', kind: 'finding', corrects: f.id });
      await changeStatus(ctx, id, { status: 'identified', note: 'leak in /orders' });
      await changeSeverity(ctx, id, { severity: 'SEV1', reason: 'all users now' });
      await assignRole(ctx, id, { role: 'commander', to: 'bob' });
      await assignRole(ctx, id, { role: 'commander', to: 'carol' });
      await resolveIncident(ctx, id, { summary: 'restarted backend' });
      const d = await showIncident(ctx, id);
      expect(d.status).toBe('resolved');
      expect(d.severity).toBe('SEV1');
      expect(d.roles.commander).toBe('carol');
      expect(d.summary).toBe('restarted backend');
      expect(d.timeline.map((e) => e.kind)).toEqual([
        'detection',
        'finding',
        'finding',
        'status_change',
        'severity_change',
        'role_change',
        'role_change',
        'status_change',
      ]);
      expect(d.timeline[2].corrects).toBe(f.id);
      expect(d.timeline[1].text).toBe('connections at 100%');
      const ids = d.timeline.map((e) => e.id);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      for (const e of d.timeline) expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const kinds = await showIncident(ctx, id, { kinds: ['role_change'] });
      expect(kinds.timeline).toHaveLength(2);
    });

    it('leaves the store unchanged on every refused change', async () => {
      const { incident } = await declareIncident(ctx, { title: 'Refusals', severity: 'SEV3' });
      await resolveIncident(ctx, incident.id, {});
      const before = await snapshot();
      expect(await codeOf(changeStatus(ctx, incident.id, { status: 'identified' }))).toBe('INVALID_TRANSITION');
      expect(await codeOf(changeStatus(ctx, incident.id, { status: 'bogus' as never }))).toBe('VALIDATION');
      expect(await codeOf(declareIncident(ctx, { title: '', severity: 'SEV1' }))).toBe('VALIDATION');
      expect(await codeOf(declareIncident(ctx, { title: 'x'.repeat(100_000), severity: 'SEV1' }))).toBe('VALIDATION');
      expect(await codeOf(declareIncident(ctx, { title: 'ok', severity: 'SEV9' as never }))).toBe('VALIDATION');
      expect(await codeOf(declareIncident(ctx, { title: 'ok', severity: 'SEV1', colour: 'red' } as never))).toBe('VALIDATION');
      expect(await codeOf(addTimelineEntry(ctx, 'INC-99999', { text: 'nope' }))).toBe('NOT_FOUND');
      expect(await codeOf(addTimelineEntry(ctx, incident.id, { text: 'x', corrects: 999_999 }))).toBe('NOT_FOUND');
      expect(await codeOf(changeSeverity(ctx, incident.id, { severity: 'SEV1', reason: 'resolved already' }))).toBe('INVALID_TRANSITION');
      const viewer = testContext(t.store, { actor: { name: 'v', role: 'viewer', via: 'api' } });
      expect(await codeOf(declareIncident(viewer, { title: 'viewer cannot', severity: 'SEV4' }))).toBe('FORBIDDEN');
      expect(await codeOf(addTimelineEntry(viewer, incident.id, { text: 'viewer cannot' }))).toBe('FORBIDDEN');
      expect(await snapshot()).toEqual(before);
      await reopenIncident(ctx, incident.id, { reason: 'back' });
      expect((await showIncident(ctx, incident.id)).status).toBe('investigating');
    });

    it('lists open incidents by default and filters', async () => {
      const open = await listIncidents(ctx);
      expect(open.every((i) => i.status !== 'resolved')).toBe(true);
      const all = await listIncidents(ctx, { all: true });
      expect(all.length).toBeGreaterThan(open.length);
      const sev1 = await listIncidents(ctx, { all: true, severity: 'SEV1' });
      expect(sev1.length).toBeGreaterThan(0);
      expect(sev1.every((i) => i.severity === 'SEV1')).toBe(true);
      const svc = await listIncidents(ctx, { all: true, service: 'backend' });
      expect(svc.map((i) => i.title)).toEqual(['API down']);
      expect(all.map((i) => i.seq)).toEqual([...all.map((i) => i.seq)].sort((a, b) => b - a));
    });

    it('derives the update clock from the last update entry', async () => {
      const { incident } = await declareIncident(ctx, { title: 'Clock', severity: 'SEV1' });
      const v = (await showIncident(ctx, incident.id)).derived;
      expect(Date.parse(v.nextUpdateDueAt!) - Date.parse(incident.declaredAt)).toBe(15 * 60_000);
      const at = new Date(Date.parse(incident.declaredAt) + 60_000).toISOString();
      await t.store.db
        .insertInto('timeline')
        .values({ incident_id: incident.id, at, author: 'x', kind: 'update', text: 'update', corrects: null, data: null })
        .execute();
      const w = (await showIncident(ctx, incident.id)).derived;
      expect(w.lastUpdateAt).toBe(at);
      expect(Date.parse(w.nextUpdateDueAt!) - Date.parse(at)).toBe(15 * 60_000);
    });

    it('allocates distinct ids under concurrency', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => declareIncident(ctx, { title: `c${i}`, severity: 'SEV4' })));
      const ids = new Set(results.map((r) => r.incident.id));
      expect(ids.size).toBe(30);
    });

    it('commits a note added while a write transaction is open on its own, not inside that transaction', async () => {
      const { incident } = await declareIncident(ctx, { title: 'Note during a transaction', severity: 'SEV3' });
      let opened!: () => void;
      const isOpen = new Promise<void>((r) => {
        opened = r;
      });
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const tx = t.store.writeTx(async (trx) => {
        await trx
          .insertInto('timeline')
          .values({
            incident_id: incident.id,
            at: new Date().toISOString(),
            author: 'tx',
            kind: 'note',
            text: 'rolled back',
            corrects: null,
            data: null,
          })
          .execute();
        opened();
        await held;
        throw new Error('roll back');
      });
      await isOpen;
      const note = addTimelineEntry(ctx, incident.id, { text: 'kept' });
      release();
      await expect(tx).rejects.toThrow('roll back');
      expect(await note).toMatchObject({ text: 'kept', incidentId: incident.id });
      const texts = (await showIncident(ctx, incident.id)).timeline.map((e) => e.text);
      expect(texts).toContain('kept');
      expect(texts).not.toContain('rolled back');
    });

    // SQLite only (PostgreSQL has no WAL file of ours): defined only there, so no run reports a skip.
    if (dialect === 'sqlite')
      it('checkpoints the WAL in a worker thread once the store writes a lot', async () => {
        const { incident } = await declareIncident(ctx, { title: 'Busy incident', severity: 'SEV3' });
        const notes = async (n: number) => {
          for (let i = 0; i < n; i++) await addTimelineEntry(ctx, incident.id, { text: `note ${i} ${'x'.repeat(200)}` });
        };
        await notes(2 * CHECKPOINT_EVERY_WRITES);
        // The worker has taken over: the main connection no longer checkpoints inside statements.
        await vi.waitFor(async () =>
          expect(
            (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(t.store.db)).rows[0].wal_autocheckpoint,
          ).toBe(0),
        );
        const size = statSync(t.store.location).size;
        await notes(3 * CHECKPOINT_EVERY_WRITES);
        // …so the database file grows only because the worker copies the WAL into it.
        await vi.waitFor(() => expect(statSync(t.store.location).size).toBeGreaterThan(size), { timeout: 10_000 });
        expect((await showIncident(ctx, incident.id)).timeline.filter((e) => e.kind === 'note')).toHaveLength(5 * CHECKPOINT_EVERY_WRITES);
      });

    it('stores tokens hashed, authenticates and revokes', async () => {
      const t1 = await createToken(ctx, { name: 'ci', role: 'responder' });
      const row = await t.store.db.selectFrom('tokens').selectAll().where('id', '=', t1.id).executeTakeFirstOrThrow();
      expect(row.hash).not.toContain(t1.token.slice('wr_'.length + 12 + 1));
      expect(await authenticateToken(ctx, t1.token)).toMatchObject({ name: 'ci', role: 'responder' });
      expect(await authenticateToken(ctx, t1.token.slice(0, -1) + (t1.token.endsWith('A') ? 'B' : 'A'))).toBeNull();
      expect(await authenticateToken(ctx, 'garbage')).toBeNull();
      await revokeToken(ctx, t1.id);
      expect(await authenticateToken(ctx, t1.token)).toBeNull();
    });

    it('stores passwords with scrypt', async () => {
      await addUser(ctx, { name: 'olga', role: 'commander', password: 'correct horse battery' });
      const row = await t.store.db.selectFrom('users').selectAll().where('name', '=', 'olga').executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain('correct horse');
      expect(await authenticateUser(ctx, 'olga', 'correct horse battery')).toMatchObject({ role: 'commander' });
      expect(await authenticateUser(ctx, 'olga', 'wrong password!')).toBeNull();
      expect(await authenticateUser(ctx, 'nobody', 'whatever12345')).toBeNull();
    });

    it('records and lists deploys newest first', async () => {
      await recordDeploy(ctx, { service: 'backend', version: 'abc123', at: '2026-01-01T10:00:00Z' });
      await recordDeploy(ctx, { service: 'backend', version: 'def456', at: '2026-01-01T11:00:00Z' });
      await recordDeploy(ctx, { service: 'db', version: 'pg-16', kind: 'infra', at: '2026-01-01T12:00:00Z' });
      const list = await listDeploys(ctx, { service: 'backend' });
      expect(list.map((d) => d.version)).toEqual(['def456', 'abc123']);
      expect(await codeOf(recordDeploy(ctx, { service: 'backend', version: 'x', at: '2999-01-01T00:00:00Z' }))).toBe('VALIDATION');
    });
  });
}
