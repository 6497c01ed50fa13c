import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { readPath } from '../core/read-path.js';
import { redactText } from '../core/redact.js';
import { checkSignal, describeNetError, result } from './util.js';
import type { CheckOptions, CheckResult, CheckState } from './types.js';

export interface HttpProbe {
  url: string;
  /** Accepted status codes (default any 2xx). */
  expect_status?: number[];
  /** Dotted path → expected value in the JSON body. */
  expect_json?: Record<string, string | number | boolean | null>;
  headers?: Record<string, string>;
  /** Accept self-signed or otherwise unverifiable certificates. */
  insecure?: boolean;
}

/** Bodies beyond this are not read: a readiness payload is small, and a huge one is itself a symptom. */
const MAX_BODY = 256 * 1024;

const OK_WORDS = new Set(['ok', 'up', 'pass', 'passing', 'healthy', 'ready', 'true', 'green', 'available', 'connected', 'success']);
const DEGRADED_WORDS = new Set(['degraded', 'warn', 'warning', 'yellow', 'partial']);

/** Reads a dependency verdict from the shapes readiness endpoints use: "ok", true, {status: "up"}, {healthy: true}. */
function verdictOf(v: unknown): string | null {
  if (typeof v === 'boolean') return v ? 'ok' : 'down';
  if (typeof v === 'string') return v.toLowerCase();
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['status', 'state', 'health']) if (typeof o[k] === 'string') return (o[k] as string).toLowerCase();
    for (const k of ['healthy', 'ok', 'up', 'ready']) if (typeof o[k] === 'boolean') return o[k] ? 'ok' : 'down';
  }
  return null;
}

export const isOkWord = (w: string) => OK_WORDS.has(w);

/** A connection pool's numbers as a readiness payload reports them (SQLAlchemy, asyncpg, psycopg_pool, HikariCP names). */
export interface PoolStats {
  size: number | null;
  idle: number | null;
  max: number | null;
  inUse: number | null;
  waiting: number | null;
}

export interface DependencyDetail {
  /** The error text the app gave for this dependency ("OOM command not allowed…"), original case. */
  error: string | null;
  pool: PoolStats | null;
  /** How long the app's own check of it took, when it says. */
  latencyMs: number | null;
}

const POOL_KEYS: Record<keyof PoolStats, string[]> = {
  size: ['size', 'pool_size', 'total', 'connections', 'open'],
  idle: ['idle', 'free', 'available', 'idle_connections', 'freesize', 'free_size', 'checkedin', 'checked_in'],
  max: ['max', 'max_size', 'maxsize', 'maximum', 'limit', 'max_connections', 'pool_max'],
  inUse: ['in_use', 'inuse', 'used', 'busy', 'active', 'checked_out', 'checkedout', 'acquired'],
  waiting: ['waiting', 'waiters', 'pending', 'queued', 'requests_waiting', 'threads_awaiting_connection'],
};

function readPool(v: unknown, depth = 0): PoolStats | null {
  if (!v || typeof v !== 'object' || Array.isArray(v) || depth > 2) return null;
  const o = v as Record<string, unknown>;
  for (const k of ['pool', 'pool_stats', 'poolStats', 'connection_pool', 'connections']) {
    const inner = o[k];
    if (inner && typeof inner === 'object') {
      const p = readPool(inner, depth + 1);
      if (p) return p;
    }
  }
  const lower = Object.fromEntries(Object.entries(o).map(([k, x]) => [k.toLowerCase().replace(/[- ]/g, '_'), x]));
  const out: PoolStats = { size: null, idle: null, max: null, inUse: null, waiting: null };
  let found = 0;
  for (const [field, names] of Object.entries(POOL_KEYS) as [keyof PoolStats, string[]][]) {
    const n = names.map((x) => lower[x]).find((x) => typeof x === 'number' && Number.isFinite(x));
    if (typeof n === 'number') {
      out[field] = n;
      found++;
    }
  }
  // Two numbers that say something about a pool (its size and how many are free or busy), not a lone "size".
  return found >= 2 && (out.idle !== null || out.inUse !== null || out.waiting !== null) ? out : null;
}

function errorTextOf(v: unknown, verdict: string | null): string | null {
  if (typeof v === 'string') {
    // "down: TimeoutError: pool acquire timed out" → the part after the verdict word.
    const m = /^\s*[A-Za-z]+\s*[:—-]\s*(.+)$/s.exec(v);
    if (m && verdict && !OK_WORDS.has(verdict.split(/[\s:]/)[0])) return m[1].slice(0, 500);
    return null;
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    for (const k of ['error', 'message', 'detail', 'details', 'reason', 'output', 'exception', 'err']) {
      const x = o[k];
      if (typeof x === 'string' && x.trim()) return x.slice(0, 500);
      if (x && typeof x === 'object' && typeof (x as Record<string, unknown>).message === 'string')
        return String((x as Record<string, unknown>).message).slice(0, 500);
    }
  }
  return null;
}

function latencyOf(v: unknown): number | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  for (const k of ['duration_ms', 'latency_ms', 'elapsed_ms', 'time_ms', 'responseTime', 'response_time_ms'])
    if (typeof o[k] === 'number') return o[k] as number;
  return null;
}

/**
 * Pulls the readiness fields out of a JSON health payload: the overall status and each
 * dependency's verdict, whichever common convention the app follows (FastAPI examples,
 * Spring's components, the IETF health-check draft's checks), with each dependency's error
 * text and pool numbers where the payload gives them.
 */
export function readReadiness(body: unknown): {
  status: string | null;
  dependencies: Record<string, string>;
  details: Record<string, DependencyDetail>;
  pool: PoolStats | null;
} {
  const deps: Record<string, string> = {};
  const details: Record<string, DependencyDetail> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: null, dependencies: deps, details, pool: null };
  const o = body as Record<string, unknown>;
  const status = verdictOf(o.status ?? o.state ?? o.health ?? (typeof o.ready === 'boolean' ? o.ready : undefined) ?? null);
  for (const key of ['checks', 'dependencies', 'components', 'services', 'details']) {
    const group = o[key];
    if (!group || typeof group !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(group)
      ? group
          .slice(0, 200)
          .map((g, i) => [String((g as Record<string, unknown>)?.name ?? (g as Record<string, unknown>)?.componentId ?? i), g])
      : Object.entries(group as Record<string, unknown>).slice(0, 200);
    for (const [rawName, v] of entries) {
      // IETF draft: "name:measure": [{status: ...}]
      const name = rawName.split(':')[0] || rawName;
      const val = Array.isArray(v) && v.length ? v[0] : v;
      const verdict = verdictOf(val);
      if (verdict === null) continue;
      deps[name] = verdict.length > 200 ? verdict.slice(0, 200) : verdict;
      details[name] = { error: errorTextOf(val, verdict), pool: readPool(val), latencyMs: latencyOf(val) };
    }
  }
  // No group: many apps put their checks at the top level ({"status": "ok", "database": "ok", "redis": {"status": "down"}}).
  if (!Object.keys(deps).length) {
    for (const [name, v] of Object.entries(o).slice(0, 200)) {
      if (
        META_KEYS.has(name.toLowerCase()) ||
        (typeof v !== 'string' && typeof v !== 'boolean' && (!v || typeof v !== 'object' || Array.isArray(v)))
      )
        continue;
      const verdict = verdictOf(v);
      // A plain string counts only when it reads as a verdict ("ok", "down: …"), not as a version or a host name.
      if (verdict === null || (typeof v === 'string' && !VERDICT_START.test(verdict))) continue;
      deps[name] = verdict.length > 200 ? verdict.slice(0, 200) : verdict;
      details[name] = { error: errorTextOf(v, verdict), pool: readPool(v), latencyMs: latencyOf(v) };
    }
  }
  return { status, dependencies: deps, details, pool: readPool(o) };
}

/** Top-level fields of a readiness payload that are about the app itself, not a dependency. */
const META_KEYS = new Set([
  'status',
  'state',
  'health',
  'ready',
  'version',
  'build',
  'commit',
  'sha',
  'uptime',
  'uptime_s',
  'timestamp',
  'time',
  'ts',
  'duration_ms',
  'duration',
  'service',
  'name',
  'app',
  'hostname',
  'host',
  'env',
  'environment',
  'region',
  'pid',
  'message',
  'detail',
  'description',
  'pool',
  'pool_stats',
]);
const VERDICT_START =
  /^(ok|up|pass|passing|healthy|ready|true|green|available|connected|success|degraded|warn|warning|yellow|partial|down|fail|failed|failing|error|unhealthy|unavailable|disconnected|timeout|timed out|red|false|critical|dead)\b/;

export function getPath(obj: unknown, path: string): unknown {
  return readPath(obj, path);
}

/** GET the URL and judge it by status, JSON conditions and the readiness fields it reports. */
export async function checkHttp(service: string, probe: HttpProbe, opts: CheckOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  let url: URL;
  try {
    url = new URL(probe.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    return result(service, 'http', probe.url, 'down', start, {}, `not an http(s) URL: ${probe.url}`);
  }
  const target = redactText(url.toString());
  let phase: 'connect' | 'tls' | 'response' | 'body' = 'connect';
  try {
    // node:https (and node:tls with it) is loaded only when an https URL is checked.
    const request = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
    const { res, body } = await new Promise<{ res: IncomingMessage; body: Buffer }>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'GET',
          signal,
          agent: false,
          headers: { 'user-agent': 'warroom-health', accept: 'application/json, */*;q=0.5', ...probe.headers },
          ...(url.protocol === 'https:' && {
            rejectUnauthorized: !probe.insecure,
            servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
          }),
        },
        (res) => {
          phase = 'body';
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_BODY) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => resolve({ res, body: Buffer.concat(chunks).subarray(0, MAX_BODY) }));
          res.on('error', reject);
        },
      );
      req.on('socket', (s: Socket) => {
        const connected = () => {
          phase = url.protocol === 'https:' ? 'tls' : 'response';
        };
        if (!s.connecting) connected();
        else s.once('connect', connected);
        s.once('secureConnect', () => {
          phase = 'response';
        });
      });
      req.on('error', reject);
      req.end();
    });
    const evidence: Record<string, unknown> = { status: res.statusCode, contentType: res.headers['content-type'] ?? null };
    const text = body.toString('utf8');
    let json: unknown = undefined;
    if (/json/i.test(String(res.headers['content-type'] ?? '')) || /^\s*[[{]/.test(text)) {
      try {
        json = JSON.parse(text);
      } catch {
        evidence.bodyNotJson = true;
      }
    }
    const problems: string[] = [];
    let state: CheckState = 'up';
    const okStatus = probe.expect_status ? probe.expect_status.includes(res.statusCode!) : res.statusCode! >= 200 && res.statusCode! < 300;
    if (!okStatus) {
      state = 'down';
      problems.push(`HTTP ${res.statusCode}${probe.expect_status ? ` (expected ${probe.expect_status.join(' or ')})` : ''}`);
    }
    if (json !== undefined) {
      const r = readReadiness(json);
      evidence.readiness = r;
      // The payload itself, for "diagnose app" and the health board, when it is small; secrets are redacted.
      if (text.length <= 16_384) {
        try {
          evidence.body = JSON.parse(redactText(text));
        } catch {
          /* redaction broke the JSON: keep the readiness fields only */
        }
      }
      const failing = Object.entries(r.dependencies).filter(([, v]) => !OK_WORDS.has(v));
      if (failing.length) {
        evidence.failingDependencies = failing.map(([k]) => k);
        if (state === 'up') state = 'degraded';
        problems.push(`reports ${failing.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
      }
      if (r.status && !OK_WORDS.has(r.status) && okStatus) {
        state = DEGRADED_WORDS.has(r.status) ? (state === 'down' ? 'down' : 'degraded') : 'down';
        problems.push(`status "${r.status}"`);
      }
    } else if (!okStatus && text) {
      evidence.body = redactText(text.slice(0, 300));
    }
    for (const [path, expected] of Object.entries(probe.expect_json ?? {})) {
      const actual = json === undefined ? undefined : getPath(json, path);
      if (actual !== expected) {
        state = 'down';
        problems.push(`${path} is ${actual === undefined ? 'missing' : JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
    }
    return result(service, 'http', target, state, start, evidence, problems.length ? problems.join('; ') : undefined);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const where = `${url.host}`;
    let msg: string;
    if (err.name === 'AbortError' || signal.aborted) {
      msg =
        phase === 'connect'
          ? `could not connect to ${where} within ${timeoutMs} ms`
          : phase === 'tls'
            ? `TLS handshake with ${where} did not finish within ${timeoutMs} ms`
            : phase === 'response'
              ? `connected to ${where} but it sent no response within ${timeoutMs} ms (accepts and never answers)`
              : `response body from ${where} did not finish within ${timeoutMs} ms`;
    } else if (err.code && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(err.code)) {
      msg = `TLS certificate of ${where} rejected: ${err.code} ${err.message}`;
    } else {
      msg = describeNetError(e, where, timeoutMs);
    }
    return result(service, 'http', target, 'down', start, { phase, code: err.code ?? (signal.aborted ? 'TIMEOUT' : null) }, msg);
  }
}
