import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, removeUser } from '../../src/app/manage-users.js';
import { resolveSession, signIn, signOut, SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/app/web-sessions.js';
import { createTempStore, DIALECTS, testContext, type TempStore } from '../helpers/store.js';

for (const dialect of DIALECTS)
  describe(`web sessions on ${dialect} (use cases, controlled clock)`, () => {
    let ts: TempStore;
    let t = Date.parse('2026-11-27T10:00:00.000Z');
    const clock = () => ({ store: ts.store, now: () => new Date(t) });

    beforeAll(async () => {
      ts = await createTempStore(dialect);
      await addUser(testContext(ts.store), {
        name: 'carol',
        role: 'commander',
        password: 'carol password 1',
      });
    });
    afterAll(async () => ts?.cleanup());

    it('stores only a hash of the cookie value', async () => {
      const s = await signIn(clock(), {
        username: 'carol',
        password: 'carol password 1',
      });
      const rows = await ts.store.db.selectFrom('web_sessions').selectAll().execute();
      expect(rows.some((r) => r.id_hash === s.secret)).toBe(false);
      expect(JSON.stringify(rows)).not.toContain(s.secret);
      expect((await resolveSession(clock(), s.secret))?.actor).toEqual({
        name: 'carol',
        role: 'commander',
        via: 'web',
      });
    });

    it('ends after 12 idle hours, and slides while in use up to 7 days', async () => {
      const s = await signIn(clock(), {
        username: 'carol',
        password: 'carol password 1',
      });
      t += SESSION_IDLE_MS - 60_000;
      expect(await resolveSession(clock(), s.secret)).not.toBeNull(); // used: extended
      t += SESSION_IDLE_MS - 60_000;
      expect(await resolveSession(clock(), s.secret)).not.toBeNull();
      t += SESSION_IDLE_MS + 1;
      expect(await resolveSession(clock(), s.secret)).toBeNull();

      const busy = await signIn(clock(), {
        username: 'carol',
        password: 'carol password 1',
      });
      const start = t;
      while (t - start < SESSION_MAX_MS - SESSION_IDLE_MS) {
        t += 6 * 3600_000;
        expect(await resolveSession(clock(), busy.secret)).not.toBeNull();
      }
      t = start + SESSION_MAX_MS + 1;
      expect(await resolveSession(clock(), busy.secret)).toBeNull();
    });

    it('follows the user: a role change applies at once, removal ends the session', async () => {
      const s = await signIn(clock(), {
        username: 'carol',
        password: 'carol password 1',
      });
      await ts.store.db.updateTable('users').set({ role: 'viewer' }).where('name', '=', 'carol').execute();
      expect((await resolveSession(clock(), s.secret))?.role).toBe('viewer');
      await removeUser(testContext(ts.store), 'carol');
      expect(await resolveSession(clock(), s.secret)).toBeNull();
    });

    it('rejects malformed cookies and signed-out sessions', async () => {
      await addUser(testContext(ts.store), {
        name: 'dave',
        role: 'responder',
        password: 'dave password 1',
      });
      const s = await signIn(clock(), {
        username: 'dave',
        password: 'dave password 1',
      });
      expect(await resolveSession(clock(), 'not-a-session')).toBeNull();
      const tampered = `${s.secret.slice(0, -1)}${s.secret.endsWith('A') ? 'B' : 'A'}`;
      expect(await resolveSession(clock(), tampered)).toBeNull();
      await signOut(clock(), s.secret);
      expect(await resolveSession(clock(), s.secret)).toBeNull();
    });

    it('names the missing field and refuses mixing a token with a password', async () => {
      await expect(signIn(clock(), { username: 'dave' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'password' });
      await expect(signIn(clock(), { password: 'x' })).rejects.toMatchObject({
        code: 'VALIDATION',
        field: 'username',
      });
      await expect(signIn(clock(), { token: 'wr_x', username: 'dave' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'token' });
      await expect(signIn(clock(), { token: 'wr_000000000000_' + 'a'.repeat(43) })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });
  });
