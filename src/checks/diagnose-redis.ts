import { redactText } from '../core/redact.js';
import { formatBytes } from './disk.js';
import { describeDsn } from './postgres.js';
import { causeOf, connectRedis, describeRedisError } from './redis.js';

export interface RedisDiagnoseOptions {
  /** Connect and per-command timeout (default 5 s). */
  timeoutMs?: number;
  /** SLOWLOG entries to show (default 10). */
  slowlogCount?: number;
  /** Keys to sample with SCAN for memory by prefix (default 1000). */
  sampleKeys?: number;
}

export interface SlowlogEntry {
  id: number;
  at: string;
  durationUs: number;
  /** Command and key only: values can be secrets. */
  command: string;
  client: string | null;
  clientName: string | null;
}

export interface RedisDiagnosis {
  kind: 'redis';
  target: string;
  reachable: boolean;
  error?: string;
  facts: {
    redis_version?: string;
    role?: string;
    ping_ms?: number;
    used_memory_bytes?: number;
    used_memory_human?: string;
    maxmemory_bytes?: number;
    /** used_memory / maxmemory; null when maxmemory is 0 (unlimited). */
    memory_used_pct?: number | null;
    maxmemory_policy?: string;
    mem_fragmentation_ratio?: number;
    evicted_keys?: number;
    rejected_connections?: number;
    /** Writes refused with OOM since the statistics reset (errorstat_OOM). */
    oom_errors?: number;
    connected_clients?: number;
    blocked_clients?: number;
    maxclients?: number;
    clients_pct?: number;
    keys_total?: number;
    rdb_last_bgsave_ok?: boolean;
    aof_enabled?: boolean;
    aof_last_write_ok?: boolean | null;
    changes_since_last_save?: number;
    master_link_up?: boolean | null;
    connected_replicas?: number;
    slowlog_len?: number;
  };
  keyspace: Record<string, { keys: number; expires: number }>;
  slowlog: SlowlogEntry[];
  /** A bounded SCAN sample of the keys (never KEYS): memory and TTLs by key prefix, largest first. */
  prefixes: { prefix: string; keys: number; bytes: number; withTtl: number }[];
  sample: { keys: number; bytes: number; withTtl: number; complete: boolean; skipped?: string };
  /** Connected clients grouped by name (or address when unnamed), most connections first (warroom's own left out). */
  clients: { name: string | null; addr: string | null; count: number }[];
  summary: string[];
  durationMs: number;
}

/** INFO's "key:value" lines, grouped under "# Section" headers, into one flat map. */
export function parseRedisInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
const pct = (a: number, b: number) => Math.round((a / b) * 1000) / 10;

/** Shows the command and its key; the other arguments are counted, never printed. */
export function describeSlowCommand(args: string[]): string {
  const [cmd = '?', key, ...rest] = args.map(String);
  const upper = cmd.toUpperCase();
  if (['AUTH', 'HELLO', 'MIGRATE', 'CONFIG', 'ACL'].includes(upper)) return `${upper} (arguments hidden)`;
  const shown = key !== undefined ? `${upper} ${redactText(key.slice(0, 100))}` : upper;
  return rest.length ? `${shown} … (${rest.length} more argument${rest.length > 1 ? 's' : ''})` : shown;
}

/** The seed's Redis checks and the ones it leaves out: eviction, OOM rejections, clients vs maxclients, persistence. */
export async function diagnoseRedis(url: string, opts: RedisDiagnoseOptions = {}): Promise<RedisDiagnosis> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const target = describeDsn(url);
  const d: RedisDiagnosis = {
    kind: 'redis',
    target,
    reachable: false,
    facts: {},
    keyspace: {},
    slowlog: [],
    prefixes: [],
    sample: { keys: 0, bytes: 0, withTtl: 0, complete: true },
    clients: [],
    summary: [],
    durationMs: 0,
  };
  const r = connectRedis(url, timeoutMs);
  try {
    await r.connect();
    // The median of three PINGs: one slow round trip (GC, a scheduling hiccup) is not a finding.
    const pings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await r.ping();
      pings.push(performance.now() - s);
    }
    d.reachable = true;
    const f = d.facts;
    f.ping_ms = Math.round(pings.sort((a, b) => a - b)[1] * 100) / 100;
    const info = parseRedisInfo(await r.info('everything').catch(() => r.info()));
    f.redis_version = info.redis_version;
    f.role = info.role;
    f.used_memory_bytes = num(info.used_memory);
    f.used_memory_human = info.used_memory_human;
    f.maxmemory_bytes = num(info.maxmemory) ?? 0;
    f.maxmemory_policy = info.maxmemory_policy;
    f.memory_used_pct = f.maxmemory_bytes && f.used_memory_bytes !== undefined ? pct(f.used_memory_bytes, f.maxmemory_bytes) : null;
    f.mem_fragmentation_ratio = num(info.mem_fragmentation_ratio);
    f.evicted_keys = num(info.evicted_keys) ?? 0;
    f.rejected_connections = num(info.rejected_connections) ?? 0;
    f.oom_errors = Number(/count=(\d+)/.exec(info.errorstat_OOM ?? '')?.[1] ?? 0);
    f.connected_clients = num(info.connected_clients);
    f.blocked_clients = num(info.blocked_clients);
    f.maxclients = num(info.maxclients);
    if (f.maxclients === undefined) {
      // Before Redis 7, maxclients is only in CONFIG (which managed services may disable).
      const c = (await r.config('GET', 'maxclients').catch(() => [])) as string[];
      f.maxclients = num(c[1]);
    }
    if (f.maxclients && f.connected_clients !== undefined) f.clients_pct = pct(f.connected_clients, f.maxclients);
    f.rdb_last_bgsave_ok = info.rdb_last_bgsave_status === undefined ? undefined : info.rdb_last_bgsave_status === 'ok';
    f.aof_enabled = info.aof_enabled === '1';
    f.aof_last_write_ok = f.aof_enabled ? info.aof_last_write_status === 'ok' : null;
    f.changes_since_last_save = num(info.rdb_changes_since_last_save);
    f.master_link_up = info.role === 'slave' ? info.master_link_status === 'up' : null;
    f.connected_replicas = num(info.connected_slaves) ?? 0;
    for (const [k, v] of Object.entries(info)) {
      const m = /^db(\d+)$/.exec(k);
      if (!m) continue;
      const kv = Object.fromEntries(v.split(',').map((p) => p.split('=')));
      d.keyspace[k] = { keys: Number(kv.keys ?? 0), expires: Number(kv.expires ?? 0) };
    }
    f.keys_total = Object.values(d.keyspace).reduce((a, x) => a + x.keys, 0);
    try {
      f.slowlog_len = Number(await r.call('SLOWLOG', 'LEN'));
      const raw = (await r.call('SLOWLOG', 'GET', String(opts.slowlogCount ?? 10))) as unknown[][];
      d.slowlog = raw
        .map((e) => ({
          id: Number(e[0]),
          at: new Date(Number(e[1]) * 1000).toISOString(),
          durationUs: Number(e[2]),
          command: describeSlowCommand((e[3] as string[]) ?? []),
          client: (e[4] as string) || null,
          clientName: (e[5] as string) || null,
        }))
        .filter((e) => e.clientName !== 'warroom')
        .sort((a, b) => b.durationUs - a.durationUs);
    } catch {
      // SLOWLOG is disabled on some managed services; the rest of the diagnosis stands.
    }
    // Who holds the memory matters when memory is short; otherwise the keyspace is not walked.
    // Not where the SLOWLOG logs (nearly) every command: the sample's commands would push the real
    // slow entries out of its ring. CONFIG may be disabled (managed services): then the default (10 ms) holds.
    const slower = Number(((await r.config('GET', 'slowlog-log-slower-than').catch(() => [])) as string[])[1] ?? 10_000);
    if (f.keys_total && (f.memory_used_pct ?? 0) >= 50) {
      if (slower >= 0 && slower < 1000)
        d.sample = {
          keys: 0,
          bytes: 0,
          withTtl: 0,
          complete: false,
          skipped: `slowlog-log-slower-than is ${slower} µs: sampling keys would flood the SLOWLOG`,
        };
      else Object.assign(d, await sampleKeys(r, opts.sampleKeys ?? 1000));
    }
    if ((f.connected_clients ?? 0) <= 10_000) d.clients = await groupClients(r);
  } catch (e) {
    const cause = await causeOf(r, e);
    d.error = describeRedisError(cause, target, timeoutMs);
    // A server over maxclients writes its refusal and hangs up at once; the client often sees only
    // the hang-up. Read what the server says to a bare connection to tell "full" from "gone".
    if (/closed the connection/.test(d.error)) {
      const said = await serverGreeting(url, Math.min(timeoutMs, 500));
      if (said) d.error = `${target}: ${said}`;
    }
  } finally {
    r.disconnect();
  }
  d.summary = summarizeRedis(d);
  d.durationMs = Math.round(performance.now() - t0);
  return d;
}

/** The error line a Redis server sends unasked on a new connection (maxclients), or null. */
async function serverGreeting(url: string, timeoutMs: number): Promise<string | null> {
  let host = '127.0.0.1';
  let port = 6379;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '') || host;
    port = Number(u.port) || port;
  } catch {
    return null;
  }
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = '';
    const done = (v: string | null) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('data', (c) => {
      buf += c.toString('utf8');
      if (buf.includes('\r\n')) done(buf.startsWith('-') ? buf.slice(1, buf.indexOf('\r\n')).slice(0, 200) : null);
    });
    sock.on('error', () => done(null));
    sock.on('close', () => done(buf.startsWith('-') ? buf.slice(1).trim().slice(0, 200) : null));
  });
}

/** "feed:user:1" → "feed:", "sess_ab12" → "sess_", "tmp.42" → "tmp.": the namespace a team gives its keys. */
export function keyPrefix(key: string): string {
  for (const sep of [':', '.', '/', '|', '_', '-']) {
    const i = key.indexOf(sep);
    if (i > 0) return key.slice(0, i + 1);
  }
  const stem = key.replace(/[0-9a-f]{6,}$|\d+$/i, '');
  return stem.length && stem.length < key.length ? stem : key;
}

type RedisClient = ReturnType<typeof connectRedis>;

const SAMPLE_SCRIPT =
  "local r = {} for i, k in ipairs(KEYS) do r[#r + 1] = redis.call('MEMORY', 'USAGE', k, 'SAMPLES', 5) or 0; r[#r + 1] = redis.call('PTTL', k) end return r";

/**
 * Which prefixes hold the memory: SCAN (never KEYS) until `limit` keys or the end of the keyspace,
 * then MEMORY USAGE and PTTL for each sampled key in one pipeline. Bounded in keys and time.
 */
async function sampleKeys(r: RedisClient, limit: number): Promise<Pick<RedisDiagnosis, 'prefixes' | 'sample'>> {
  const keys: string[] = [];
  let cursor = '0';
  const until = performance.now() + 300;
  try {
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0' && keys.length < limit && performance.now() < until);
  } catch {
    return { prefixes: [], sample: { keys: 0, bytes: 0, withTtl: 0, complete: false } };
  }
  const sampled = keys.slice(0, limit);
  // One script for the whole sample: a single command, so a SLOWLOG that logs everything is not
  // flooded with ours. Where scripting is disabled (some managed services), a pipeline instead.
  let res: unknown[][] = [];
  try {
    const flat = (await r.eval(SAMPLE_SCRIPT, sampled.length, ...sampled)) as number[];
    for (let i = 0; i < sampled.length; i++) res.push([null, flat[i * 2]], [null, flat[i * 2 + 1]]);
  } catch {
    const p = r.pipeline();
    for (const k of sampled) {
      p.call('MEMORY', 'USAGE', k, 'SAMPLES', '5');
      p.pttl(k);
    }
    res = ((await p.exec().catch(() => null)) ?? []) as unknown[][];
  }
  const by = new Map<string, { prefix: string; keys: number; bytes: number; withTtl: number }>();
  let bytes = 0;
  let withTtl = 0;
  sampled.forEach((k, i) => {
    const size = Number(res[i * 2]?.[1] ?? 0) || 0;
    const ttl = Number(res[i * 2 + 1]?.[1] ?? -1);
    const prefix = redactText(keyPrefix(k)).slice(0, 100);
    const e = by.get(prefix) ?? { prefix, keys: 0, bytes: 0, withTtl: 0 };
    e.keys++;
    e.bytes += size;
    if (ttl >= 0) {
      e.withTtl++;
      withTtl++;
    }
    bytes += size;
    by.set(prefix, e);
  });
  return {
    prefixes: [...by.values()].sort((a, b) => b.bytes - a.bytes).slice(0, 20),
    sample: { keys: sampled.length, bytes, withTtl, complete: cursor === '0' && sampled.length === keys.length },
  };
}

/** CLIENT LIST by name (or host when unnamed): who holds Redis's connections. */
async function groupClients(r: RedisClient): Promise<RedisDiagnosis['clients']> {
  try {
    const own = Number(await r.call('CLIENT', 'ID'));
    const text = String(await r.call('CLIENT', 'LIST'));
    const by = new Map<string, { name: string | null; addr: string | null; count: number }>();
    for (const line of text.split('\n')) {
      const kv = Object.fromEntries(
        line
          .trim()
          .split(' ')
          .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
      );
      if (!kv.id || Number(kv.id) === own) continue;
      const name = kv.name || null;
      const host = kv.addr ? kv.addr.replace(/:\d+$/, '') : null;
      const key = name ?? `@${host}`;
      const e = by.get(key) ?? { name, addr: host, count: 0 };
      e.count++;
      by.set(key, e);
    }
    return [...by.values()].sort((a, b) => b.count - a.count).slice(0, 10);
  } catch {
    return [];
  }
}

function summarizeRedis(d: RedisDiagnosis): string[] {
  if (!d.reachable) return [`cannot connect: ${d.error}`];
  const f = d.facts;
  const out = [`Redis ${f.redis_version} (${f.role}), PING ${f.ping_ms} ms`];
  out.push(
    f.maxmemory_bytes
      ? `memory ${formatBytes(f.used_memory_bytes ?? 0)} of ${formatBytes(f.maxmemory_bytes)} maxmemory (${f.memory_used_pct}%), policy ${f.maxmemory_policy}`
      : `memory ${formatBytes(f.used_memory_bytes ?? 0)}, no maxmemory limit (policy ${f.maxmemory_policy})`,
  );
  if (f.oom_errors)
    out.push(
      `${f.oom_errors} write(s) refused with OOM (maxmemory reached${f.maxmemory_policy === 'noeviction' ? ' and the policy is noeviction' : ''})`,
    );
  if (f.evicted_keys) out.push(`${f.evicted_keys} key(s) evicted`);
  if (f.rejected_connections) out.push(`${f.rejected_connections} connection(s) rejected (maxclients ${f.maxclients})`);
  out.push(
    `${f.connected_clients} client(s) connected${f.maxclients ? ` of ${f.maxclients} (${f.clients_pct}%)` : ''}, ${f.blocked_clients} blocked`,
  );
  if ((f.mem_fragmentation_ratio ?? 1) > 1.5 && (f.used_memory_bytes ?? 0) > 64 * 1024 * 1024)
    out.push(`memory fragmentation ratio ${f.mem_fragmentation_ratio}`);
  if (d.slowlog.length) out.push(`slowest command: ${d.slowlog[0].command} took ${d.slowlog[0].durationUs} µs`);
  if (f.rdb_last_bgsave_ok === false) out.push('last RDB background save failed');
  if (f.aof_last_write_ok === false) out.push('last AOF write failed');
  if (f.master_link_up === false) out.push('replica link to master is down');
  out.push(`${f.keys_total} key(s)${Object.keys(d.keyspace).length ? ` in ${Object.keys(d.keyspace).join(', ')}` : ''}`);
  if (d.prefixes.length && d.sample.bytes) {
    out.push(
      `memory by key prefix (${d.sample.complete ? 'every key' : `a sample of ${d.sample.keys} keys`}): ${d.prefixes
        .slice(0, 3)
        .map(
          (p) =>
            `${p.prefix}* ${formatBytes(p.bytes)} (${Math.round((p.bytes / d.sample.bytes) * 100)}%, ${p.keys} keys, ${Math.round((p.withTtl / p.keys) * 100)}% with a TTL)`,
        )
        .join('; ')}`,
    );
  }
  if (d.clients.length && d.clients[0].count > 1)
    out.push(
      `most connections: ${d.clients
        .slice(0, 3)
        .map((c) => `${c.name ?? c.addr} (${c.count})`)
        .join(', ')}`,
    );
  if (d.error) out.push(`diagnosis incomplete: ${d.error}`);
  return out;
}
