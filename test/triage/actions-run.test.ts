import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from '../../src/core/triage/built-in-rules.js';
import { renderTemplate, triageThresholdsSchema, type Facts } from '../../src/core/triage/rules.js';
import { checkWarroomCommands } from '../../src/cli/check-command.js';

/**
 * Every command a finding suggests runs exactly as printed: each built-in rule's action is
 * rendered with sample facts in every branch its template has (warroom can restart the service
 * or not, configured or ad hoc, a superuser's session or not, a key prefix found or not, a
 * previous version recorded or not), and each `warroom …` command in it is parsed by the real
 * CLI program. An unknown command or option, a missing value or an unquoted glob fails.
 */

function sample(v: { restartable: boolean; configured: boolean; superuser: boolean; found: boolean }): Facts {
  return {
    thresholds: triageThresholdsSchema.parse({}),
    service: {
      name: 'api',
      kind: 'app',
      state: 'down',
      configured: v.configured,
      restartable: v.restartable,
      error: 'HTTP 503',
      dependents_all: ['web'],
      dependents: ['web'],
      dependents_first: 'web',
    },
    http: {
      target: 'http://127.0.0.1:8000/health/ready',
      status: 503,
      latency: '2.5 s',
      latency_ms: 2500,
      refused: true,
      hanging: true,
      slow: true,
      outcome: 'http_5xx',
      error: 'HTTP 503',
    },
    tcp: { target: '127.0.0.1:8000', refused: true },
    readiness: {
      failing_count: 1,
      first_key: 'cache',
      first_error: 'OOM',
      first_service: v.found ? 'sessions' : null,
      pool_exhausted: true,
      pool_key: 'db',
      pool_size: 5,
      pool_idle: 0,
      pool_max: 5,
    },
    postgres: {
      target: 'postgres://app@127.0.0.1:5432/app',
      reachable: false,
      error: 'refused',
      root_blocker_pid: 4242,
      root_blocker_superuser: v.superuser,
      longest_query_pid: 4243,
      longest_query_superuser: v.superuser,
      oldest_idle_pid: 4244,
      oldest_idle_superuser: v.superuser,
      top_holder_pid: 4245,
      top_holder_superuser: v.superuser,
      top_holder_service: v.found ? 'worker' : null,
      top_holder_application: 'etl',
      top_holder_user: 'etl',
      top_holder_count: 20,
    },
    redis: {
      target: 'redis://127.0.0.1:6379/0',
      reachable: false,
      error: 'refused',
      top_prefix: v.found ? 'feed:' : null,
      top_prefix_pattern: v.found ? 'feed:*' : null,
      evicting_policy: v.superuser,
      top_client_name: v.found ? 'worker' : null,
    },
    deploy: { recent: true, version: 'v2', previous_version: v.found ? 'v1' : null, ago: '3 min' },
    logs: { available: v.found, slow_endpoint: 'POST /api/orders', slow_endpoint_p50: '1.8 s' },
    tls: { target: 'api.example.com:443', valid_to: '2027-01-01' },
    disk: { path: '/var/log/app' },
    dns: { target: 'api.example.com' },
    container: { target: 'app-backend' },
  };
}

const variants = [true, false].flatMap((restartable) =>
  [true, false].flatMap((configured) =>
    [true, false].flatMap((superuser) => [true, false].map((found) => ({ restartable, configured, superuser, found }))),
  ),
);

describe('every command a built-in finding suggests', () => {
  for (const rule of BUILT_IN_RULES) {
    it(`${rule.id}: its action's warroom commands parse with the real CLI`, () => {
      const seen = new Set<string>();
      for (const v of variants) {
        const action = renderTemplate(rule.action, sample(v));
        expect(action, `${rule.id} renders something`).not.toBe('');
        for (const c of checkWarroomCommands(action)) {
          seen.add(c.command);
          expect(c.ok, `${rule.id} ${JSON.stringify(v)}: "${c.command}" — ${c.error}`).toBe(true);
        }
      }
      // No rule leaves the on-call engineer without a way forward: most actions name a command.
      if (!['cert-expiring', 'cert-untrusted'].includes(rule.id))
        expect(seen.size, `${rule.id} suggests a warroom command`).toBeGreaterThan(0);
    });
  }
  it('the checker itself fails the commands the issue saw fail', () => {
    for (const bad of [
      'warroom run restart backend',
      'warroom run kill-query 24546',
      'warroom logs backend --since 15m --level error',
      'warroom run flush-keys --pattern cache:*',
    ]) {
      expect(checkWarroomCommands(bad)[0].ok, bad).toBe(false);
    }
  });
});
