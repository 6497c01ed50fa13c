import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startServeProcess } from '../helpers/server.js';
import { createPgDatabase } from '../helpers/store.js';
import { openStore, type Store } from '../../src/store/db.js';
import { declareIncident as decide } from '../../src/core/incident.js';
import { insertIncident } from '../../src/store/incident.repository.js';
import { setTimer } from '../../src/notify/effects.js';
import { startReceiver, waitFor, type Receiver } from './receivers.js';
import { WEBHOOK_SECRET } from './fixtures.js';

// Real `warroom serve` processes (built binary: run "npm run build" first).
describe('timers in warroom serve: restart and two instances', () => {
  let hook: Receiver;
  beforeAll(async () => {
    hook = await startReceiver('webhook', { secret: WEBHOOK_SECRET });
  });
  afterAll(async () => {
    await hook.close();
  });

  const yaml = (cadence: string, extra = '') => `
channels:
  webhook: { url: "${hook.url}/hook", secret: "${WEBHOOK_SECRET}" }
severities:
  SEV3: { update_cadence: ${cadence} }
coordination:
  timer_tick: 100ms
  overdue_repeat: 1h
  retry_base: 100ms
${extra}`;

  it('a reminder that comes due while the server is down (SIGKILL) fires once after restart', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'warroom.yaml'), yaml('12s'));
    const a = await startServeProcess({ cwd: dir });
    const d = await runCli(['declare', 'Restart test', '-s', 'SEV3', '--json'], { cwd: dir });
    expect(d.code).toBe(0);
    const due = Date.parse(d.json<{ incident: { derived: { nextUpdateDueAt: string } } }>().incident.derived.nextUpdateDueAt);
    await a.stop('SIGKILL');
    const reminders = () =>
      hook.received.filter((r) => r.json.type === 'reminder_due' && (r.json.incident as { id: string }).id === 'INC-1');
    expect(reminders()).toHaveLength(0);
    // Start again only once the reminder is overdue: it must have survived in the database.
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() + 200)));
    const b = await startServeProcess({ cwd: dir });
    try {
      await waitFor(() => reminders().length >= 1, 15_000, 'the reminder after restart');
      // A second restart does not fire it again.
      await b.stop('SIGTERM');
      const c = await startServeProcess({ cwd: dir });
      await new Promise((r) => setTimeout(r, 1500));
      await c.stop('SIGTERM');
    } finally {
      await b.stop('SIGKILL');
    }
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0].problems).toEqual([]);
    // Bounded, with room for three cold starts of `warroom serve` on a loaded 2-core machine.
  }, 180_000);

  it('two instances on one PostgreSQL fire 500 reminders: none lost, none doubled', async () => {
    const pg = await createPgDatabase('wr_coord');
    const dir = tempDir();
    const raw = yaml('8s');
    writeFileSync(join(dir, 'warroom.yaml'), raw);
    let store: Store | undefined;
    const servers: Awaited<ReturnType<typeof startServeProcess>>[] = [];
    try {
      // Migrate first so the two instances do not race to create the schema.
      store = await openStore({ databaseUrl: pg.url });
      servers.push(...(await Promise.all([0, 1].map(() => startServeProcess({ cwd: dir, env: { DATABASE_URL: pg.url } })))));
      const before = hook.received.length;
      const ids: string[] = [];
      // 500 open incidents declared 8 s ago minus a little, so their reminders come due together
      // in about 2 s (written in one transaction: the use-case path is covered in timers.test.ts).
      const declaredAt = new Date(Date.now() - 6000).toISOString();
      await store.writeTx(async (trx) => {
        for (let i = 0; i < 500; i++) {
          const { incident } = decide({ title: `Load ${i}`, severity: 'SEV3' }, 'tester', declaredAt);
          const inc = await insertIncident(trx, incident);
          ids.push(inc.id);
          await setTimer(
            trx,
            inc.id,
            { kind: 'reminder', dueAt: new Date(Date.parse(declaredAt) + 8000).toISOString(), count: 0 },
            declaredAt,
          );
        }
      });
      const mine = () => hook.received.slice(before).filter((r) => r.json.type === 'reminder_due');
      // Fired exactly once each, whichever instance took it: one outbox row per incident.
      await waitFor(
        async () =>
          Number(
            (
              await store!.db
                .selectFrom('outbox')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('kind', '=', 'reminder_due')
                .executeTakeFirst()
            )?.n,
          ) >= 500,
        30_000,
        '500 reminders fired',
      );
      // Delivery to one webhook is in order, one message at a time: allow for a loaded machine.
      await waitFor(() => mine().length >= 500, 150_000, '500 reminders delivered');
      await new Promise((r) => setTimeout(r, 1000));
      const got = mine();
      expect(got).toHaveLength(500);
      expect(new Set(got.map((r) => (r.json.incident as { id: string }).id))).toEqual(new Set(ids));
      // No message of any kind was delivered twice.
      const all = hook.received.slice(before).map((r) => r.json.id as string);
      expect(new Set(all).size).toBe(all.length);
      expect(got.every((r) => r.problems.length === 0)).toBe(true);
      const rows = await store.db.selectFrom('outbox').select(['incident_id']).where('kind', '=', 'reminder_due').execute();
      expect(rows.length).toBe(500);
      expect(new Set(rows.map((r) => r.incident_id)).size).toBe(500);
      const timers = await store.db.selectFrom('timers').select(['count']).where('kind', '=', 'reminder').execute();
      expect(timers.length).toBe(500);
      expect(timers.every((t) => Number(t.count) === 1)).toBe(true);
    } finally {
      for (const s of servers) await s.stop('SIGTERM');
      await store?.close();
      await pg.drop();
    }
  }, 240_000);
});
