import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTriage } from '../../src/app/run-triage.js';
import { runAppDiagnosis } from '../../src/app/run-diagnosis.js';
import { recordDeploy } from '../../src/app/record-deploy.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { tempDir } from '../helpers/cli.js';
import { startHttp, type Peer } from '../checks/peers.js';

/** Triage reads each service's recent logs through the logs area's analyser (real files on disk). */
let store: TempStore;
let ok: Peer;
let dir: string;

function writeLog(path: string, now: number, opts: { minutes: number; perMinute: number; errorsFrom: number; errorEvery: number }) {
  const lines: string[] = [];
  for (let m = opts.minutes; m >= 1; m--) {
    for (let i = 0; i < opts.perMinute; i++) {
      const at = new Date(now - m * 60_000 + i * (60_000 / opts.perMinute)).toISOString();
      const err = m <= opts.errorsFrom && i % opts.errorEvery === 0;
      lines.push(
        JSON.stringify(
          err
            ? {
                timestamp: at,
                level: 'ERROR',
                message: 'order lookup failed: KeyError',
                path: '/api/orders/17',
                method: 'GET',
                status: 500,
              }
            : { timestamp: at, level: 'INFO', message: 'request', path: '/api/orders/3', method: 'GET', status: 200, duration_ms: 12 },
        ),
      );
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  store = await createTempStore('sqlite');
  ok = await startHttp((_q, r) => {
    r.setHeader('content-type', 'application/json');
    r.end('{"status":"ok"}');
  });
  dir = tempDir('warroom-logs-');
  const now = Date.now();
  // steady: 10% errors throughout; deployed: clean, then errors from 4 minutes ago (after the deploy).
  writeLog(join(dir, 'steady.log'), now, { minutes: 14, perMinute: 30, errorsFrom: 14, errorEvery: 10 });
  writeLog(join(dir, 'deployed.log'), now, { minutes: 14, perMinute: 30, errorsFrom: 4, errorEvery: 2 });
  writeLog(join(dir, 'quiet.log'), now, { minutes: 14, perMinute: 30, errorsFrom: 0, errorEvery: 1 });
});
afterAll(async () => {
  await ok?.close();
  await store?.cleanup();
});

describe('triage with logs', () => {
  it('fires error-rate-high on a steady error rate and error-spike-after-deploy when errors start after a deploy', async () => {
    const config = {
      services: {
        steady: { health: { url: ok.url }, logs: { file: [join(dir, 'steady.log')] } },
        deployed: { health: { url: ok.url }, logs: { file: [join(dir, 'deployed.log')] } },
        quiet: { health: { url: ok.url }, logs: { file: [join(dir, 'quiet.log')] } },
      },
    };
    const ctx = testContext(store.store, { config });
    await recordDeploy(ctx, { service: 'deployed', version: 'v7', at: new Date(Date.now() - 5 * 60_000).toISOString() });
    const r = await runTriage(ctx, {});
    const steady = r.findings.find((f) => f.service === 'steady');
    expect(steady?.rule).toBe('error-rate-high');
    expect(steady!.facts['logs.erroring']).toBe(true);
    expect(steady!.cause).toMatch(/^(9\.\d|10(\.\d)?)% of steady's log lines in the last 5 min are errors, mostly GET \/api\/orders/);
    const spike = r.findings.find((f) => f.service === 'deployed');
    expect(spike?.rule).toBe('error-spike-after-deploy');
    expect(spike!.severity).toBe('SEV2');
    expect(spike!.evidence.join('\n')).toMatch(/code errors since the deploy: \d+ of \d+ lines \([\d.]+%; before it 0%\)/);
    expect(spike!.action).toBe(
      'Roll back (no earlier version of deployed is recorded, so name it): warroom run rollback --service deployed --to VERSION',
    );
    expect(r.findings.some((f) => f.service === 'quiet')).toBe(false);
    expect(r.diagnoses.logs.quiet).toMatchObject({ available: true, now: { errors: 0 } });
  });

  it("a log whose lines carry no time (uvicorn's default text log): current only when the file was just written, and said", async () => {
    const text = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        i % 3 === 0
          ? `INFO:     127.0.0.1:5000 - "GET /api/orders/${i} HTTP/1.1" 500 Internal Server Error\nERROR:    Exception in ASGI application\nTraceback (most recent call last):\n  File "app.py", line 9, in get_order\nKeyError: 'sku'`
          : `INFO:     127.0.0.1:5000 - "GET /api/orders/${i} HTTP/1.1" 200 OK`,
      ).join('\n');
    const fresh = join(dir, 'undated-fresh.log');
    const stale = join(dir, 'undated-stale.log');
    writeFileSync(fresh, `${text(30)}\n`);
    writeFileSync(stale, `${text(30)}\n`);
    const old = new Date(Date.now() - 10 * 60_000); // inside the 1 h window, before the 5 min current one
    utimesSync(stale, old, old);
    const ctx = testContext(store.store, {
      config: {
        services: {
          fresh: { health: { url: ok.url }, logs: { file: [fresh] } },
          stale: { health: { url: ok.url }, logs: { file: [stale] } },
        },
      },
    });
    const r = await runTriage(ctx, {});
    expect(r.findings.find((f) => f.service === 'fresh')?.rule).toBe('error-rate-high');
    expect(r.findings.some((f) => f.service === 'stale')).toBe(false);
    expect(
      r.blindSpots
        .filter((b) => /log lines carry no time/.test(b))
        .map((b) => b.split(':')[0])
        .sort(),
    ).toEqual(['fresh', 'stale']);
    expect(r.blindSpots.find((b) => b.startsWith('stale'))).toMatch(/last written before the current window/);
  });

  it('diagnose app shows the error rate and top failing endpoint, and says when a source is unreadable', async () => {
    const ctx = testContext(store.store, {
      config: {
        services: {
          steady: { health: { url: ok.url }, logs: { file: [join(dir, 'steady.log')] } },
          broken: { health: { url: ok.url }, logs: { file: [join(dir, 'missing.log')] } },
        },
      },
    });
    const d = await runAppDiagnosis(ctx, { service: 'steady' });
    expect(d.logs?.available).toBe(true);
    expect(d.facts.logs_error_rate_pct).toBeCloseTo(10, 0);
    expect(d.summary.join('\n')).toMatch(/top failing endpoint: GET \/api\/orders\/:?\w*/);
    const b = await runAppDiagnosis(ctx, { service: 'broken' });
    expect(b.logs?.available).toBe(false);
    expect(b.summary.join('\n')).toMatch(/logs unavailable: .*missing\.log/);
  });
});
