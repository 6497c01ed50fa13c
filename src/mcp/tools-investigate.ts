import { z } from 'zod';
import { runHealthCheck } from '../app/run-health.js';
import type { HealthReport } from '../checks/types.js';
import { defineTool, incidentArg, type ToolDef } from './tool.js';

const stateEnum = z.enum(['up', 'degraded', 'down']);

export const healthReportSchema = z.object({
  startedAt: z.string(), finishedAt: z.string(), durationMs: z.number(), timeoutMs: z.number(), deadlineMs: z.number(),
  state: stateEnum,
  counts: z.record(z.string(), z.number()),
  services: z.array(z.object({
    service: z.string(), state: stateEnum,
    checks: z.array(z.object({ service: z.string(), kind: z.string(), target: z.string(), state: stateEnum, latencyMs: z.number(), evidence: z.record(z.string(), z.unknown()), error: z.string().optional() })),
  })),
  skipped: z.array(z.string()),
});

const incidentOf = (a: Record<string, unknown>) => (typeof a.incident === 'string' ? a.incident : null);

function healthLine(r: HealthReport): string {
  const bad = r.services.filter((s) => s.state !== 'up').map((s) => `${s.service} ${s.state}`);
  return `${r.state}${bad.length ? ` — ${bad.join(', ')}` : ''}`;
}

export const investigateTools: ToolDef[] = [
  defineTool({
    name: 'run_health', title: 'Health of every service', effect: 'run',
    description: 'Check every configured service (or the named ones, or ad hoc URLs) concurrently: HTTP readiness, TCP, PostgreSQL, Redis, DNS, TLS expiry, disk, container. Each check is up, degraded or down with latency and evidence. Read-only.',
    input: {
      services: z.array(z.string().max(100)).optional().describe('only these configured services'),
      urls: z.array(z.string().max(2000)).optional().describe('ad hoc health URLs'),
      postgres: z.array(z.string().max(2000)).optional().describe('ad hoc PostgreSQL URLs'),
      redis: z.array(z.string().max(2000)).optional().describe('ad hoc Redis URLs'),
      tcp: z.array(z.string().max(300)).optional().describe('ad hoc host:port'),
      timeout_ms: z.number().int().min(1).max(120_000).optional(),
      incident: incidentArg,
    },
    output: healthReportSchema,
    incidentOf,
    run: ({ ctx }, a) => runHealthCheck(ctx, { services: a.services, urls: a.urls, postgres: a.postgres, redis: a.redis, tcp: a.tcp, timeoutMs: a.timeout_ms }),
    describe: (_a, r) => `Agent ran the health check: ${r ? healthLine(r) : 'failed'} (run_health)`,
    keep: (r) => ({ state: r.state, counts: r.counts, services: r.services.map((s) => ({ service: s.service, state: s.state })) }),
  }),
];
