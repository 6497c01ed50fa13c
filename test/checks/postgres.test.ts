import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPostgres, connectPostgres } from '../../src/checks/postgres.js';
import { diagnosePostgres, type LockNode } from '../../src/checks/diagnose-postgres.js';
import { redactSql } from '../../src/checks/sql-text.js';
import { createPgDatabase } from '../helpers/store.js';
import { refusedPort } from './peers.js';

/**
 * Real broken states on the machine's PostgreSQL: a session holding a row lock in an open
 * transaction with two sessions blocked behind it, a long pg_sleep query, and a leaked
 * idle-in-transaction session. Each lives in a private database dropped at the end.
 */
let db: { url: string; drop(): Promise<void> };
const clients: pg.Client[] = [];
const pending: Promise<unknown>[] = [];
let holderPid = 0;
let waiterPids: number[] = [];
let sleeperPid = 0;
let leakPid = 0;
const withPassword = () => db.url.replace('postgres://postgres@', 'postgres://postgres:Sup3rS3cretPw@');

async function session(app: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, application_name: app });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

async function waitFor(what: string, sql: string, params: unknown[], ok: (rows: Record<string, unknown>[]) => boolean): Promise<void> {
  const admin = await session('test-poller');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await admin.query(sql, params);
    if (ok(r.rows)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(r.rows)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

beforeAll(async () => {
  db = await createPgDatabase('wr_diag');
  const setup = await session('test-setup');
  await setup.query(
    "create table accounts (id int primary key, owner text, balance int); insert into accounts values (1, 'alice', 100), (2, 'bob', 50)",
  );
  const holder = await session('billing-worker');
  holderPid = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid;
  await holder.query('begin');
  await holder.query("update accounts set balance = balance - 10, owner = 'secret-literal-value' where id = 1");
  const w1 = await session('api-request');
  const w2 = await session('api-request');
  waiterPids = [
    (await w1.query('select pg_backend_pid() as pid')).rows[0].pid,
    (await w2.query('select pg_backend_pid() as pid')).rows[0].pid,
  ];
  pending.push(w1.query('update accounts set balance = balance + 1 where id = 1').catch(() => {}));
  pending.push(w2.query('update accounts set balance = balance + 2 where id = 1').catch(() => {}));
  const sleeper = await session('report-job');
  sleeperPid = (await sleeper.query('select pg_backend_pid() as pid')).rows[0].pid;
  pending.push(sleeper.query('select pg_sleep(60), 42 as answer').catch(() => {}));
  const leak = await session('leaky-app');
  leakPid = (await leak.query('select pg_backend_pid() as pid')).rows[0].pid;
  await leak.query('begin');
  await leak.query('select count(*) from accounts where balance > 10');
  await waitFor(
    'two lock waiters and a running sleep',
    `select count(*) filter (where wait_event_type = 'Lock') as waiters,
      count(*) filter (where pid = $1 and now() - query_start > interval '700 milliseconds') as sleeping
      from pg_stat_activity where datname = current_database()`,
    [sleeperPid],
    (rows) => Number(rows[0].waiters) === 2 && Number(rows[0].sleeping) === 1,
  );
}, 60_000);

afterAll(async () => {
  await db?.drop();
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await Promise.allSettled(pending);
});

const flatten = (n: LockNode[], acc: LockNode[] = []): LockNode[] => {
  for (const x of n) {
    acc.push(x);
    flatten(x.blocks, acc);
  }
  return acc;
};

describe('a queue of waiters on one row', () => {
  it('lists each waiter once (PostgreSQL names the waiters ahead as blockers too: no copy per path)', async () => {
    const q = await createPgDatabase('wr_diag_queue');
    const own: pg.Client[] = [];
    const open = async (app: string) => {
      const c = new pg.Client({ connectionString: q.url, application_name: app });
      c.on('error', () => {});
      await c.connect();
      own.push(c);
      return c;
    };
    const waits: Promise<unknown>[] = [];
    try {
      await (await open('setup')).query('create table stock (id int primary key, n int); insert into stock values (1, 10)');
      const holder = await open('holder');
      await holder.query('begin');
      await holder.query('update stock set n = n - 1 where id = 1');
      for (let i = 0; i < 8; i++) {
        const w = await open('queue');
        waits.push(w.query('update stock set n = n + 1 where id = 1').catch(() => {}));
        // One at a time, so each later waiter queues behind the earlier ones as well as the holder.
        await new Promise((r) => setTimeout(r, 60));
      }
      const poll = await open('poll');
      for (let i = 0; ; i++) {
        const r = await poll.query(
          "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if (Number(r.rows[0].n) === 8) break;
        if (i > 200) throw new Error('the queue did not form');
        await new Promise((r) => setTimeout(r, 50));
      }
      const d = await diagnosePostgres(q.url);
      expect(d.facts.blocked_count).toBe(8);
      const all = flatten(d.lockTree);
      // 1 holder + 8 waiters, each once (before: 1 + 2^8 - 1 nodes).
      expect(all.length).toBe(9);
      expect(new Set(all.map((n) => n.pid)).size).toBe(9);
      expect(d.lockTree[0].application).toBe('holder');
    } finally {
      await Promise.all(own.map((c) => c.end().catch(() => {})));
      await Promise.allSettled(waits);
      await q.drop();
    }
  }, 30_000);
});

describe('diagnose postgres against real contention', () => {
  it('builds the lock tree with pg_blocking_pids: the holder is the root, both waiters below it', async () => {
    const d = await diagnosePostgres(withPassword(), { longQueryMs: 500 });
    expect(d.reachable).toBe(true);
    expect(d.error).toBeUndefined();
    expect(d.lockTree).toHaveLength(1);
    const root = d.lockTree[0];
    expect(root.pid).toBe(holderPid);
    expect(root.application).toBe('billing-worker');
    expect(root.state).toBe('idle in transaction');
    expect(root.waitingFor).toBeNull();
    const below = flatten(root.blocks);
    expect(new Set(below.map((n) => n.pid))).toEqual(new Set(waiterPids));
    for (const w of below) {
      expect(w.waitingFor).not.toBeNull();
      expect(w.waitingFor!.mode).toMatch(/Lock$/);
      expect(w.waitingFor!.waitS).toBeGreaterThanOrEqual(0);
      expect(w.query).toMatch(/^update accounts set balance = balance \+ \? where id = \?$/);
    }
    expect(d.facts.blocked_count).toBe(2);
    expect(d.facts.root_blocker_count).toBe(1);
    // Literals are redacted in every query text shown.
    expect(root.query).toBe('update accounts set balance = balance - ?, owner = ? where id = ?');
    expect(JSON.stringify(d)).not.toContain('secret-literal-value');
  });

  it('finds the long pg_sleep query with its duration, and the idle-in-transaction sessions with their age', async () => {
    const d = await diagnosePostgres(db.url, { longQueryMs: 500 });
    const long = d.longQueries.find((q) => q.pid === sleeperPid);
    expect(long).toBeDefined();
    expect(long!.queryAgeS).toBeGreaterThanOrEqual(0.5);
    expect(long!.state).toBe('active');
    expect(long!.waitEvent).toBe('PgSleep');
    expect(long!.query).toBe('select pg_sleep(?), ? as answer');
    expect(d.facts.long_query_count).toBeGreaterThanOrEqual(1);
    expect(d.facts.long_query_threshold_s).toBe(0.5);
    const idle = d.idleInTransaction.map((s) => s.pid);
    expect(idle).toContain(leakPid);
    expect(idle).toContain(holderPid);
    expect(d.facts.idle_in_transaction_count).toBe(2);
    expect(d.facts.idle_in_transaction_max_s).toBeGreaterThan(0);
    // Blocked waiters are not "long queries" at a 30 s threshold: the default does not fire here.
    const defaults = await diagnosePostgres(db.url);
    expect(defaults.facts.long_query_threshold_s).toBe(30);
    expect(defaults.longQueries).toHaveLength(0);
  });

  it('counts connections by state and application against max_connections minus reserved, without its own session', async () => {
    const d = await diagnosePostgres(db.url);
    expect(d.facts.usable_connections).toBe(d.facts.max_connections! - d.facts.reserved_connections!);
    expect(d.facts.connections_used).toBeGreaterThanOrEqual(6);
    expect(d.facts.saturation_pct).toBeCloseTo((d.facts.connections_used! / d.facts.usable_connections!) * 100, 0);
    expect(d.connectionsByClient.some((c) => c.application === 'api-request' && c.state === 'active' && c.count === 2)).toBe(true);
    expect(d.connectionsByClient.some((c) => c.application === 'warroom-diagnose')).toBe(false);
    for (const s of [...d.longQueries, ...d.idleInTransaction, ...flatten(d.lockTree)]) expect(s.application).not.toBe('warroom-diagnose');
    expect(d.facts.database_size_bytes).toBeGreaterThan(0);
    expect(typeof d.facts.deadlocks).toBe('number');
    expect(d.facts.rollback_ratio_pct).toBeGreaterThanOrEqual(0);
    expect(d.facts.replica_count).toBe(0);
    expect(d.summary.join('\n')).toMatch(/lock contention: pid \d+ \(idle in transaction, transaction open [\d.]+ s\) blocks 2 session/);
  });

  it('its own session runs under statement_timeout and lock_timeout, read-only', async () => {
    const c = await connectPostgres(db.url, 1234);
    try {
      expect((await c.query('show statement_timeout')).rows[0].statement_timeout).toBe('1234ms');
      expect((await c.query('show lock_timeout')).rows[0].lock_timeout).toBe('1s');
      await expect(c.query('select pg_sleep(3)')).rejects.toThrow(/statement timeout/);
    } finally {
      await c.end();
    }
  });
});

describe('postgres check and failures, with the password never shown', () => {
  it('is up with SELECT 1 and the server version', async () => {
    const r = await checkPostgres('db', withPassword());
    expect(r.state).toBe('up');
    expect(r.evidence.serverVersion).toMatch(/^\d+/);
    expect(r.target).not.toContain('Sup3rS3cretPw');
  });

  it('explains a refused port, an unknown database and an unknown role', async () => {
    const port = await refusedPort();
    const refused = await checkPostgres('db', `postgres://app:Sup3rS3cretPw@127.0.0.1:${port}/app`);
    expect(refused.state).toBe('down');
    expect(refused.error).toMatch(/connection refused/);
    const noDb = await diagnosePostgres(db.url.replace(/\/[^/]+$/, '/wr_no_such_db'));
    expect(noDb.reachable).toBe(false);
    expect(noDb.error).toMatch(/database "wr_no_such_db" does not exist/);
    const noRole = await checkPostgres('db', db.url.replace('postgres://postgres@', 'postgres://nobody_here:Sup3rS3cretPw@'));
    expect(noRole.state).toBe('down');
    expect(noRole.error).toMatch(/authentication failed|role "nobody_here" does not exist/);
    for (const x of [refused, noRole, noDb]) expect(JSON.stringify(x)).not.toContain('Sup3rS3cretPw');
  });
});

describe('redactSql', () => {
  it('replaces string, escaped, dollar-quoted and numeric literals, keeps identifiers and $n', () => {
    expect(redactSql("select * from users2 where email = 'a@b.c' and id = 42 and x = $1")).toBe(
      'select * from users2 where email = ? and id = ? and x = $1',
    );
    expect(redactSql("insert into t values (E'it''s', -3.5e2, $$body$$)")).toBe('insert into t values (?, ?, ?)');
    expect(redactSql("alter role app password 'hunter2'")).not.toContain('hunter2');
    expect(redactSql('x'.repeat(500))!.length).toBe(300);
  });
});
