/**
 * Fault injectors: other clients doing what breaks a real stack (a session holding a row lock, a
 * report query that never ends, an ETL job taking every connection, a key prefix filling Redis),
 * and the checks that prove each fault is really in effect before triage looks.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { APP_ROLE, HOG_ROLE, probePort, sleep, type Stack } from './stack.js';
import type { LabContext } from './types.js';

export async function pgClient(stack: Stack, applicationName: string, user = HOG_ROLE): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: stack.pg.url(user), application_name: applicationName, connectionTimeoutMillis: 3000 });
  // A client killed by the reset between scenarios reports an error event: expected, not a crash.
  c.on('error', () => {});
  await c.connect();
  return c;
}

async function backendPid(c: pg.Client): Promise<number> {
  return Number((await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid);
}

/** Another session takes products row `id` in an open transaction and keeps it (or for holdMs). */
export async function holdRowLock(ctx: LabContext, applicationName: string, id = 1): Promise<{ pid: number; release(): Promise<void> }> {
  const c = await pgClient(ctx.stack, applicationName);
  const pid = await backendPid(c);
  await c.query('begin');
  await c.query('update products set price = price where id = $1', [id]);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await c.query('rollback').catch(() => {});
    await c.end().catch(() => {});
  };
  ctx.onHeal(release);
  return { pid, release };
}

/** A query that runs for a long time without blocking anyone (a report on its own). */
export async function longQuery(ctx: LabContext, applicationName: string, seconds = 120): Promise<number> {
  const c = await pgClient(ctx.stack, applicationName);
  const pid = await backendPid(c);
  c.query(`select count(*) from orders, pg_sleep(${Number(seconds)})`).catch(() => {});
  ctx.onHeal(async () => {
    await ctx.stack.pg.admin('select pg_terminate_backend($1)', [pid]);
    await c.end().catch(() => {});
  });
  return pid;
}

/** A session that opened a transaction, read something, and went quiet. */
export async function idleInTransaction(ctx: LabContext, applicationName: string): Promise<number> {
  const c = await pgClient(ctx.stack, applicationName);
  const pid = await backendPid(c);
  await c.query('begin');
  await c.query('select id, total from orders where id = 3');
  ctx.onHeal(async () => {
    await c.query('rollback').catch(() => {});
    await c.end().catch(() => {});
  });
  return pid;
}

/** Opens connections as the hog role until PostgreSQL refuses ("too many clients"), keeping `spare` free. */
export async function hogConnections(ctx: LabContext, applicationName: string, spare = 0): Promise<number> {
  const clients: pg.Client[] = [];
  ctx.onHeal(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  });
  for (let i = 0; i < ctx.stack.pg.maxConnections; i++) {
    try {
      clients.push(await pgClient(ctx.stack, applicationName));
    } catch {
      break;
    }
  }
  for (let i = 0; i < spare && clients.length; i++)
    await clients
      .pop()!
      .end()
      .catch(() => {});
  // Idle connections that a leaky ETL job forgot about: some of them mid-transaction.
  await Promise.all(clients.slice(0, 3).map((c) => c.query('begin').then(() => c.query('select 1'))));
  return clients.length;
}

/** Sessions waiting for a lock, with how long (pg_locks.waitstart, PostgreSQL 14+). */
export async function lockWaiters(stack: Stack): Promise<{ pid: number; wait_s: number; application_name: string }[]> {
  return stack.pg.admin(`select l.pid, extract(epoch from now() - l.waitstart)::float8 as wait_s, a.application_name
    from pg_locks l join pg_stat_activity a using (pid) where not l.granted and l.waitstart is not null order by wait_s desc`);
}

export async function activity(stack: Stack, pid: number): Promise<{ state: string; age_s: number; query: string } | null> {
  const rows = await stack.pg.admin<{ state: string; age_s: number; query: string }>(
    `select state, extract(epoch from now() - case when state = 'active' then query_start else state_change end)::float8 as age_s, query from pg_stat_activity where pid = $1`,
    [pid],
  );
  return rows[0] ?? null;
}

export async function connectionsOf(stack: Stack, applicationName: string): Promise<number> {
  const rows = await stack.pg.admin<{ n: string }>('select count(*) as n from pg_stat_activity where application_name = $1', [
    applicationName,
  ]);
  return Number(rows[0].n);
}

/** Can the app's role open one more connection? Returns the error text when not. */
export async function appRoleConnectError(stack: Stack): Promise<string | null> {
  const c = new pg.Client({ connectionString: stack.pg.url(APP_ROLE), connectionTimeoutMillis: 2000, application_name: 'lab-probe' });
  c.on('error', () => {});
  try {
    await c.connect();
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Fills Redis with `prefix` keys of `valueBytes` until used memory reaches `targetPct` of maxmemory
 * (or until Redis refuses with OOM when targetPct >= 100). Returns the number of keys written.
 */
export async function fillRedis(
  ctx: LabContext,
  prefix: string,
  o: { valueBytes: number; targetPct: number; ttlS?: number },
): Promise<{ keys: number; oom: boolean }> {
  if (o.targetPct < 100) return fillOnce(ctx, prefix, o, 0);
  // Writes stop at maxmemory, so writes alone leave Redis hovering at the limit: a client's
  // buffers, freed on disconnect, decide whether the next write passes. Fill to 512 KiB above the
  // limit and put the limit back: the state a real keyspace reaches when it grows past maxmemory,
  // and every write is refused with OOM, deterministically.
  const admin = ctx.stack.redis.client();
  try {
    const max = Number(((await admin.config('GET', 'maxmemory')) as string[])[1]);
    await admin.config('SET', 'maxmemory', String(max + 512 * 1024));
    const r = await fillOnce(ctx, prefix, o, 0);
    await admin.config('SET', 'maxmemory', String(max));
    return { keys: r.keys, oom: !!(await redisWriteError(ctx.stack)) };
  } finally {
    admin.disconnect();
  }
}

async function fillOnce(
  ctx: LabContext,
  prefix: string,
  o: { valueBytes: number; targetPct: number; ttlS?: number },
  from: number,
): Promise<{ keys: number; oom: boolean }> {
  const r = ctx.stack.redis.client('lab-filler');
  try {
    const max = Number(((await r.config('GET', 'maxmemory')) as string[])[1]);
    const value = 'x'.repeat(o.valueBytes);
    let keys = 0;
    for (; keys < 100_000; keys++) {
      if (keys % 8 === 0 && o.targetPct < 100) {
        const used = Number(/used_memory:(\d+)/.exec(await r.info('memory'))![1]);
        if (used >= (max * o.targetPct) / 100) return { keys, oom: false };
      }
      try {
        const key = `${prefix}${from + keys}`;
        if (o.ttlS) await r.set(key, value, 'EX', o.ttlS);
        else await r.set(key, value);
      } catch (e) {
        if (/OOM/.test((e as Error).message)) return { keys, oom: true };
        throw e;
      }
    }
    return { keys, oom: false };
  } finally {
    r.disconnect();
  }
}

/** Small keys of other prefixes: what a real keyspace has besides the prefix that fills it. */
export async function smallKeys(ctx: LabContext, spec: Record<string, number>): Promise<void> {
  const r = ctx.stack.redis.client('lab-filler');
  try {
    const p = r.pipeline();
    for (const [prefix, n] of Object.entries(spec)) for (let i = 0; i < n; i++) p.set(`${prefix}${i}`, `v${i}`, 'EX', 3600);
    await p.exec();
  } finally {
    r.disconnect();
  }
}

export async function redisMemory(stack: Stack): Promise<{ used: number; max: number; pct: number }> {
  const r = stack.redis.client();
  try {
    const info = await r.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)![1]);
    const max = Number(/maxmemory:(\d+)/.exec(info)![1]);
    return { used, max, pct: (used / max) * 100 };
  } finally {
    r.disconnect();
  }
}

/** A fresh client's first write: null when Redis takes it, else the error text. */
export async function redisWriteError(stack: Stack): Promise<string | null> {
  const r = stack.redis.client('lab-probe');
  try {
    await r.set('lab:probe', '1', 'EX', 5);
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    r.disconnect();
  }
}

/** The first reply line to a PING on a fresh raw connection (e.g. "-ERR max number of clients reached"). */
export function redisRawPing(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const t = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, 2000);
    s.once('error', (e) => {
      clearTimeout(t);
      resolve(`error: ${e.message}`);
    });
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      clearTimeout(t);
      s.destroy();
      resolve(d.toString().split('\r\n')[0]);
    });
  });
}

/**
 * Raw TCP connections that each register as a client (CLIENT SETNAME) and then sit there: the
 * classic leaked connection pool. Redis counts them against maxclients.
 */
export async function hogRedisClients(ctx: LabContext, n: number, name: string): Promise<number> {
  const socks: Socket[] = [];
  ctx.onHeal(() => {
    for (const s of socks) s.destroy();
  });
  for (let i = 0; i < n; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: ctx.stack.redis.port });
      s.once('error', () => resolve(false));
      s.once('connect', () => {
        s.write(`*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$${name.length}\r\n${name}\r\n`);
        s.once('data', (d) => resolve(d.toString().startsWith('+OK')));
      });
      socks.push(s);
      setTimeout(() => resolve(false), 2000);
    });
    if (!ok) break;
  }
  return socks.filter((s) => !s.destroyed).length;
}

/** The readiness payload, as the lab sees it (its own fetch, not warroom's). */
export async function readiness(
  ctx: LabContext,
  timeoutMs = 3000,
): Promise<{ status: number; body: Record<string, unknown> } | { error: string }> {
  try {
    const r = await fetch(`${ctx.app.url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message };
  }
}

export interface LogLine {
  timestamp: string;
  level: string;
  path?: string;
  method?: string;
  status?: number;
  duration_ms?: number;
  exc_type?: string;
  user_agent?: string;
}

export function logLines(ctx: LabContext): LogLine[] {
  return readFileSync(ctx.app.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

/** Request lines (not start-up lines) in the last `ms`, or older than that with `older`. */
export function requestsWithin(ctx: LabContext, ms: number, older = false): LogLine[] {
  const cut = Date.now() - ms;
  return logLines(ctx).filter((l) => l.path && (older ? Date.parse(l.timestamp) < cut : Date.parse(l.timestamp) >= cut));
}

export async function appPortState(ctx: LabContext): Promise<string> {
  return probePort(ctx.app.port, 1000);
}

export async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export const fmt = (o: unknown) => JSON.stringify(o).slice(0, 400);

/**
 * A Lua script that keeps Redis busy for `ms` (it polls Redis TIME, so the duration does not
 * depend on how fast the CPU is): what a batch job's EVAL over a big keyspace does. Redis runs one
 * command at a time, so every other client waits behind it. (DEBUG SLEEP would be simpler, but
 * Redis 7 refuses DEBUG unless enable-debug-command is set at start.)
 */
export const BUSY_SCRIPT =
  "local t = redis.call('TIME') local s = tonumber(t[1]) * 1000000 + tonumber(t[2]) local n " +
  "repeat n = redis.call('TIME') until tonumber(n[1]) * 1000000 + tonumber(n[2]) - s >= tonumber(ARGV[1]) * 1000 return 1";

/** A client named `name` (CLIENT SETNAME) runs the busy script `times` times, `gapMs` apart. Returns each call's wall time in ms. */
export async function slowRedisCommands(ctx: LabContext, name: string, o: { ms: number; times: number; gapMs: number }): Promise<number[]> {
  const r = ctx.stack.redis.client(name);
  const took: number[] = [];
  try {
    for (let i = 0; i < o.times; i++) {
      if (i) await sleep(o.gapMs);
      const t0 = performance.now();
      await r.eval(BUSY_SCRIPT, 0, String(o.ms));
      took.push(Math.round(performance.now() - t0));
    }
  } finally {
    r.disconnect();
  }
  return took;
}

export interface SlowlogEntry {
  id: number;
  at: number;
  us: number;
  command: string;
  client: string;
  name: string;
}

/** SLOWLOG GET, newest first: when (unix s), how long (µs), the command and the client's address and name. */
export async function redisSlowlog(stack: Stack, n = 32): Promise<SlowlogEntry[]> {
  const r = stack.redis.client();
  try {
    const rows = (await r.slowlog('GET', n)) as [number, number, number, string[], string, string][];
    return rows.map(([id, at, us, args, client, name]) => ({ id, at, us, command: args.join(' ').slice(0, 120), client, name }));
  } finally {
    r.disconnect();
  }
}

/** CLIENT LIST rows (name, cmd, flags) of the clients named `name`. */
export async function redisClientsNamed(stack: Stack, name: string): Promise<{ cmd: string; flags: string }[]> {
  const r = stack.redis.client();
  try {
    const list = (await r.call('CLIENT', 'LIST')) as string;
    return list
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          Object.fromEntries(
            l
              .trim()
              .split(' ')
              .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
          ) as Record<string, string>,
      )
      .filter((c) => c.name === name)
      .map((c) => ({ cmd: c.cmd, flags: c.flags }));
  } finally {
    r.disconnect();
  }
}
