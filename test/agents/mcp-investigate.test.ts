import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { PG_ADMIN_URL } from '../helpers/store.js';
import { call, recordsOf, REDIS_URL, stdioClient, type Entry } from './helpers.js';

/**
 * Triage, diagnoses and log analysis through the MCP server over stdio, against the machine's
 * real PostgreSQL and Redis (db 14) and a real log file the test writes.
 */
describe('warroom mcp: triage, diagnose and logs against real systems', () => {
  let dir: string;
  let agent: Awaited<ReturnType<typeof stdioClient>>;

  beforeAll(async () => {
    dir = tempDir('warroom-mcp-triage-');
    const log = join(dir, 'backend.log');
    writeFileSync(log, '');
    const now = Date.now();
    for (let i = 0; i < 40; i++) {
      const ts = new Date(now - 5 * 60_000 + i * 5000).toISOString();
      const err = i % 4 === 0;
      appendFileSync(
        log,
        `${JSON.stringify({ ts, level: err ? 'ERROR' : 'INFO', path: `/orders/${1000 + i}`, method: 'POST', status: err ? 500 : 200, msg: err ? `pool timeout after 30s for order ${i} password=hunter2secret` : 'ok' })}\n`,
      );
    }
    writeFileSync(
      join(dir, 'warroom.yaml'),
      [
        'services:',
        '  db:',
        `    postgres: ${JSON.stringify(PG_ADMIN_URL)}`,
        '  cache:',
        `    redis: ${JSON.stringify(REDIS_URL)}`,
        '  backend:',
        '    depends_on: [db, cache]',
        '    logs:',
        `      file: ${JSON.stringify(log)}`,
        '',
      ].join('\n'),
    );
    agent = await stdioClient(dir, [], { WARROOM_USER: 'triage-agent' });
  }, 60_000);

  afterAll(async () => {
    await agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs triage on the real PostgreSQL and Redis, puts it on the incident, and serves it as the latest-triage resource', async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Orders failing', severity: 'SEV2', services: ['backend'] });
    const id = (d.structured!.incident as { id: string }).id;
    const t = await call(agent.client, 'run_triage', { services: ['db', 'cache'], incident: id, timeout_ms: 5000 });
    expect(t.isError, t.text.slice(0, 500)).toBe(false);
    const report = t.structured as {
      id: number;
      state: string;
      health: { services: { service: string; state: string }[] };
      diagnoses: { postgres: Record<string, { version?: string }>; redis: Record<string, unknown> };
    };
    expect(report.id).toBeGreaterThan(0);
    expect(report.health.services.map((s) => `${s.service}:${s.state}`).sort()).toEqual(['cache:up', 'db:up']);
    expect(Object.keys(report.diagnoses.postgres)).toHaveLength(1);
    expect(Object.keys(report.diagnoses.redis)).toHaveLength(1);

    const res = await agent.client.readResource({ uri: 'warroom://triage/latest' });
    expect(JSON.parse((res.contents[0] as { text: string }).text)).toMatchObject({ id: report.id, incident: id });
    const byIncident = await agent.client.readResource({ uri: `warroom://incidents/${id}/triage` });
    expect(JSON.parse((byIncident.contents[0] as { text: string }).text).id).toBe(report.id);

    const shown = await runCli(['show', id, '--json'], { cwd: dir });
    const timeline = shown.json<{ timeline: Entry[] }>().timeline;
    const rec = recordsOf(timeline, 'run_triage');
    expect(rec).toHaveLength(1);
    expect(rec[0].text).toContain(`#${report.id}`);
    // The triage area's own summary entry lands too, authored by the agent.
    expect(timeline.some((e) => e.text.startsWith(`Triage #${report.id}`) && e.author === 'triage-agent')).toBe(true);
  }, 120_000);

  it('diagnoses the real PostgreSQL and Redis', async () => {
    const pg = await call(agent.client, 'diagnose', { target: 'postgres', service: 'db', timeout_ms: 5000 });
    expect(pg.isError, pg.text.slice(0, 500)).toBe(false);
    const pgd = pg.structured!.diagnosis as Record<string, unknown>;
    expect(JSON.stringify(pgd)).toMatch(/PostgreSQL|server_version|version/i);
    const rd = await call(agent.client, 'diagnose', { target: 'redis', service: 'cache', timeout_ms: 5000 });
    expect(rd.isError, rd.text.slice(0, 500)).toBe(false);
    expect(JSON.stringify(rd.structured!.diagnosis)).toMatch(/used_memory|usedMemory|memory/i);
    const bad = await call(agent.client, 'diagnose', { target: 'postgres', url: 'http://not-a-database' });
    expect(bad.error()).toMatchObject({ code: 'VALIDATION', field: 'url' });
  }, 120_000);

  it("analyses a service's log window: error events, top failing endpoint, redacted signatures", async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Order errors', severity: 'SEV3' });
    const id = (d.structured!.incident as { id: string }).id;
    const r = await call(agent.client, 'analyze_logs', { service: 'backend', since: '30m', incident: id });
    expect(r.isError, r.text.slice(0, 500)).toBe(false);
    const a = r.structured as {
      errorEvents: number;
      topFailingEndpoints: { endpoint?: string; path?: string; count?: number; errors?: number }[];
    };
    expect(a.errorEvents).toBe(10);
    expect(JSON.stringify(a.topFailingEndpoints[0])).toContain('/orders/:id');
    expect(r.text).not.toContain('hunter2secret');
    const shown = await call(agent.client, 'show_incident', { id });
    expect(recordsOf(shown.structured!.timeline as Entry[], 'analyze_logs')[0].text).toContain('10 error event');
  }, 120_000);
});
