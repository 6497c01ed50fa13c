import { describe, expect, it } from 'vitest';
import { buildFacts } from '../../src/core/triage/facts.js';
import { triageThresholdsSchema } from '../../src/core/triage/rules.js';
import type { CheckResult, HealthReport, ServiceHealth } from '../../src/checks/types.js';

const check = (service: string, state: CheckResult['state'], error?: string): CheckResult => ({
  service,
  kind: 'http',
  target: `http://${service}/health`,
  state,
  latencyMs: 5,
  evidence: { status: state === 'up' ? 200 : 503 },
  ...(error && { error }),
});
const svc = (service: string, state: ServiceHealth['state'], error?: string): ServiceHealth => ({
  service,
  state,
  checks: [check(service, state, error)],
});

function report(services: ServiceHealth[]): HealthReport {
  return {
    startedAt: '',
    finishedAt: '',
    durationMs: 0,
    timeoutMs: 2000,
    deadlineMs: 2250,
    state: 'down',
    counts: { up: 0, degraded: 0, down: 0 },
    services,
    skipped: [],
  };
}

describe('dependency attribution', () => {
  it('follows depends_on to the bottom of the chain, across several branches, without looping on cycles', () => {
    const { facts } = buildFacts({
      services: {
        web: { health: { url: 'http://web' }, depends_on: ['api'] },
        api: { health: { url: 'http://api' }, depends_on: ['db', 'cache', 'web'] },
        db: { health: { url: 'http://db' } },
        cache: { health: { url: 'http://cache' } },
      },
      health: report([
        svc('web', 'down', 'HTTP 503'),
        svc('api', 'down', 'HTTP 503'),
        svc('db', 'down', 'connection refused'),
        svc('cache', 'up'),
      ]),
      deploys: [],
      since: new Date(0).toISOString(),
      now: new Date(),
      postgres: {},
      redis: {},
      logs: {},
      thresholds: triageThresholdsSchema.parse({}),
      currentWindowMs: 300_000,
    });
    expect((facts.web.service as Record<string, unknown>).root_causes).toEqual(['db']);
    expect((facts.api.service as Record<string, unknown>).root_causes).toEqual(['db']);
    expect((facts.api.service as Record<string, unknown>).root_cause_error).toBe('db: connection refused');
    expect((facts.db.service as Record<string, unknown>).root_causes_count).toBe(0);
    expect((facts.db.service as Record<string, unknown>).dependents).toEqual(['api']);
    expect(facts.web.deploy).toEqual({ recent: false, count: 0 });
  });
});
