import pg from 'pg';
import { notFound, validation, WarroomError } from '../core/errors.js';
import { redactUrl } from '../store/db.js';
import { redactSql } from '../checks/sql-text.js';
import { findService, onlyKeys, optBool, optString, outcome, sleep } from './common.js';
import type { ActionEnv, PlanStep, PrepareAction, StepResult } from './types.js';

export const DEFAULT_CANCEL_WAIT_MS = 5000;
/** Our own statements must never hang an incident: each is bounded. */
const STATEMENT_TIMEOUT_MS = 5000;
const POLL_MS = 200;

/** The facts shown before anything is killed. */
export interface SessionInfo {
  pid: number;
  user: string | null;
  superuser: boolean;
  application: string | null;
  clientAddr: string | null;
  database: string | null;
  backendType: string | null;
  state: string | null;
  waitEvent: string | null;
  queryStart: string | null;
  xactStart: string | null;
  /** Seconds since the current query (or transaction, when idle in one) started. */
  durationSeconds: number | null;
  query: string | null;
  /** Sessions waiting on a lock this one holds (the lock tree under it). */
  blocking: number[];
  /** Sessions this one waits for. */
  blockedBy: number[];
}

const SESSION_SQL = `
  select a.pid, a.usename as "user", coalesce(r.rolsuper, false) as superuser, a.application_name as application,
         host(a.client_addr) as "clientAddr", a.datname as database, a.backend_type as "backendType", a.state,
         case when a.wait_event is null then null else a.wait_event_type || ':' || a.wait_event end as "waitEvent",
         a.query_start as "queryStart", a.xact_start as "xactStart",
         extract(epoch from (now() - coalesce(case when a.state = 'active' then a.query_start end, a.xact_start, a.query_start)))::float8 as "durationSeconds",
         a.query,
         coalesce((select array_agg(b.pid order by b.pid) from pg_stat_activity b where a.pid = any(pg_blocking_pids(b.pid))), '{}') as blocking,
         pg_blocking_pids(a.pid) as "blockedBy"
    from pg_stat_activity a left join pg_roles r on r.oid = a.usesysid
   where a.pid = $1`;

/** Backend types that are not client sessions: killing them breaks replication or maintenance. */
const CLIENT_BACKEND = 'client backend';

export async function readSession(client: pg.Client, pid: number): Promise<SessionInfo | null> {
  const r = await client.query(SESSION_SQL, [pid]);
  if (!r.rows.length) return null;
  const row = r.rows[0] as Record<string, unknown>;
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v == null ? null : String(v));
  return {
    pid: Number(row.pid),
    user: (row.user as string) ?? null,
    superuser: !!row.superuser,
    application: (row.application as string) || null,
    clientAddr: (row.clientAddr as string) ?? null,
    database: (row.database as string) ?? null,
    backendType: (row.backendType as string) ?? null,
    state: (row.state as string) ?? null,
    waitEvent: (row.waitEvent as string) ?? null,
    queryStart: iso(row.queryStart),
    xactStart: iso(row.xactStart),
    durationSeconds: row.durationSeconds == null ? null : Math.round(Number(row.durationSeconds) * 10) / 10,
    query: (row.query as string) ?? null,
    blocking: (row.blocking as number[]).map(Number),
    blockedBy: (row.blockedBy as number[]).map(Number),
  };
}

/** Which of these sessions still wait on a lock held by pid. */
async function stillBlockedBy(client: pg.Client, pid: number, waiters: number[]): Promise<number[]> {
  if (!waiters.length) return [];
  const r = await client.query(
    'select pid from pg_stat_activity where pid = any($1::int[]) and $2::int = any(pg_blocking_pids(pid)) order by pid',
    [waiters, pid],
  );
  return r.rows.map((x: { pid: number }) => Number(x.pid));
}

function pickPostgresService(env: ActionEnv, name: string | undefined): { name: string; url: string } {
  if (name !== undefined) {
    const { svc } = findService(env.config, name);
    if (!svc.postgres) throw validation(`service: ${name} has no postgres URL in warroom.yaml (services.${name}.postgres)`, 'service');
    return { name, url: svc.postgres };
  }
  const withPg = Object.entries(env.config.services ?? {}).filter(([, s]) => s.postgres);
  if (withPg.length === 1) return { name: withPg[0][0], url: withPg[0][1].postgres! };
  if (!withPg.length) throw validation('service: no service in warroom.yaml has a postgres URL (services.NAME.postgres)', 'service');
  throw validation(
    `service: several services have a postgres URL (${withPg.map(([n]) => n).join(', ')}); choose one with --service`,
    'service',
  );
}

function parsePid(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n <= 0 || n > 2_147_483_647)
    throw validation(`pid: "${String(v ?? '')}" is not a backend process id (a positive whole number from pg_stat_activity)`, 'pid');
  return n;
}

/**
 * kill-query --pid N [--service NAME] [--terminate] [--force]: shows the session, asks
 * pg_cancel_backend to stop the query and escalates to pg_terminate_backend only if the session
 * is still running it or still holds locks others wait for; then reports whether the lock tree cleared.
 */
export const prepareKillQuery: PrepareAction = async (env, o) => {
  onlyKeys(o, ['pid', 'service', 'terminate', 'force'], 'kill-query');
  const pid = parsePid(o.pid);
  const terminateFirst = optBool(o, 'terminate');
  const force = optBool(o, 'force');
  const { name, url } = pickPostgresService(env, optString(o, 'service'));
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: 'warroom',
  });
  // A dropped connection (server restart, someone killing *our* session) surfaces on the next
  // query as an error; without a listener it would crash the process instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw new WarroomError('UNAVAILABLE', `cannot connect to ${name}'s PostgreSQL at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  const close = () => client.end().catch(() => {});
  try {
    const own = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
    if (pid === own) throw validation(`pid: ${pid} is warroom's own connection; nothing to kill`, 'pid');
    const s = await readSession(client, pid);
    if (!s) throw notFound(`pid: no session with pid ${pid} on ${name} (it may have finished; see pg_stat_activity)`);
    const reasons: string[] = [];
    if (s.backendType !== CLIENT_BACKEND)
      reasons.push(
        `it is a ${s.backendType ?? 'system'} process${s.backendType === 'walsender' ? ' (replication)' : ''}, not a client session`,
      );
    if (s.superuser) reasons.push(`it belongs to superuser ${s.user}`);
    if (reasons.length && !force) {
      throw new WarroomError('FORBIDDEN', `refusing to kill pid ${pid} on ${name}: ${reasons.join('; ')}; pass --force if you are sure`, {
        field: 'pid',
        details: { session: redactSession(env, s) },
      });
    }
    const cancelWait = env.config.remediation?.kill_query?.cancel_wait ?? DEFAULT_CANCEL_WAIT_MS;
    const shown = redactSession(env, s);
    const steps: PlanStep[] = terminateFirst
      ? [{ kind: 'sql' as const, description: `select pg_terminate_backend(${pid})  -- ends the session and rolls back its transaction` }]
      : [
          { kind: 'sql' as const, description: `select pg_cancel_backend(${pid})  -- stops the running query, keeps the session` },
          {
            kind: 'sql' as const,
            description: `if after ${cancelWait / 1000}s the session still runs the query or blocks others: select pg_terminate_backend(${pid})`,
          },
        ];
    steps.push({
      kind: 'verify',
      description: `check that the ${s.blocking.length} session(s) waiting on pid ${pid} are no longer blocked by it`,
    });
    return {
      plan: {
        action: 'kill-query',
        target: `${name} pid ${pid}`,
        role: 'commander',
        summary: `${terminateFirst ? 'terminate' : 'cancel (then terminate if needed)'} pid ${pid} (${s.user ?? '?'}@${s.database ?? '?'}, ${s.state ?? '?'} for ${s.durationSeconds ?? '?'}s) on ${name}`,
        steps,
        facts: { service: name, session: shown },
        warnings: reasons.length ? [`--force: ${reasons.join('; ')}`] : [],
      },
      close,
      async execute() {
        const results: StepResult[] = [];
        const lines: string[] = [`session before: ${describe(shown)}`];
        let method: 'cancel' | 'terminate' = terminateFirst ? 'terminate' : 'cancel';
        if (!terminateFirst) {
          const t0 = performance.now();
          const ok = (await client.query('select pg_cancel_backend($1) as ok', [pid])).rows[0].ok as boolean;
          lines.push(`pg_cancel_backend(${pid}) → ${ok}`);
          const cleared =
            ok &&
            (await waitFor(
              async () => {
                const now = await readSession(client, pid);
                if (!now) return true;
                const sameQuery = now.state === 'active' && now.queryStart === s.queryStart;
                return !sameQuery && (await stillBlockedBy(client, pid, s.blocking)).length === 0;
              },
              cancelWait,
              env.signal,
            ));
          results.push({
            description: `pg_cancel_backend(${pid})`,
            status: cleared ? 'succeeded' : 'failed',
            durationMs: Math.round(performance.now() - t0),
            error: cleared ? null : 'the session still runs the query or still blocks others',
          });
          if (!cleared) {
            if (env.signal?.aborted) {
              return outcome({
                status: 'interrupted',
                steps: results,
                output: lines.join('\n'),
                summary: `interrupted after pg_cancel_backend(${pid}); not escalated to terminate`,
                error: 'interrupted',
                verification: { ok: null, detail: 'interrupted' },
              });
            }
            lines.push(`still running or blocking after ${cancelWait} ms: escalating to pg_terminate_backend`);
            method = 'terminate';
          }
        }
        if (method === 'terminate') {
          const t0 = performance.now();
          const ok = (await client.query('select pg_terminate_backend($1) as ok', [pid])).rows[0].ok as boolean;
          lines.push(`pg_terminate_backend(${pid}) → ${ok}`);
          const gone = ok && (await waitFor(async () => (await readSession(client, pid)) === null, cancelWait, env.signal));
          results.push({
            description: `pg_terminate_backend(${pid})`,
            status: gone ? 'succeeded' : 'failed',
            durationMs: Math.round(performance.now() - t0),
            error: gone ? null : 'the session is still there',
          });
          if (!gone) {
            return outcome({
              status: 'failed',
              steps: results,
              output: lines.join('\n'),
              summary: `pid ${pid} on ${name} did not go away after pg_terminate_backend`,
              error: 'the session is still there',
              verification: { ok: false, detail: 'session still present' },
            });
          }
        }
        const still = await stillBlockedBy(client, pid, s.blocking);
        const after = await readSession(client, pid);
        lines.push(after ? `session after: ${describe(redactSession(env, after))}` : `session ${pid} is gone`);
        const verification =
          s.blocking.length === 0
            ? { ok: null, detail: `pid ${pid} blocked no other session; nothing to clear`, facts: { blockedBefore: [], stillBlocked: [] } }
            : still.length === 0
              ? {
                  ok: true,
                  detail: `lock tree cleared: ${s.blocking.length} waiting session(s) no longer blocked by ${pid}`,
                  facts: { blockedBefore: s.blocking, stillBlocked: [] },
                }
              : {
                  ok: false,
                  detail: `still blocked by ${pid}: ${still.join(', ')}`,
                  facts: { blockedBefore: s.blocking, stillBlocked: still },
                };
        return outcome({
          status: 'succeeded',
          steps: results,
          output: lines.join('\n'),
          verification,
          summary: `${method === 'cancel' ? 'cancelled the query of' : 'terminated'} pid ${pid} on ${name}; ${verification.detail}`,
          facts: { method, sessionGone: after === null },
        });
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
};

/**
 * Queries hold literals (emails, passwords in ALTER ROLE); the plan and the timeline show them
 * the way triage does (literals become ?), then with the team's redaction rules.
 */
function redactSession(env: ActionEnv, s: SessionInfo): SessionInfo {
  const q = redactSql(s.query, 2000);
  return { ...s, query: q === null ? null : env.redact(q) };
}

function describe(s: SessionInfo): string {
  return `pid ${s.pid} user=${s.user} app=${s.application ?? ''} db=${s.database} state=${s.state} for ${s.durationSeconds}s blocking=[${s.blocking.join(',')}] query=${JSON.stringify(s.query ?? '')}`;
}

async function waitFor(cond: () => Promise<boolean>, ms: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (signal?.aborted || performance.now() >= deadline) return false;
    await sleep(POLL_MS, signal);
  }
}
