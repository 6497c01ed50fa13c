import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHttp, readReadiness } from '../../src/checks/http.js';
import { checkTcp } from '../../src/checks/tcp.js';
import { checkService, runHealth } from '../../src/checks/health.js';
import { refusedPort, startHangingListener, startHttp, type Peer } from './peers.js';

let ok: Peer, failing: Peer, degraded: Peer, hanging: Peer, dead: number;

beforeAll(async () => {
  ok = await startHttp((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'ok', checks: { database: 'ok', redis: { status: 'up' } }, token: 'abc123secretvalue' }));
  });
  failing = await startHttp((_req, res) => {
    res.statusCode = 503;
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"error","checks":{"database":"down: connection refused"}}');
  });
  degraded = await startHttp((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok","dependencies":[{"name":"redis","healthy":false},{"name":"db","healthy":true}]}');
  });
  hanging = await startHangingListener();
  dead = await refusedPort();
});
afterAll(async () => {
  await Promise.all([ok, failing, degraded, hanging].map((p) => p?.close()));
});

describe('http check against real loopback servers', () => {
  it('is up on 2xx with readiness fields in the evidence, secrets in the payload redacted', async () => {
    const r = await checkHttp('api', { url: `${ok.url}/health/ready` });
    expect(r.state).toBe('up');
    expect(r.evidence.status).toBe(200);
    expect(r.evidence.readiness).toMatchObject({ status: 'ok', dependencies: { database: 'ok', redis: 'up' }, pool: null });
    expect(JSON.stringify(r.evidence.body)).not.toContain('abc123secretvalue');
    expect(r.latencyMs).toBeGreaterThan(0);
  });

  it('is down on 503 and names the failing dependency', async () => {
    const r = await checkHttp('api', { url: failing.url });
    expect(r.state).toBe('down');
    expect(r.error).toContain('HTTP 503');
    expect(r.evidence.failingDependencies).toEqual(['database']);
  });

  it('is degraded when a 200 payload reports a dependency unhealthy (array form)', async () => {
    const r = await checkHttp('api', { url: degraded.url });
    expect(r.state).toBe('degraded');
    expect(r.evidence.failingDependencies).toEqual(['redis']);
  });

  it('applies expect_json conditions and expect_status', async () => {
    const r = await checkHttp('api', { url: ok.url, expect_json: { 'checks.database': 'ok', status: 'ready' } });
    expect(r.state).toBe('down');
    expect(r.error).toContain('status is "ok", expected "ready"');
    const r2 = await checkHttp('api', { url: failing.url, expect_status: [503] });
    expect(r2.state).not.toBe('up'); // the status is accepted, the payload still says error
    expect(r2.error).not.toContain('HTTP 503');
  });

  it('reports a refused port as down with the reason, quickly', async () => {
    const r = await checkHttp('api', { url: `http://127.0.0.1:${dead}/health` }, { timeoutMs: 2000 });
    expect(r.state).toBe('down');
    expect(r.error).toMatch(/connection refused/);
    expect(r.evidence.code).toBe('ECONNREFUSED');
  });

  it('reports a listener that accepts and never answers as a response timeout', async () => {
    const r = await checkHttp('api', { url: `${hanging.url}/health` }, { timeoutMs: 300 });
    expect(r.state).toBe('down');
    expect(r.evidence.phase).toBe('response');
    expect(r.error).toMatch(/connected to .* but it sent no response within 300 ms/);
  });

  it('rejects a non-http URL with a reason instead of throwing', async () => {
    const r = await checkHttp('api', { url: 'ftp://x' });
    expect(r.state).toBe('down');
    expect(r.error).toMatch(/not an http\(s\) URL/);
  });

  it('reads the IETF draft shape and Spring components', () => {
    // "name:measure" keys are the dependency "name" (so it can be matched to a service).
    expect(
      readReadiness({ status: 'pass', checks: { 'db:responseTime': [{ status: 'fail', output: 'timeout after 1s' }] } }),
    ).toMatchObject({ status: 'pass', dependencies: { db: 'fail' }, details: { db: { error: 'timeout after 1s' } } });
    expect(readReadiness({ status: 'UP', components: { db: { status: 'DOWN' } } })).toMatchObject({
      status: 'up',
      dependencies: { db: 'down' },
    });
  });

  it("reads each dependency's error text and pool numbers, in the shapes apps use", () => {
    const r = readReadiness({
      status: 'degraded',
      checks: {
        database: { status: 'down', error: 'TimeoutError: pool acquire timed out', pool: { size: 10, idle: 0, max: 10 } },
        cache: "down: OutOfMemoryError: OOM command not allowed when used memory > 'maxmemory'.",
        search: { healthy: true, latency_ms: 4 },
      },
    });
    expect(r.dependencies).toEqual({
      database: 'down',
      cache: "down: outofmemoryerror: oom command not allowed when used memory > 'maxmemory'.",
      search: 'ok',
    });
    expect(r.details.database).toEqual({
      error: 'TimeoutError: pool acquire timed out',
      pool: { size: 10, idle: 0, max: 10, inUse: null, waiting: null },
      latencyMs: null,
    });
    expect(r.details.cache.error).toBe("OutOfMemoryError: OOM command not allowed when used memory > 'maxmemory'.");
    expect(r.details.search).toEqual({ error: null, pool: null, latencyMs: 4 });
    // SQLAlchemy-style numbers at the top of the payload, HikariCP-style names.
    expect(readReadiness({ status: 'ok', pool: { pool_size: 5, checked_out: 5, overflow: 0 } }).pool).toMatchObject({ size: 5, inUse: 5 });
    expect(
      readReadiness({
        status: 'ok',
        checks: { db: { status: 'up', connections: { active: 9, idle: 1, max: 10, threadsAwaitingConnection: 3 } } },
      }).details.db.pool,
    ).toMatchObject({ idle: 1, max: 10, inUse: 9 });
    // Checks at the top level, beside the app's own fields (version, uptime), which are not dependencies.
    const flat = readReadiness({
      status: 'unhealthy',
      version: '2.3.1',
      uptime: 812,
      database: { status: 'down', error: 'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00' },
      redis: 'ok',
      host: 'api-7',
    });
    expect(flat.dependencies).toEqual({ database: 'down', redis: 'ok' });
    expect(flat.details.database.error).toMatch(/^QueuePool limit/);
  });

  it('a payload that is HTML, huge, or nested without end is evidence, never a crash', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    for (const body of [
      '<html><body>502 Bad Gateway</body></html>',
      `{"status":"ok","pad":"${'x'.repeat(10 * 1024 * 1024)}"}`,
      deep,
      `{"checks":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    ]) {
      const peer = await startHttp((_q, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(body);
      });
      try {
        const r = await checkHttp('api', { url: peer.url }, { timeoutMs: 5000 });
        expect(['up', 'degraded', 'down']).toContain(r.state);
        expect(r.latencyMs).toBeLessThan(5000);
      } finally {
        await peer.close();
      }
    }
  });
});

describe('tcp check', () => {
  it('is up when something listens and down with "refused" when nothing does', async () => {
    expect((await checkTcp('x', `127.0.0.1:${ok.port}`)).state).toBe('up');
    const r = await checkTcp('x', `127.0.0.1:${dead}`);
    expect(r.state).toBe('down');
    expect(r.error).toMatch(/refused/);
    expect((await checkTcp('x', 'no-port')).error).toMatch(/host:port/);
  });
});

describe('checkService and runHealth', () => {
  it('takes the worst check as the service state', async () => {
    const s = await checkService('api', { health: { url: ok.url }, tcp: [`127.0.0.1:${dead}`] });
    expect(s.state).toBe('down');
    expect(s.checks.map((c) => c.kind).sort()).toEqual(['http', 'tcp']);
  });

  it('never holds the report past the deadline, even with a service timeout longer than it', async () => {
    const t0 = performance.now();
    const r = await runHealth(
      {
        good: { health: { url: ok.url } },
        wedged: { health: { url: hanging.url }, timeout: 60_000 },
        gone: { health: { url: `http://127.0.0.1:${dead}/` } },
        nothing: { description: 'logs only' },
      },
      { timeoutMs: 2000, deadlineMs: 400 },
    );
    const took = performance.now() - t0;
    // The bound is the deadline plus scheduling slack, not the 60 s service timeout.
    expect(took).toBeLessThan(5000);
    expect(r.deadlineMs).toBe(400);
    expect(r.services.find((s) => s.service === 'wedged')!.state).toBe('down');
    expect(r.services.find((s) => s.service === 'good')!.state).toBe('up');
    expect(r.services.find((s) => s.service === 'gone')!.state).toBe('down');
    expect(r.skipped).toEqual(['nothing']);
    expect(r.counts).toEqual({ up: 1, degraded: 0, down: 2 });
    expect(r.state).toBe('down');
  });

  it('times every check from the start of the run, each by its own timeout, and the deadline is the longest + 100 ms', async () => {
    const services: Record<string, { health: { url: string }; timeout?: number }> = {};
    for (let i = 0; i < 100; i++) services[`s${i}`] = { health: { url: i % 10 === 0 ? `${hanging.url}/${i}` : `${ok.url}/${i}` } };
    services.quick = { health: { url: `${hanging.url}/quick` }, timeout: 150 };
    const r = await runHealth(services, { timeoutMs: 600 });
    expect(r.deadlineMs).toBe(700);
    const wedged = r.services.filter((s) => s.state === 'down');
    expect(wedged).toHaveLength(11);
    // Each wedged check answers its own timeout (not the deadline's "did not finish"): the first
    // made and the last made alike, however long making 101 requests took.
    for (const s of wedged) expect(s.checks[0].error).toMatch(/sent no response within (600|150) ms/);
    expect(r.services.find((s) => s.service === 'quick')!.checks[0].latencyMs).toBeLessThan(500);
    expect(r.durationMs).toBeLessThan(1000); // 600 ms and scheduling slack
  });
});
