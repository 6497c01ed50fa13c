import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkService } from '../../src/checks/health.js';
import type { HealthReport } from '../../src/checks/types.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startHttp, type Peer } from './peers.js';

/**
 * One latency verdict: an HTTP probe answering at or above triage.thresholds.latency_ms
 * (default 1000 ms) is degraded in health, the latency triage calls slow.
 */
describe('HTTP latency threshold', () => {
  let peer: Peer;
  beforeAll(async () => {
    // /wait/<ms>/<status>: answers after that long; ?dep=down reports a failing dependency.
    peer = await startHttp((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const [, , ms, status] = u.pathname.split('/');
      setTimeout(
        () => {
          res.statusCode = Number(status ?? 200);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ status: 'ok', checks: { db: u.searchParams.get('dep') ?? 'ok' } }));
        },
        Number(ms ?? 0),
      );
    });
  });
  afterAll(() => peer.close());

  it('calls a 1.2 s answer degraded by default (threshold 1 s), in words', async () => {
    const h = await checkService('api', { health: { url: `${peer.url}/wait/1200` } }, { timeoutMs: 5000 });
    expect(h.state).toBe('degraded');
    const [c] = h.checks;
    expect(c.latencyMs).toBeGreaterThanOrEqual(1200);
    expect(c.error).toMatch(/^slow: answered in 1\.\d s \(threshold 1 s\)$/);
    expect(c.evidence).toMatchObject({ status: 200, slowThresholdMs: 1000 });
  });

  it('uses the threshold it is given, and a fast answer stays up', async () => {
    const slow = await checkService(
      'api',
      { health: { url: `${peer.url}/wait/400` } },
      { timeoutMs: 5000, thresholds: { httpSlowMs: 300 } },
    );
    expect(slow.state).toBe('degraded');
    expect(slow.checks[0].error).toMatch(/^slow: answered in \d{3} ms \(threshold 300 ms\)$/);
    const fast = await checkService('api', { health: { url: `${peer.url}/wait/0` } }, { timeoutMs: 5000, thresholds: { httpSlowMs: 300 } });
    expect(fast.state).toBe('up');
    expect(fast.checks[0].error).toBeUndefined();
    const generous = await checkService(
      'api',
      { health: { url: `${peer.url}/wait/400` } },
      { timeoutMs: 5000, thresholds: { httpSlowMs: 5000 } },
    );
    expect(generous.state).toBe('up');
  });

  it('adds slowness to the other reasons, and never lifts a down answer to degraded', async () => {
    const dep = await checkService(
      'api',
      { health: { url: `${peer.url}/wait/400?dep=down` } },
      { timeoutMs: 5000, thresholds: { httpSlowMs: 300 } },
    );
    expect(dep.state).toBe('degraded');
    expect(dep.checks[0].error).toMatch(/^reports db: down; slow: answered in \d{3} ms \(threshold 300 ms\)$/);
    const down = await checkService(
      'api',
      { health: { url: `${peer.url}/wait/400/503` } },
      { timeoutMs: 5000, thresholds: { httpSlowMs: 300 } },
    );
    expect(down.state).toBe('down');
    expect(down.checks[0].error).toMatch(/^HTTP 503$/);
  });

  describe('warroom health reads triage.thresholds.latency_ms from warroom.yaml', () => {
    let cwd: string;
    beforeAll(() => {
      cwd = tempDir();
    });
    afterAll(() => rmSync(cwd, { recursive: true, force: true }));

    it.each([
      [200, 'degraded', 1],
      [5000, 'up', 0],
    ] as const)('latency_ms %i: a 400 ms answer is %s', async (latencyMs, state, code) => {
      writeFileSync(join(cwd, 'warroom.yaml'), `triage:\n  thresholds:\n    latency_ms: ${latencyMs}\n`);
      const r = await runCli(['health', '--url', `${peer.url}/wait/400`, '--json'], { cwd });
      expect(r.code, r.stderr).toBe(code);
      const report = r.json<HealthReport>();
      expect(report.state).toBe(state);
      expect(report.services[0].checks[0].state).toBe(state);
      if (state === 'degraded') expect(report.services[0].checks[0].error).toMatch(/threshold 200 ms\)$/);
    });
  });
});
