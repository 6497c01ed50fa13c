import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from './built-in-rules.js';
import { classifyError } from './error-classes.js';
import { matchDependency } from './dependencies.js';
import { buildFacts, type TriageObservations } from './facts.js';
import { blindSpots, diagnose } from './model.js';
import type { CheckObservation, LogWindow, PostgresObservation, RedisObservation, ServiceSpec } from './observations.js';
import { triageThresholdsSchema } from './rules.js';

/** The causal model with plain observations: no process, no database. */

const NOW = new Date('2026-12-04T03:10:00.000Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const thresholds = triageThresholdsSchema.parse({});

const services: Record<string, ServiceSpec> = {
  api: { health: { url: 'http://127.0.0.1:8000/health/ready' }, logs: { file: 'x' }, restart: ['true'] },
  pg: { postgres: 'postgres://app@127.0.0.1:5432/app' },
  sessions: { redis: 'redis://127.0.0.1:6379/0' },
};

const http = (o: Partial<CheckObservation> & { evidence?: Record<string, unknown> } = {}): CheckObservation => ({
  service: 'api',
  kind: 'http',
  target: 'http://127.0.0.1:8000/health/ready',
  state: 'up',
  latencyMs: 12,
  evidence: { status: 200 },
  ...o,
});
const up = (service: string, kind: string): CheckObservation => ({
  service,
  kind,
  target: `${kind}://127.0.0.1`,
  state: 'up',
  latencyMs: 1,
  evidence: {},
});

const readiness = (deps: Record<string, string>, details: Record<string, unknown> = {}) => ({
  readiness: { status: 'degraded', dependencies: deps, details },
});

const pgOk = (o: Partial<PostgresObservation> = {}): PostgresObservation => ({
  reachable: true,
  facts: {
    usable_connections: 97,
    connections_used: 6,
    saturation_pct: 6.2,
    blocked_count: 0,
    long_query_count: 0,
    idle_in_transaction_count: 0,
    long_query_threshold_s: 30,
  },
  connectionsByClient: [{ application: 'api', user: 'app', state: 'idle', count: 5, pids: [101] }],
  idleInTransaction: [],
  longQueries: [],
  lockTree: [],
  ...o,
});
const redisOk = (o: Partial<RedisObservation> = {}): RedisObservation => ({
  reachable: true,
  facts: {
    memory_used_pct: 20,
    maxmemory_bytes: 8 << 20,
    used_memory_bytes: 1 << 20,
    maxmemory_policy: 'noeviction',
    oom_errors: 0,
    connected_clients: 3,
    maxclients: 10000,
    clients_pct: 0,
  },
  slowlog: [],
  ...o,
});

const win = (from: number, to: number, o: Partial<LogWindow> = {}): LogWindow => ({
  since: ago(from),
  until: ago(to),
  lines: 100,
  errors: 0,
  endpoints: [],
  latency: [],
  signatures: [],
  ...o,
});

function observe(o: Partial<TriageObservations> & { httpCheck?: CheckObservation }): TriageObservations {
  const checks = [o.httpCheck ?? http()];
  return {
    services,
    deploys: [{ id: 1, service: 'api', version: 'v1', kind: 'deploy', at: ago(86_400), by: 'ci' }],
    since: ago(3600),
    now: NOW,
    thresholds,
    currentWindowMs: 60_000,
    postgres: { pg: pgOk() },
    redis: { sessions: redisOk() },
    logs: { api: { available: true, before: win(3600, 60), now: win(60, 0) } },
    health: {
      services: [
        { service: 'api', state: checks[0].state, checks },
        { service: 'pg', state: 'up', checks: [up('pg', 'postgres')] },
        { service: 'sessions', state: 'up', checks: [up('sessions', 'redis')] },
      ],
    },
    ...o,
  };
}

const run = (o: TriageObservations) => {
  const built = buildFacts(o);
  return { ...diagnose(BUILT_IN_RULES, built), blind: blindSpots(o, built) };
};
const ids = (r: ReturnType<typeof run>) => r.findings.map((f) => `${f.rule}@${f.service}`);

describe('the causal model', () => {
  it('a healthy stack: no findings, and the blind spots are still said', () => {
    const r = run(observe({ deploys: [] }));
    expect(r.findings).toEqual([]);
    expect(r.blind.some((b) => /no deploys recorded/.test(b))).toBe(true);
  });

  it('Redis full behind a 503: the cache is the root cause and the 503 is what it explains', () => {
    const r = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: {
            status: 503,
            ...readiness(
              { database: 'ok', cache: "down: oom command not allowed when used memory > 'maxmemory'." },
              { cache: { error: "OutOfMemoryError: OOM command not allowed when used memory > 'maxmemory'.", pool: null } },
            ),
          },
        }),
        redis: {
          sessions: redisOk({
            facts: {
              memory_used_pct: 99.6,
              maxmemory_bytes: 8 << 20,
              used_memory_bytes: 8.2 * (1 << 20),
              maxmemory_policy: 'noeviction',
              oom_errors: 41,
            },
            prefixes: [
              { prefix: 'feed:', keys: 900, bytes: 7 << 20, withTtl: 0 },
              { prefix: 'cart:', keys: 20, bytes: 4000, withTtl: 20 },
            ],
            sample: { keys: 920, bytes: (7 << 20) + 4000, withTtl: 20, complete: true },
          }),
        },
        logs: {
          api: {
            available: true,
            before: win(3600, 60),
            now: win(60, 0, {
              errors: 30,
              signatures: [
                {
                  type: 'redis.exceptions.OutOfMemoryError',
                  template: "OOM command not allowed when used memory > 'maxmemory'.",
                  count: 30,
                  firstSeen: ago(50),
                  lastSeen: ago(1),
                  sample: '',
                },
              ],
            }),
          },
        },
      }),
    );
    expect(ids(r)[0]).toBe('redis-memory-full@sessions');
    expect(r.findings[0].explains.join(' ')).toMatch(/api readiness HTTP 503/);
    expect(r.findings[0].action).toContain('warroom run flush-keys --service sessions --pattern "feed:*"');
    expect(r.findings[0].severity).toBe('SEV1');
    expect(ids(r)).not.toContain('dependency-failing@api');
    expect(ids(r)).not.toContain('error-rate-high@api');
    expect(r.unexplained).toEqual([]);
  });

  it("the app's own pool runs dry: named from the payload's pool numbers, the database is not blamed", () => {
    const r = run(
      observe({
        httpCheck: http({
          state: 'down',
          latencyMs: 1010,
          evidence: {
            status: 503,
            ...readiness(
              { db: 'down: timeouterror', sessions: 'ok' },
              { db: { error: 'TimeoutError', pool: { size: 7, idle: 0, max: 7, inUse: null, waiting: null } } },
            ),
          },
        }),
        postgres: { pg: pgOk({ connectionsByClient: [{ application: 'api', user: 'app', state: 'idle', count: 7, pids: [11] }] }) },
      }),
    );
    expect(ids(r)[0]).toBe('app-pool-exhausted@api');
    expect(r.findings[0].cause).toMatch(/size 7, idle 0, max 7/);
    expect(r.findings[0].cause).toMatch(/api holding 7 connection/);
    expect(r.findings[0].action).toMatch(/^Restart api to give the connections back: warroom run restart --service api;/);
    expect(ids(r).some((x) => x.endsWith('@pg'))).toBe(false);
  });

  it("asyncpg's bare TimeoutError, no pool numbers: the database answers at once and the app's sessions sit idle, so it is the app's pool", () => {
    const r = run(
      observe({
        httpCheck: http({
          state: 'down',
          latencyMs: 1004,
          evidence: {
            status: 503,
            ...readiness({ database: 'down: timeouterror', redis: 'ok' }, { database: { error: 'TimeoutError', pool: null } }),
          },
        }),
        postgres: { pg: pgOk({ connectionsByClient: [{ application: 'orders-prod', user: 'app', state: 'idle', count: 5, pids: [11] }] }) },
      }),
    );
    expect(ids(r)[0]).toBe('app-pool-exhausted@api');
    expect(r.findings[0].cause).toMatch(/PostgreSQL shows orders-prod holding 5 connection\(s\), 5 idle/);
    // The same timeout with the database busy on a long query is not blamed on the pool.
    const busy = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: { status: 503, ...readiness({ database: 'down: timeouterror' }, { database: { error: 'TimeoutError', pool: null } }) },
        }),
        postgres: {
          pg: pgOk({
            facts: { ...pgOk().facts, long_query_count: 1 },
            connectionsByClient: [{ application: 'orders-prod', user: 'app', state: 'active', count: 5 }],
            longQueries: [
              {
                pid: 9,
                user: 'app',
                application: 'orders-prod',
                state: 'active',
                queryAgeS: 40,
                xactAgeS: 40,
                stateAgeS: 40,
                query: 'select …',
              },
            ],
          }),
        },
      }),
    );
    expect(ids(busy)).not.toContain('app-pool-exhausted@api');
  });

  it('other pool libraries: SQLAlchemy in the readiness text, psycopg_pool only in the logs', () => {
    const sqla = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: {
            status: 503,
            ...readiness(
              { database: 'down' },
              { database: { error: 'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00', pool: null } },
            ),
          },
        }),
      }),
    );
    expect(ids(sqla)[0]).toBe('app-pool-exhausted@api');
    const psy = run(
      observe({
        logs: {
          api: {
            available: true,
            before: win(3600, 60),
            now: win(60, 0, {
              errors: 9,
              lines: 40,
              signatures: [
                {
                  type: 'psycopg_pool.PoolTimeout',
                  template: "couldn't get a connection after <n> sec",
                  count: 9,
                  firstSeen: ago(50),
                  lastSeen: ago(1),
                  sample: "couldn't get a connection after 30.00 sec",
                },
              ],
            }),
          },
        },
      }),
    );
    expect(ids(psy)[0]).toBe('app-pool-exhausted@api');
    // redis-py's pool running dry is the Redis pool, and the text does not send the reader to PostgreSQL.
    const rpy = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: {
            status: 503,
            ...readiness(
              { database: 'ok', redis: 'down: connectionerror: too many connections' },
              { redis: { error: 'ConnectionError: Too many connections', pool: null } },
            ),
          },
        }),
      }),
    );
    expect(ids(rpy)[0]).toBe('app-pool-exhausted@api');
    expect(rpy.findings[0].cause).toMatch(/^api's own Redis connection pool is exhausted/);
    expect(rpy.findings[0].cause).not.toMatch(/PostgreSQL/);
    expect(psy.findings[0].evidence.join(' ')).toMatch(/9 × psycopg_pool.PoolTimeout/);
  });

  it("another client holds the server's connections: it is named, and the action targets it, not the app", () => {
    const r = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: {
            status: 503,
            ...readiness(
              { database: 'down: toomanyconnectionserror: sorry, too many clients already' },
              { database: { error: 'TooManyConnectionsError: sorry, too many clients already', pool: null } },
            ),
          },
        }),
        postgres: {
          pg: pgOk({
            facts: {
              usable_connections: 27,
              connections_used: 27,
              saturation_pct: 100,
              blocked_count: 0,
              long_query_count: 0,
              idle_in_transaction_count: 0,
            },
            connectionsByClient: [
              { application: 'reporting-etl', user: 'etl', state: 'idle', count: 24, pids: [501, 502], superuser: true },
              { application: 'api', user: 'app', state: 'idle', count: 3, pids: [11] },
            ],
          }),
        },
      }),
    );
    expect(ids(r)[0]).toBe('connection-pool-exhausted@pg');
    expect(r.findings[0].cause).toMatch(/reporting-etl \(user etl\) holds 24/);
    expect(r.findings[0].action).toContain('warroom run kill-query --service pg --pid 501 --terminate --force');
    expect(ids(r)).not.toContain('app-pool-exhausted@api');
  });

  it('a lock below lock_wait_s is reported as forming, with the blocker (not the victim) as the target', () => {
    const blocker = {
      pid: 77,
      user: 'postgres',
      application: 'psql',
      state: 'idle in transaction',
      queryAgeS: 3,
      xactAgeS: 3,
      stateAgeS: 3,
      query: 'update products set stock = ? where id = ?',
      superuser: true,
    };
    const victim = {
      pid: 88,
      user: 'app',
      application: 'api',
      state: 'active',
      waitEventType: 'Lock',
      queryAgeS: 2,
      xactAgeS: 2,
      stateAgeS: 2,
      query: 'update products …',
      superuser: false,
    };
    const r = run(
      observe({
        postgres: {
          pg: pgOk({
            facts: { ...pgOk().facts, blocked_count: 1, long_query_count: 1 },
            longQueries: [victim],
            lockTree: [
              {
                ...blocker,
                waitingFor: null,
                blocks: [{ ...victim, waitingFor: { mode: 'ShareLock', locktype: 'transactionid', relation: null, waitS: 2 }, blocks: [] }],
              },
            ],
          }),
        },
        logs: {
          api: {
            available: true,
            before: win(3600, 60, { latency: [{ endpoint: 'POST /api/orders', count: 50, p50: 20, p95: 40 }] }),
            now: win(60, 0, { latency: [{ endpoint: 'POST /api/orders', count: 6, p50: 1800, p95: 2000 }] }),
          },
        },
      }),
    );
    expect(ids(r)[0]).toBe('lock-contention@pg');
    expect(r.findings[0].cause).toMatch(/forming/);
    expect(r.findings[0].severity).toBe('SEV3');
    expect(r.findings[0].action).toContain('warroom run kill-query --service pg --pid 77 --force');
    expect(r.findings[0].explains.join(' ')).toMatch(/POST \/api\/orders p50 1.8 s/);
    // The victim waiting on the lock is not a long query of its own, and the slowness is not "inside the app".
    expect(ids(r)).not.toContain('long-running-query@pg');
    expect(ids(r)).not.toContain('slow-endpoint@api');
  });

  it('a clean deploy followed by a full Redis: the deploy is not blamed', () => {
    const r = run(
      observe({
        deploys: [
          { id: 2, service: 'api', version: 'v2', kind: 'deploy', at: ago(120), by: 'ci' },
          { id: 1, service: 'api', version: 'v1', kind: 'deploy', at: ago(86_400), by: 'ci' },
        ],
        redis: {
          sessions: redisOk({
            facts: { memory_used_pct: 100, maxmemory_policy: 'noeviction', oom_errors: 12, maxmemory_bytes: 1, used_memory_bytes: 1 },
          }),
        },
        logs: {
          api: {
            available: true,
            before: win(3600, 60),
            now: win(60, 0, {
              errors: 12,
              signatures: [
                {
                  type: 'OutOfMemoryError',
                  template: 'OOM command not allowed',
                  count: 12,
                  firstSeen: ago(50),
                  lastSeen: ago(2),
                  sample: '',
                },
              ],
            }),
            afterDeploy: win(120, 0, {
              errors: 12,
              signatures: [
                {
                  type: 'OutOfMemoryError',
                  template: 'OOM command not allowed',
                  count: 12,
                  firstSeen: ago(50),
                  lastSeen: ago(2),
                  sample: '',
                },
              ],
            }),
            beforeDeploy: win(1800, 120),
          },
        },
      }),
    );
    expect(ids(r)[0]).toBe('redis-memory-full@sessions');
    expect(ids(r)).not.toContain('error-spike-after-deploy@api');
  });

  it('a bad deploy: new code errors since it, still going on; the rollback target is the previous different version', () => {
    const bug = { type: 'KeyError', template: "'sku'", count: 30, firstSeen: ago(100), lastSeen: ago(1), sample: "KeyError: 'sku'" };
    const r = run(
      observe({
        deploys: [
          { id: 3, service: 'api', version: 'v2', kind: 'deploy', at: ago(110), by: 'ci' },
          { id: 2, service: 'api', version: 'v2', kind: 'deploy', at: ago(115), by: 'ci' },
          { id: 1, service: 'api', version: 'v1', kind: 'deploy', at: ago(86_400), by: 'ci' },
        ],
        logs: {
          api: {
            available: true,
            before: win(3600, 60),
            now: win(60, 0, { errors: 20, signatures: [{ ...bug, count: 20 }] }),
            afterDeploy: win(110, 0, { errors: 30, lines: 120, signatures: [bug] }),
            beforeDeploy: win(1800, 110),
          },
        },
      }),
    );
    expect(ids(r)[0]).toBe('error-spike-after-deploy@api');
    expect(r.findings[0].action).toBe('Roll back to v1: warroom run rollback --service api --to v1');
  });

  it('a new version that crashes on start: the deploy explains the refusal, so the rollback comes before a restart', () => {
    const crash = {
      type: 'ImportError',
      template: "cannot import name 'Sku' from 'app.models'",
      count: 4,
      firstSeen: ago(50),
      lastSeen: ago(5),
      sample: '',
    };
    const r = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: { code: 'ECONNREFUSED', phase: 'connect' },
          error: 'connection refused by 127.0.0.1:8000',
        }),
        deploys: [
          { id: 2, service: 'api', version: 'v2', kind: 'deploy', at: ago(60), by: 'ci' },
          { id: 1, service: 'api', version: 'v1', kind: 'deploy', at: ago(86_400), by: 'ci' },
        ],
        logs: {
          api: {
            available: true,
            before: win(3600, 30),
            now: win(30, 0, { errors: 2, lines: 4, signatures: [{ ...crash, count: 2 }] }),
            afterDeploy: win(60, 0, { errors: 4, lines: 8, signatures: [crash] }),
            beforeDeploy: win(1800, 60),
          },
        },
      }),
    );
    expect(ids(r)[0]).toBe('error-spike-after-deploy@api');
    expect(r.findings[0].action).toContain('warroom run rollback --service api --to v1');
  });

  it('latency that rose with a deploy and stays: roll back; Redis blocked by a slow command: the command and its client are named', () => {
    const slow = run(
      observe({
        deploys: [
          { id: 2, service: 'api', version: 'v2', kind: 'deploy', at: ago(600), by: 'ci' },
          { id: 1, service: 'api', version: 'v1', kind: 'deploy', at: ago(86_400), by: 'ci' },
        ],
        logs: {
          api: {
            available: true,
            before: win(3600, 60, { latency: [{ endpoint: 'GET /api/search', count: 80, p50: 900, p95: 1200 }] }),
            now: win(60, 0, { latency: [{ endpoint: 'GET /api/search', count: 9, p50: 1400, p95: 1800 }] }),
            afterDeploy: win(600, 0, { latency: [{ endpoint: 'GET /api/search', count: 60, p50: 1400, p95: 1800 }] }),
            beforeDeploy: win(2400, 600, { latency: [{ endpoint: 'GET /api/search', count: 90, p50: 60, p95: 90 }] }),
          },
        },
      }),
    );
    expect(ids(slow)[0]).toBe('slow-after-deploy@api');
    expect(slow.findings[0].action).toBe('Roll back to v1: warroom run rollback --service api --to v1');
    const blocked = run(
      observe({
        redis: {
          sessions: redisOk({
            slowlog: [
              { at: ago(20), durationUs: 850_000, command: 'KEYS *', client: '10.0.0.9:5123', clientName: 'report-worker' },
              { at: ago(7200), durationUs: 2_000_000, command: 'DEL big', client: null, clientName: null },
            ],
          }),
        },
        logs: {
          api: {
            available: true,
            before: win(3600, 60, { latency: [{ endpoint: 'GET /api/cart/:id', count: 50, p50: 8, p95: 20 }] }),
            now: win(60, 0, { latency: [{ endpoint: 'GET /api/cart/:id', count: 12, p50: 1100, p95: 1500 }] }),
          },
        },
      }),
    );
    expect(ids(blocked)[0]).toBe('redis-slow-commands@sessions');
    expect(blocked.findings[0].cause).toMatch(/in the last 1 min, the slowest KEYS \* \(850 ms, from report-worker\)/);
    expect(blocked.findings[0].explains.join(' ')).toMatch(/GET \/api\/cart\/:id p50 1.1 s/);
  });

  it('errors that stopped are a note about the past, not a cause', () => {
    const r = run(
      observe({
        logs: {
          api: {
            available: true,
            before: win(3600, 60, {
              errors: 40,
              signatures: [
                {
                  type: 'ConnectionError',
                  template: 'Error ? connecting to redis',
                  count: 40,
                  firstSeen: ago(600),
                  lastSeen: ago(300),
                  sample: '',
                },
              ],
            }),
            now: win(60, 0),
          },
        },
      }),
    );
    expect(r.findings.map((f) => [f.rule, f.kind])).toEqual([['errors-recovered', 'note']]);
  });

  it('an endpoint slow by design (as slow before as now) is not a finding; one that regressed is', () => {
    const slow = (beforeP50: number) =>
      run(
        observe({
          logs: {
            api: {
              available: true,
              before: win(3600, 60, { latency: [{ endpoint: 'GET /api/reports/export', count: 40, p50: beforeP50, p95: 1500 }] }),
              now: win(60, 0, { latency: [{ endpoint: 'GET /api/reports/export', count: 5, p50: 1300, p95: 1500 }] }),
            },
          },
        }),
      );
    expect(slow(1250).findings).toEqual([]);
    expect(ids(slow(40))).toEqual(['slow-endpoint@api']);
  });

  it('a refused app: "not listening", restart it; an app that hangs: stuck, also restart', () => {
    const refused = run(
      observe({
        httpCheck: http({
          state: 'down',
          evidence: { code: 'ECONNREFUSED', phase: 'connect' },
          error: 'connection refused by 127.0.0.1:8000 (nothing listening on that port)',
        }),
      }),
    );
    expect(ids(refused)[0]).toBe('service-not-listening@api');
    expect(refused.findings[0].action).toBe('Start it again: warroom run restart --service api');
    const hung = run(
      observe({
        httpCheck: http({
          state: 'down',
          latencyMs: 2500,
          evidence: { code: 'TIMEOUT', phase: 'response' },
          error: 'connected to 127.0.0.1:8000 but it sent no response within 2500 ms (accepts and never answers)',
        }),
      }),
    );
    expect(ids(hung)[0]).toBe('service-hanging@api');
    expect(hung.blind.some((b) => /payload .* was not seen/.test(b))).toBe(true);
  });

  it('two independent causes are both root causes', () => {
    const r = run(
      observe({
        httpCheck: http({ state: 'down', evidence: { status: 503, ...readiness({ database: 'ok', redis: 'down: connectionerror' }) } }),
        redis: { sessions: { reachable: false, error: 'connection refused by 127.0.0.1:6379', facts: {}, slowlog: [] } },
        health: {
          services: [
            {
              service: 'api',
              state: 'down',
              checks: [
                http({ state: 'down', evidence: { status: 503, ...readiness({ database: 'ok', redis: 'down: connectionerror' }) } }),
              ],
            },
            { service: 'pg', state: 'up', checks: [up('pg', 'postgres')] },
            { service: 'sessions', state: 'down', checks: [{ ...up('sessions', 'redis'), state: 'down', error: 'connection refused' }] },
          ],
        },
        postgres: {
          pg: pgOk({
            facts: { ...pgOk().facts, long_query_count: 1, long_query_threshold_s: 30 },
            longQueries: [
              {
                pid: 9,
                user: 'etl',
                application: 'etl',
                state: 'active',
                queryAgeS: 95,
                xactAgeS: 95,
                stateAgeS: 95,
                query: 'select pg_sleep(?)',
              },
            ],
          }),
        },
      }),
    );
    expect(ids(r)[0]).toBe('redis-down@sessions');
    const second = r.findings.find((f) => f.rule === 'long-running-query');
    expect(second?.root).toBe(true);
    expect(second?.action).toContain('warroom run kill-query --service pg --pid 9');
  });

  it('a readiness key with no configured service is a blind spot, and no "add it to depends_on" when it is there', () => {
    const r = run(
      observe({ httpCheck: http({ state: 'down', evidence: { status: 503, ...readiness({ database: 'ok', search: 'down: timeout' }) } }) }),
    );
    expect(ids(r)[0]).toBe('dependency-failing@api');
    expect(r.blind.some((b) => /"search" failing/.test(b))).toBe(true);
    expect(r.findings[0].action).not.toMatch(/depends_on/);
  });
});

describe("reading the ecosystem's messages", () => {
  it('classifies pool, Redis, PostgreSQL, connection and code errors from their real texts', () => {
    expect(
      classifyError('sqlalchemy.exc.TimeoutError', 'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00'),
    ).toBe('pool');
    expect(classifyError('psycopg_pool.PoolTimeout', "couldn't get a connection after 30.00 sec")).toBe('pool');
    expect(classifyError('redis.exceptions.ConnectionError', 'Too many connections')).toBe('pool');
    expect(classifyError('redis.exceptions.OutOfMemoryError', "OOM command not allowed when used memory > 'maxmemory'.")).toBe('redis');
    expect(classifyError('redis.exceptions.ConnectionError', 'Error ? connecting to 127.0.0.1:?. Connection refused.')).toBe('redis');
    expect(classifyError('asyncpg.exceptions.TooManyConnectionsError', 'sorry, too many clients already')).toBe('postgres');
    expect(
      classifyError(
        'django.db.utils.OperationalError',
        'FATAL:  remaining connection slots are reserved for non-replication superuser connections',
      ),
    ).toBe('postgres');
    expect(classifyError('ConnectionRefusedError', "[Errno ?] Connect call failed ('127.0.0.1', ?)")).toBe('connection');
    expect(classifyError('KeyError', "'sku'")).toBe('code');
    expect(classifyError('asyncpg.exceptions.UndefinedColumnError', 'column "sku" does not exist')).toBe('code');
  });
  it('matches readiness keys to services by name, then by kind, preferring depends_on', () => {
    const svcs: Record<string, ServiceSpec> = {
      app: { depends_on: ['main-db'] },
      'main-db': { postgres: 'x' },
      'other-db': { postgres: 'y' },
      kv: { redis: 'z' },
    };
    expect(matchDependency('database', null, 'app', svcs).service).toBe('main-db');
    expect(matchDependency('postgres', null, 'app', svcs).service).toBe('main-db');
    expect(matchDependency('cache', null, 'app', svcs).service).toBe('kv');
    expect(matchDependency('sessions', null, 'app', svcs).service).toBe('kv');
    expect(matchDependency('other-db', null, 'app', svcs).service).toBe('other-db');
    expect(matchDependency('primary', 'asyncpg TimeoutError', 'app', svcs)).toEqual({ service: 'main-db', kind: 'postgres' });
    expect(matchDependency('payments', null, 'app', svcs).service).toBeNull();
  });
});
