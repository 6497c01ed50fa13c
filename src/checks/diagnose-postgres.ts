import type pg from 'pg';
import { connectPostgres, describeDsn, describePgError } from './postgres.js';
import { redactSql } from './sql-text.js';

export interface PostgresDiagnoseOptions {
  /** Queries running longer than this are reported (default 30 s). */
  longQueryMs?: number;
  /** Idle-in-transaction sessions older than this are reported (default 0: all of them). */
  idleInTransactionMs?: number;
  /** Timeout for connecting and for each diagnostic query (default 5 s). */
  timeoutMs?: number;
}

export interface PgSession {
  pid: number;
  user: string | null;
  application: string | null;
  clientAddr: string | null;
  state: string | null;
  waitEventType: string | null;
  waitEvent: string | null;
  /** Seconds since the current query started. */
  queryAgeS: number | null;
  /** Seconds since the transaction started. */
  xactAgeS: number | null;
  /** Seconds in the current state (for idle in transaction: how long it has been idle). */
  stateAgeS: number | null;
  query: string | null;
  /** The session's role is a superuser (kill-query then needs --force). */
  superuser: boolean | null;
}

export interface LockNode extends PgSession {
  /** The lock this session waits for (null for a root blocker that waits for nothing). */
  waitingFor: { mode: string; locktype: string; relation: string | null; waitS: number | null } | null;
  /** Sessions this one blocks directly. */
  blocks: LockNode[];
}

export interface PostgresDiagnosis {
  kind: 'postgres';
  target: string;
  reachable: boolean;
  error?: string;
  /** Numbers with their unit in the name (_s, _bytes, _pct). */
  facts: {
    server_version?: string;
    in_recovery?: boolean;
    max_connections?: number;
    reserved_connections?: number;
    usable_connections?: number;
    connections_used?: number;
    saturation_pct?: number;
    connections_by_state?: Record<string, number>;
    idle_in_transaction_count?: number;
    idle_in_transaction_max_s?: number;
    long_query_threshold_s?: number;
    long_query_count?: number;
    longest_query_s?: number;
    blocked_count?: number;
    root_blocker_count?: number;
    longest_lock_wait_s?: number;
    database?: string;
    database_size_bytes?: number;
    deadlocks?: number;
    xact_commit?: number;
    xact_rollback?: number;
    rollback_ratio_pct?: number;
    replica_count?: number;
    max_replication_lag_s?: number | null;
    replay_lag_s?: number | null;
    insufficient_privilege_count?: number;
  };
  /** Client backends grouped by application, user and state; a few pids each (oldest connection first). */
  connectionsByClient: {
    application: string | null;
    user: string | null;
    state: string | null;
    count: number;
    pids: number[];
    superuser: boolean;
  }[];
  idleInTransaction: PgSession[];
  longQueries: PgSession[];
  lockTree: LockNode[];
  replicas: {
    application: string | null;
    clientAddr: string | null;
    state: string | null;
    syncState: string | null;
    replayLagS: number | null;
  }[];
  /** Plain-language findings, most important first. */
  summary: string[];
  durationMs: number;
}

const SESSION_COLS = `pid, usename as user, application_name as application, client_addr::text as client_addr, state,
  wait_event_type, wait_event,
  extract(epoch from (now() - query_start))::float8 as query_age_s,
  extract(epoch from (now() - xact_start))::float8 as xact_age_s,
  extract(epoch from (now() - state_change))::float8 as state_age_s,
  query, (select r.rolsuper from pg_roles r where r.oid = usesysid) as superuser`;

type SessionRow = {
  pid: number;
  user: string | null;
  application: string | null;
  client_addr: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query_age_s: number | null;
  xact_age_s: number | null;
  state_age_s: number | null;
  query: string | null;
  superuser: boolean | null;
};

const round = (n: number | null | undefined, d = 1) => (n == null ? null : Math.round(n * 10 ** d) / 10 ** d);

function toSession(r: SessionRow): PgSession {
  return {
    pid: r.pid,
    user: r.user,
    application: r.application || null,
    clientAddr: r.client_addr,
    state: r.state,
    waitEventType: r.wait_event_type,
    waitEvent: r.wait_event,
    queryAgeS: round(r.query_age_s),
    xactAgeS: round(r.xact_age_s),
    stateAgeS: round(r.state_age_s),
    query: r.query === '<insufficient privilege>' ? r.query : redactSql(r.query),
    superuser: r.superuser ?? null,
  };
}

/**
 * The seed's PostgreSQL investigation, done right: every query excludes warroom's own
 * session (pg_backend_pid()), runs under statement_timeout, and lock contention is read
 * with pg_blocking_pids, which sees every lock type rather than one relation self-join.
 * Connection saturation is server-wide (max_connections is); sessions, queries and locks are
 * those of the database the URL names, so a neighbour's trouble is not reported as ours.
 */
export async function diagnosePostgres(dsn: string, opts: PostgresDiagnoseOptions = {}): Promise<PostgresDiagnosis> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const longMs = opts.longQueryMs ?? 30_000;
  const target = describeDsn(dsn);
  const base: PostgresDiagnosis = {
    kind: 'postgres',
    target,
    reachable: false,
    facts: {},
    connectionsByClient: [],
    idleInTransaction: [],
    longQueries: [],
    lockTree: [],
    replicas: [],
    summary: [],
    durationMs: 0,
  };
  let client: pg.Client;
  try {
    client = await connectPostgres(dsn, timeoutMs, 'warroom-diagnose');
  } catch (e) {
    const error = describePgError(e, target, timeoutMs);
    return { ...base, error, summary: [`cannot connect: ${error}`], durationMs: Math.round(performance.now() - t0) };
  }
  const d = { ...base, reachable: true };
  const f = d.facts;
  try {
    await client.query('set default_transaction_read_only = on');
    const s = (
      await client.query<{
        version: string;
        num: number;
        max_conn: number;
        su_reserved: number;
        reserved: number;
        recovery: boolean;
        db: string;
      }>(`select
      current_setting('server_version') as version, current_setting('server_version_num')::int as num,
      current_setting('max_connections')::int as max_conn, current_setting('superuser_reserved_connections')::int as su_reserved,
      coalesce(current_setting('reserved_connections', true), '0')::int as reserved,
      pg_is_in_recovery() as recovery, current_database() as db`)
    ).rows[0];
    f.server_version = s.version;
    f.in_recovery = s.recovery;
    f.database = s.db;
    f.max_connections = s.max_conn;
    f.reserved_connections = s.su_reserved + s.reserved;
    f.usable_connections = s.max_conn - f.reserved_connections;

    const byClient = (
      await client.query<{
        application: string | null;
        user: string | null;
        state: string | null;
        count: string;
        pids: number[];
        superuser: boolean | null;
      }>(`select application_name as application, usename as user, coalesce(state, 'unknown') as state, count(*) as count,
        (array_agg(pid order by backend_start))[1:5] as pids, bool_or(coalesce((select r.rolsuper from pg_roles r where r.oid = usesysid), false)) as superuser
      from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()
      group by 1, 2, 3 order by count(*) desc`)
    ).rows;
    d.connectionsByClient = byClient.map((r) => ({
      application: r.application || null,
      user: r.user,
      state: r.state,
      count: Number(r.count),
      pids: (r.pids ?? []).map(Number),
      superuser: r.superuser === true,
    }));
    const byState: Record<string, number> = {};
    for (const r of d.connectionsByClient) byState[r.state ?? 'unknown'] = (byState[r.state ?? 'unknown'] ?? 0) + r.count;
    f.connections_by_state = byState;
    // Our own session occupies a slot too, but is not part of the problem being diagnosed.
    f.connections_used = d.connectionsByClient.reduce((a, r) => a + r.count, 0);
    f.saturation_pct = round((f.connections_used / Math.max(1, f.usable_connections)) * 100) ?? 0;

    const idleMs = opts.idleInTransactionMs ?? 0;
    d.idleInTransaction = (
      await client.query<SessionRow>(
        `select ${SESSION_COLS} from pg_stat_activity
      where state in ('idle in transaction', 'idle in transaction (aborted)') and pid <> pg_backend_pid() and datname = current_database()
        and now() - state_change >= make_interval(secs => $1) order by state_change`,
        [idleMs / 1000],
      )
    ).rows.map(toSession);
    f.idle_in_transaction_count = d.idleInTransaction.length;
    f.idle_in_transaction_max_s = Math.max(0, ...d.idleInTransaction.map((x) => x.stateAgeS ?? 0));

    f.long_query_threshold_s = longMs / 1000;
    d.longQueries = (
      await client.query<SessionRow>(
        `select ${SESSION_COLS} from pg_stat_activity
      where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid() and datname = current_database()
        and coalesce(wait_event_type, '') <> 'Lock'
        and now() - query_start > make_interval(secs => $1) order by query_start`,
        [longMs / 1000],
      )
    ).rows.map(toSession);
    f.long_query_count = d.longQueries.length;
    f.longest_query_s = Math.max(0, ...d.longQueries.map((x) => x.queryAgeS ?? 0));

    d.lockTree = await readLockTree(client, s.num);
    const walk = (n: LockNode[], acc: LockNode[] = []): LockNode[] => {
      for (const x of n) {
        acc.push(x);
        walk(x.blocks, acc);
      }
      return acc;
    };
    const all = walk(d.lockTree);
    const waiting = all.filter((x) => x.waitingFor);
    f.blocked_count = new Set(waiting.map((x) => x.pid)).size;
    f.root_blocker_count = d.lockTree.length;
    f.longest_lock_wait_s = Math.max(0, ...waiting.map((x) => x.waitingFor?.waitS ?? 0));

    const db = (
      await client.query<{
        size: string;
        deadlocks: string;
        commit: string;
        rollback: string;
      }>(`select pg_database_size(datname) as size, deadlocks, xact_commit as commit, xact_rollback as rollback
      from pg_stat_database where datname = current_database()`)
    ).rows[0];
    if (db) {
      f.database_size_bytes = Number(db.size);
      f.deadlocks = Number(db.deadlocks);
      f.xact_commit = Number(db.commit);
      f.xact_rollback = Number(db.rollback);
      const total = f.xact_commit + f.xact_rollback;
      f.rollback_ratio_pct = total ? round((f.xact_rollback / total) * 100, 2)! : 0;
    }
    if (s.recovery) {
      const lag = (
        await client.query<{ lag: number | null }>('select extract(epoch from (now() - pg_last_xact_replay_timestamp()))::float8 as lag')
      ).rows[0];
      f.replay_lag_s = round(lag?.lag);
    } else {
      d.replicas = (
        await client.query<{
          application: string | null;
          client_addr: string | null;
          state: string | null;
          sync_state: string | null;
          lag: number | null;
        }>(`select application_name as application, client_addr::text as client_addr, state, sync_state,
        extract(epoch from replay_lag)::float8 as lag from pg_stat_replication`)
      ).rows.map((r) => ({
        application: r.application,
        clientAddr: r.client_addr,
        state: r.state,
        syncState: r.sync_state,
        replayLagS: round(r.lag),
      }));
      f.replica_count = d.replicas.length;
      f.max_replication_lag_s = d.replicas.length ? Math.max(...d.replicas.map((r) => r.replayLagS ?? 0)) : null;
    }
    f.insufficient_privilege_count = [...d.idleInTransaction, ...d.longQueries, ...all].filter(
      (x) => x.query === '<insufficient privilege>',
    ).length;
  } catch (e) {
    d.error = describePgError(e, target, timeoutMs);
  } finally {
    await client.end().catch(() => {});
  }
  d.summary = summarizePostgres(d);
  d.durationMs = Math.round(performance.now() - t0);
  return d;
}

async function readLockTree(client: pg.Client, versionNum: number): Promise<LockNode[]> {
  const waiters = (
    await client.query<SessionRow & { blocked_by: number[] }>(`select ${SESSION_COLS}, pg_blocking_pids(pid) as blocked_by
    from pg_stat_activity where pid <> pg_backend_pid() and datname = current_database() and wait_event_type = 'Lock' and cardinality(pg_blocking_pids(pid)) > 0`)
  ).rows;
  if (!waiters.length) return [];
  const blockerPids = [...new Set(waiters.flatMap((w) => w.blocked_by))].filter((p) => !waiters.some((w) => w.pid === p));
  const blockers = blockerPids.length
    ? (await client.query<SessionRow>(`select ${SESSION_COLS} from pg_stat_activity where pid = any($1::int[])`, [blockerPids])).rows
    : [];
  // waitstart (how long the lock has been awaited) exists from PostgreSQL 14; before that, the state change is the best proxy.
  const waitExpr = versionNum >= 140000 ? 'extract(epoch from (now() - l.waitstart))::float8' : 'null::float8';
  const locks = (
    await client.query<{ pid: number; mode: string; locktype: string; relation: string | null; wait_s: number | null }>(
      `select l.pid, l.mode, l.locktype,
      case when l.relation is not null then l.relation::regclass::text end as relation, ${waitExpr} as wait_s
    from pg_locks l where not l.granted and l.pid = any($1::int[])`,
      [waiters.map((w) => w.pid)],
    )
  ).rows;
  const nodes = new Map<number, LockNode>();
  for (const r of [...waiters, ...blockers]) {
    const lock = locks.find((l) => l.pid === r.pid);
    const waitingFor = lock
      ? { mode: lock.mode, locktype: lock.locktype, relation: lock.relation, waitS: round(lock.wait_s ?? r.state_age_s) }
      : null;
    nodes.set(r.pid, { ...toSession(r), waitingFor, blocks: [] });
  }
  // A session can wait on several holders (e.g. share lock holders); hang it under each, but count it once.
  // In a queue for one row PostgreSQL also names every waiter ahead of it as a blocker: hanging it under
  // those too would copy each waiter once per path (2^n nodes for n waiters). A waiter hangs under the
  // holders among its blockers, or, when it waits only on other waiters, under the first of them.
  const waiting = new Set(waiters.map((w) => w.pid));
  const parents = new Map<number, number[]>();
  for (const w of waiters) {
    const bs = w.blocked_by.filter((p) => nodes.has(p));
    const holders = bs.filter((p) => !waiting.has(p));
    parents.set(w.pid, holders.length ? holders : bs.slice(0, 1));
  }
  for (const [child, ps] of parents) for (const p of ps) nodes.get(p)!.blocks.push(nodes.get(child)!);
  let roots = [...nodes.values()].filter((n) => !parents.get(n.pid)?.length);
  // A deadlock that PostgreSQL has not yet broken forms a cycle with no root: report its members as roots.
  if (!roots.length) roots = [...nodes.values()];
  // Copy into a finite tree: a cycle below a root is cut where a pid repeats on the path.
  const copy = (n: LockNode, path: Set<number>): LockNode => ({
    ...n,
    blocks: n.blocks.filter((c) => !path.has(c.pid)).map((c) => copy(c, new Set([...path, c.pid]))),
  });
  return roots.map((r) => copy(r, new Set([r.pid]))).sort((a, b) => countDescendants(b) - countDescendants(a));
}

function countDescendants(n: LockNode, seen = new Set<number>()): number {
  let c = 0;
  for (const ch of n.blocks)
    if (!seen.has(ch.pid)) {
      seen.add(ch.pid);
      c += 1 + countDescendants(ch, seen);
    }
  return c;
}

function summarizePostgres(d: PostgresDiagnosis): string[] {
  const f = d.facts;
  const out: string[] = [];
  if (!d.reachable) return [`cannot connect: ${d.error}`];
  out.push(`PostgreSQL ${f.server_version}${f.in_recovery ? ' (replica)' : ''}, database ${f.database}`);
  out.push(
    `${f.connections_used} of ${f.usable_connections} usable connections in use (${f.saturation_pct}%)${
      Object.keys(f.connections_by_state ?? {}).length
        ? `: ${Object.entries(f.connections_by_state!)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')}`
        : ''
    }`,
  );
  for (const root of d.lockTree) {
    out.push(
      `lock contention: pid ${root.pid} (${root.state ?? '?'}${root.xactAgeS != null ? `, transaction open ${root.xactAgeS} s` : ''}) blocks ${countDescendants(root)} session(s); root query: ${root.query ?? '?'}`,
    );
  }
  if (f.idle_in_transaction_count)
    out.push(`${f.idle_in_transaction_count} session(s) idle in transaction, the oldest for ${f.idle_in_transaction_max_s} s`);
  if (f.long_query_count)
    out.push(`${f.long_query_count} query(ies) running longer than ${f.long_query_threshold_s} s, the longest ${f.longest_query_s} s`);
  if (f.deadlocks) out.push(`${f.deadlocks} deadlock(s) since statistics reset`);
  if ((f.rollback_ratio_pct ?? 0) > 5) out.push(`rollback ratio ${f.rollback_ratio_pct}%`);
  if (f.max_replication_lag_s) out.push(`replication lag up to ${f.max_replication_lag_s} s across ${f.replica_count} replica(s)`);
  if (f.replay_lag_s != null) out.push(`this replica last replayed a transaction ${f.replay_lag_s} s ago`);
  if (f.insufficient_privilege_count)
    out.push(
      `${f.insufficient_privilege_count} session(s) hidden by permissions: grant pg_read_all_stats to the warroom user to see their queries`,
    );
  if (d.error) out.push(`diagnosis incomplete: ${d.error}`);
  return out;
}
