import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../src/app/run-action.js';
import { configSchema, type WarroomConfig } from '../../src/config/schema.js';
import { expectRefusal } from '../helpers/factories.js';
import { createPgDatabase, createTempStore, PG_ADMIN_URL, testContext, type TempStore } from '../helpers/store.js';
import { actionEntries, newIncident } from './helpers.js';

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kill-query against the real PostgreSQL', () => {
  let ts: TempStore;
  let db: Awaited<ReturnType<typeof createPgDatabase>>;
  let admin: pg.Client;
  let config: WarroomConfig;
  let appUrl: string;
  const role = `wr_kq_${process.pid}_${Math.random().toString(36).slice(2, 6)}`;
  const clients: pg.Client[] = [];

  async function connect(url: string, app: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, application_name: app });
    // A terminated session emits 'error' on its client; that is the point of the test.
    c.on('error', () => {});
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    ts = await createTempStore('sqlite');
    db = await createPgDatabase('wr_kq');
    admin = await connect(db.url, 'test-admin');
    // An ordinary (non-superuser) role for the application sessions, as in production.
    await admin.query(`create role ${role} login`);
    await admin.query('create table orders (id int primary key, total int not null)');
    await admin.query('insert into orders values (1, 100)');
    await admin.query(`grant select, update on orders to ${role}`);
    appUrl = db.url.replace('postgres@', `${role}@`);
    config = configSchema.parse({ services: { db: { postgres: db.url } }, remediation: { kill_query: { cancel_wait: '3s' } } });
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await db.drop();
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    await c.query(`drop role if exists ${role}`);
    await c.end();
    await ts.cleanup();
  });

  it('shows the session, cancel does not release an idle-in-transaction lock, so it escalates to terminate; the blocked update then proceeds', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx, 'Checkout hangs on orders');
    const blocker = await connect(appUrl, 'batch-job');
    const blockerPid = Number((await blocker.query('select pg_backend_pid() as pid')).rows[0].pid);
    await blocker.query('begin');
    await blocker.query('update orders set total = total + 1 where id = 1');
    const waiter = await connect(appUrl, 'checkout');
    const waiterPid = Number((await waiter.query('select pg_backend_pid() as pid')).rows[0].pid);
    let waiterDone = false;
    const blockedUpdate = waiter.query('update orders set total = total + 10 where id = 1').then((r) => {
      waiterDone = true;
      return r;
    });
    await until(
      async () => (await admin.query('select pg_blocking_pids($1::int) as b', [waiterPid])).rows[0].b.map(Number).includes(blockerPid),
      'the waiter to block',
    );
    expect(waiterDone).toBe(false);

    const dry = await runAction(ctx, { action: 'kill-query', options: { pid: String(blockerPid) }, incident: inc, dry_run: true });
    expect(dry.plan!.facts.session).toMatchObject({
      pid: blockerPid,
      user: role,
      application: 'batch-job',
      state: 'idle in transaction',
      superuser: false,
      blocking: [waiterPid],
    });
    expect(dry.plan!.steps.map((s) => s.description)[0]).toContain(`pg_cancel_backend(${blockerPid})`);
    // Literals in the query are hidden, as in triage reports.
    expect((dry.plan!.facts.session as { query: string }).query).toBe('update orders set total = total + ? where id = ?');
    // Dry run touched nothing: the blocker is still there and still blocking.
    expect((await admin.query('select pg_blocking_pids($1::int) as b', [waiterPid])).rows[0].b.map(Number)).toContain(blockerPid);

    const r = await runAction(ctx, { action: 'kill-query', options: { pid: blockerPid }, incident: inc, confirm: true });
    expect(r.status).toBe('succeeded');
    expect(r.outcome!.facts).toMatchObject({ method: 'terminate', sessionGone: true });
    expect(r.outcome!.steps.map((s) => [s.description, s.status])).toEqual([
      [`pg_cancel_backend(${blockerPid})`, 'failed'],
      [`pg_terminate_backend(${blockerPid})`, 'succeeded'],
    ]);
    expect(r.outcome!.verification).toMatchObject({ ok: true, facts: { blockedBefore: [waiterPid], stillBlocked: [] } });
    const res = await blockedUpdate;
    expect(res.rowCount).toBe(1);
    // The blocker's transaction was rolled back: only the waiter's +10 is there.
    expect((await admin.query('select total from orders where id = 1')).rows[0].total).toBe(110);
    const [entry] = await actionEntries(ctx, inc);
    expect(entry.text).toContain(`kill-query db pid ${blockerPid}: succeeded`);
    expect(entry.data).toMatchObject({ status: 'succeeded', verification: { ok: true } });
  });

  it('refuses a superuser session without --force; with --force a cancel is enough for a running query', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const su = await connect(db.url, 'psql-admin');
    const suPid = Number((await su.query('select pg_backend_pid() as pid')).rows[0].pid);
    const sleeping = su.query('select pg_sleep(60)').then(
      () => 'finished',
      (e: Error) => e.message,
    );
    await until(
      async () => (await admin.query('select state from pg_stat_activity where pid = $1', [suPid])).rows[0]?.state === 'active',
      'pg_sleep to run',
    );
    const e = await expectRefusal(runAction(ctx, { action: 'kill-query', options: { pid: suPid }, incident: inc, confirm: true }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toBe(`refusing to kill pid ${suPid} on db: it belongs to superuser postgres; pass --force if you are sure`);
    const r = await runAction(ctx, { action: 'kill-query', options: { pid: suPid, force: true }, incident: inc, confirm: true });
    expect(r.status).toBe('succeeded');
    expect(r.plan!.warnings[0]).toMatch(/--force: it belongs to superuser/);
    expect(r.outcome!.facts).toMatchObject({ method: 'cancel', sessionGone: false });
    expect(await sleeping).toMatch(/canceling statement due to user request/);
    const entries = await actionEntries(ctx, inc);
    expect(entries.map((x) => (x.data as { status: string }).status)).toEqual(['refused', 'succeeded']);
  });

  it('refuses system processes (not client sessions) and a pid that does not exist; both recorded', async () => {
    const ctx = testContext(ts.store, { config });
    const inc = await newIncident(ctx);
    const sys = Number((await admin.query("select pid from pg_stat_activity where backend_type = 'checkpointer'")).rows[0].pid);
    const e = await expectRefusal(runAction(ctx, { action: 'kill-query', options: { pid: sys }, incident: inc, confirm: true }));
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toContain('it is a checkpointer process, not a client session');
    const nf = await expectRefusal(runAction(ctx, { action: 'kill-query', options: { pid: 2_000_000_000 }, incident: inc, confirm: true }));
    expect(nf.code).toBe('NOT_FOUND');
    expect(nf.message).toBe('pid: no session with pid 2000000000 on db (it may have finished; see pg_stat_activity)');
    const bad = await expectRefusal(
      runAction(ctx, { action: 'kill-query', options: { pid: '12; drop table orders' }, incident: inc, confirm: true }),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'pid' });
    expect((await admin.query('select count(*)::int as n from orders')).rows[0].n).toBe(1);
    const entries = await actionEntries(ctx, inc);
    expect(entries.map((x) => (x.data as { status: string }).status)).toEqual(['refused', 'refused', 'refused']);
  });
});
