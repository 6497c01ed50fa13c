import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTriage, getTriageReport, listTriageReports } from '../../src/app/run-triage.js';
import { recordDeploy } from '../../src/app/record-deploy.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import { showIncident } from '../../src/app/list-incidents.js';
import type { WarroomConfig } from '../../src/config/schema.js';
import { createPgDatabase, createTempStore, testContext, type TempStore } from '../helpers/store.js';
import {
  inspectBody,
  makeCert,
  refusedPort,
  startFakeDockerEngine,
  startHttp,
  startHttps,
  startRedis,
  type Peer,
} from '../checks/peers.js';
import { mountFullTmpfs } from '../checks/disk-dns-container.test.js';

/**
 * Every built-in rule against a real broken state, in one triage run over a config that
 * describes a small, thoroughly broken estate; then the same run against a healthy estate
 * where no rule may fire.
 */
let store: TempStore;
let db: { url: string; drop(): Promise<void> };
const clients: pg.Client[] = [];
const pending: Promise<unknown>[] = [];
const peers: Peer[] = [];
const stops: (() => Promise<void> | void)[] = [];
let config: WarroomConfig;
let holderPid = 0;

async function session(app: string) {
  const c = new pg.Client({ connectionString: db.url, application_name: app });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  store = await createTempStore('sqlite');
  db = await createPgDatabase('wr_triage');
  // PostgreSQL: a holder in an open transaction, two sessions blocked behind it, a long query.
  const setup = await session('setup');
  await setup.query("create table orders (id int primary key, state text); insert into orders values (1, 'new')");
  const holder = await session('billing-worker');
  holderPid = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid;
  await holder.query('begin');
  await holder.query("update orders set state = 'paid' where id = 1");
  for (let i = 0; i < 2; i++)
    pending.push((await session('api')).query("update orders set state = 'shipped' where id = 1").catch(() => {}));
  pending.push((await session('report-job')).query('select pg_sleep(60)').catch(() => {}));
  const poll = await session('poll');
  for (let i = 0; ; i++) {
    const r = await poll.query(
      "select count(*) filter (where wait_event_type = 'Lock') as w, count(*) filter (where application_name = 'report-job' and now() - query_start > interval '1200 milliseconds') as s from pg_stat_activity where datname = current_database()",
    );
    if (Number(r.rows[0].w) === 2 && Number(r.rows[0].s) === 1) break;
    if (i > 300) throw new Error('contention did not build up');
    await new Promise((res) => setTimeout(res, 50));
  }

  // Redis: full (noeviction, OOM on write), and one with every client slot used once.
  const full = await startRedis(['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction']);
  stops.push(full.stop);
  const fc = new Redis(full.url, { maxRetriesPerRequest: 0 });
  fc.on('error', () => {});
  for (let i = 0; i < 400; i++) {
    try {
      await fc.set(`cache:${i}`, 'x'.repeat(16384));
    } catch {
      break;
    }
  }
  fc.disconnect();
  const crowded = await startRedis(['--maxclients', '2']);
  stops.push(crowded.stop);
  const held: Redis[] = [];
  for (let i = 0; i < 3; i++) {
    const c = new Redis(crowded.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    held.push(c);
    await c
      .connect()
      .then(() => c.ping())
      .catch(() => {});
  }
  // The hog stays connected for the triage: a client crowd that is gone is the past, not a cause.
  stops.push(() => held.forEach((c) => c.disconnect()));

  const gone = await refusedPort();
  const backend = await startHttp((_q, r) => {
    r.statusCode = 503;
    r.setHeader('content-type', 'application/json');
    r.end(JSON.stringify({ status: 'error', checks: { database: 'down' } }));
  });
  const web = await startHttp((_q, r) => {
    r.setHeader('content-type', 'application/json');
    r.end(JSON.stringify({ status: 'ok', checks: { search: 'down', db: 'ok' } }));
  });
  const slow = await startHttp((_q, r) => setTimeout(() => r.end('ok'), 400));
  const deployed = await startHttp((_q, r) => {
    r.statusCode = 500;
    r.end('Internal Server Error');
  });
  const soon = await startHttps(await makeCert(-10, 3));
  const old = await startHttps(await makeCert(-40, -3));
  peers.push(backend, web, slow, deployed, soon, old);
  const disk = mountFullTmpfs();
  stops.push(() => disk.cleanup());
  // No Docker engine runs here: the peer replays the Engine API's wire format on a unix socket.
  const engine = await startFakeDockerEngine({
    'app-worker': inspectBody('app-worker', { Status: 'exited', Running: false, OOMKilled: true, ExitCode: 137 }, { RestartCount: 4 }),
  });
  stops.push(engine.close);

  const ctx = testContext(store.store);
  await recordDeploy(ctx, { service: 'checkout', version: 'v41', at: new Date(Date.now() - 3 * 86_400_000).toISOString() });
  await recordDeploy(ctx, { service: 'checkout', version: 'v42', by: 'ci', at: new Date(Date.now() - 4 * 60_000).toISOString() });

  config = {
    services: {
      db: { postgres: db.url.replace('postgres://postgres@', 'postgres://postgres:Pg-Secret-Pass@') },
      gone: { tcp: [`127.0.0.1:${gone}`] },
      backend: { health: { url: `${backend.url}/health/ready` }, depends_on: ['gone'] },
      web: { health: { url: web.url } },
      slow: { health: { url: slow.url } },
      checkout: { health: { url: deployed.url } },
      cache: { redis: full.url },
      sessions: { redis: crowded.url },
      edge: { tls: [`localhost:${soon.port}`] },
      legacy: { tls: [`localhost:${old.port}`] },
      uploads: { disk: [disk.dir] },
      lookup: { dns: ['warroom-test.invalid'] },
      worker: { container: { name: 'app-worker', socket: engine.socket } },
    },
    triage: {
      thresholds: { long_query_s: 1, idle_in_transaction_s: 0, lock_wait_s: 0, latency_ms: 250, pool_saturation_pct: 1 },
      rules: [
        {
          id: 'orders-lock-storm',
          title: 'Orders lock storm',
          when: { fact: 'postgres.blocked_count', op: 'gte', value: 2 },
          cause: '{{postgres.blocked_count}} sessions queue behind pid {{postgres.root_blocker_pid}}',
          evidence: [],
          action: 'Page the billing team',
          severity: 'SEV2',
        },
      ],
    },
  };
}, 90_000);

afterAll(async () => {
  await db?.drop();
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await Promise.allSettled(pending);
  await Promise.all(peers.map((p) => p.close()));
  for (const s of stops) await s();
  await store?.cleanup();
});

describe('triage against a broken estate', () => {
  it('fires every built-in rule where its broken state exists, with numbers and first actions', async () => {
    const ctx = testContext(store.store, { config });
    const inc = await declareIncident(ctx, { title: 'Checkout failing', severity: 'SEV2' });
    const r = await runTriage(ctx, { incident: inc.incident.id, timeoutMs: 3000 });
    const fired = (rule: string, service: string) => {
      const f = r.findings.find((x) => x.rule === rule && x.service === service);
      expect(f, `${rule} on ${service}; fired: ${r.findings.map((x) => `${x.rule}@${x.service}`).join(', ')}`).toBeDefined();
      return f!;
    };
    expect(fired('lock-contention', 'db').cause).toMatch(
      new RegExp(
        `pid ${holderPid} \\(billing-worker as postgres, idle in transaction, transaction open [\\d.]+ s\\) holds a lock on orders that blocks 2 session\\(s\\) \\(pids \\d+, \\d+: api\\)`,
      ),
    );
    // The blocker is a superuser's session: kill-query asks for --force, and the finding says so.
    expect(fired('lock-contention', 'db').action).toContain(`warroom run kill-query --service db --pid ${holderPid} --force`);
    // The two blocked updates are the lock's victims, not long queries of their own: only the pg_sleep is.
    expect(fired('long-running-query', 'db').facts['postgres.long_query_count']).toBe(1);
    expect(fired('long-running-query', 'db').cause).toMatch(/report-job as postgres/);
    expect(fired('idle-in-transaction', 'db').cause).toMatch(/billing-worker/);
    expect(fired('connection-pool-exhausted', 'db').facts['postgres.saturation_pct']).toBeGreaterThan(1);
    expect(fired('orders-lock-storm', 'db').cause).toBe(`2 sessions queue behind pid ${holderPid}`);
    // backend's readiness says "database: down": its 503 is explained by what is wrong in db, not reported on its own.
    expect(r.findings.some((f) => f.service === 'backend')).toBe(false);
    expect(
      r.findings.find((f) => f.service === 'db' && f.explains.some((e) => /^backend readiness HTTP 503 \(reports database/.test(e))),
    ).toBeDefined();
    expect(fired('service-not-listening', 'gone').severity).toBe('SEV1');
    expect(fired('service-not-listening', 'gone').cause).toMatch(/^Nothing is listening on 127\.0\.0\.1:\d+: gone is not running/);
    expect(fired('dependency-failing', 'web').cause).toBe("web's readiness reports search failing: down");
    expect(r.blindSpots.some((b) => /web's readiness reports "search" failing/.test(b))).toBe(true);
    expect(fired('slow-endpoint', 'slow').facts['http.slow']).toBe(true);
    // No logs for checkout: its 500s are reported, the deploy is named as context, not blamed on no evidence.
    expect(r.findings.some((f) => f.rule === 'error-spike-after-deploy')).toBe(false);
    expect(fired('service-unhealthy', 'checkout').evidence.join('\n')).toMatch(/v42 was deployed 4 min ago/);
    const full = fired('redis-memory-full', 'cache');
    expect(full.severity).toBe('SEV1');
    expect(full.facts['redis.oom_errors']).toBeGreaterThan(0);
    expect(full.action).toContain('warroom run flush-keys --service cache --pattern "cache:*"');
    expect(fired('redis-clients-exhausted', 'sessions').cause).toMatch(/refuses new clients \(max number of clients reached\)/);
    expect(fired('cert-expiring', 'edge').cause).toMatch(/expires in 2\.\d+ days|expires in 3 days/);
    expect(fired('cert-untrusted', 'edge').cause).toMatch(/SELF_SIGNED/);
    expect(fired('cert-expired', 'legacy').severity).toBe('SEV1');
    expect(fired('disk-full', 'uploads').facts['disk.min_free_pct']).toBeLessThan(10);
    expect(fired('dns-failure', 'lookup').cause).toMatch(/warroom-test\.invalid/);
    expect(fired('memory-growth', 'worker').cause).toMatch(/OOM-killed/);
    expect(r.suggestedSeverity).toBe('SEV1');
    expect(r.findings[0].root).toBe(true);
    expect(r.findings[0].explains.length).toBeGreaterThan(0);
    const causes = r.findings.filter((f) => f.kind === 'cause');
    expect(r.recentChanges.map((d) => d.version)).toEqual(['v42']);
    // Passwords in DSNs never reach the report.
    expect(JSON.stringify(r)).not.toContain('Pg-Secret-Pass');

    // Stored, and on the incident's timeline with a pointer to the report.
    expect(r.id).toBeGreaterThan(0);
    expect((await getTriageReport(ctx, 'latest')).id).toBe(r.id);
    expect((await listTriageReports(ctx, { incident: inc.incident.id }))[0]).toMatchObject({
      id: r.id,
      findingCount: causes.length,
      suggestedSeverity: 'SEV1',
    });
    const shown = await showIncident(ctx, inc.incident.id);
    const findings = shown.timeline.filter((e) => e.kind === 'finding');
    expect(findings.length).toBe(Math.min(10, causes.length) + 1);
    expect(findings.at(-1)!.text).toMatch(
      new RegExp(`^Triage #${r.id}: ${causes.length} finding\\(s\\).*Full report: warroom triage --show ${r.id}`),
    );
    expect(findings[0].data).toMatchObject({ triage: r.id });
  }, 60_000);

  it('refuses a viewer and an unknown incident', async () => {
    const viewer = testContext(store.store, { config, actor: { name: 'v', role: 'viewer', via: 'api' } });
    await expect(runTriage(viewer, {})).rejects.toThrow(/needs the responder role/);
    await expect(runTriage(testContext(store.store, { config }), { incident: 'INC-999' })).rejects.toThrow(/INC-999 not found/);
  });
});

describe('triage on a healthy estate', () => {
  it('finds nothing when everything is fine', async () => {
    const ok = await startHttp((_q, r) => {
      r.setHeader('content-type', 'application/json');
      r.end('{"status":"ok","checks":{"db":"ok","redis":"ok"}}');
    });
    const quiet = await createPgDatabase('wr_triage_ok');
    const red = await startRedis();
    try {
      const ctx = testContext(store.store, {
        config: {
          services: {
            api: { health: { url: ok.url }, depends_on: ['db', 'cache'] },
            db: { postgres: quiet.url },
            cache: { redis: red.url },
          },
        },
      });
      const r = await runTriage(ctx, {});
      expect(r.state).toBe('up');
      expect(r.findings).toEqual([]);
      expect(r.suggestedSeverity).toBeNull();
      expect(r.diagnoses.postgres.db.reachable).toBe(true);
      expect(r.diagnoses.redis.cache.reachable).toBe(true);
    } finally {
      await ok.close();
      await quiet.drop();
      await red.stop();
    }
  }, 30_000);
});
