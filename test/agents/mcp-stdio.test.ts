import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { incidentDetailSchema } from '../../src/contract/incidents.js';
import { call, recordsOf, stdioClient, writeAgentConfig, type Entry } from './helpers.js';

/**
 * The MCP server over stdio: the SDK's own client spawns the built `warroom mcp`, exactly as an
 * AI assistant would, on an embedded store in a temporary directory whose warroom.yaml points
 * at the machine's real PostgreSQL and Redis (db 14).
 */
describe('warroom mcp over stdio', () => {
  let dir: string;
  let marker: string;
  let agent: Awaited<ReturnType<typeof stdioClient>>;

  beforeAll(async () => {
    dir = tempDir('warroom-mcp-stdio-');
    ({ marker } = writeAgentConfig(dir));
    agent = await stdioClient(dir, [], { WARROOM_USER: 'claude-ops' });
  }, 60_000);

  afterAll(async () => {
    await agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists tools with JSON-schema inputs and structured outputs, a timeline resource and the triage prompt', async () => {
    const { tools } = await agent.client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of [
      'list_incidents',
      'show_incident',
      'declare_incident',
      'add_timeline_entry',
      'change_status',
      'list_deploys',
      'run_health',
      'run_triage',
      'diagnose',
      'analyze_logs',
      'draft_update',
      'post_update',
      'generate_postmortem',
      'list_action_items',
      'add_action_item',
      'plan_remediation',
    ])
      expect(names).toContain(n);
    // Without --allow-remediation nothing that changes production is exposed.
    expect(names).not.toContain('run_remediation');
    for (const t of tools) {
      expect(t.inputSchema.type, t.name).toBe('object');
      expect(t.outputSchema?.type, t.name).toBe('object');
    }
    const declare = tools.find((t) => t.name === 'declare_incident')!;
    expect(declare.inputSchema.required).toEqual(expect.arrayContaining(['title', 'severity']));
    const { resourceTemplates } = await agent.client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toContain('warroom://incidents/{id}/timeline');
    const { prompts } = await agent.client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('five_minute_triage');
  }, 120_000);

  it("declares and records through MCP, and the CLI sees the agent's entries with its identity", async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Checkout returns 500', severity: 'SEV2', impact: 'Users cannot pay' });
    expect(d.isError).toBe(false);
    const id = (d.structured!.incident as { id: string }).id;
    expect(id).toMatch(/^INC-\d+$/);
    const e = await call(agent.client, 'add_timeline_entry', {
      id,
      text: 'pool exhausted on backend: 100/100 connections',
      kind: 'finding',
    });
    expect(e.isError).toBe(false);
    expect(e.structured).toMatchObject({ incidentId: id, author: 'claude-ops', kind: 'finding' });

    const shown = await runCli(['show', id, '--json'], { cwd: dir });
    expect(shown.code).toBe(0);
    const inc = incidentDetailSchema.parse(shown.json());
    const finding = inc.timeline.find((t) => t.text === 'pool exhausted on backend: 100/100 connections')!;
    expect(finding).toMatchObject({ author: 'claude-ops', kind: 'finding' });
    expect(finding.data).toMatchObject({ via: 'agent', tool: 'add_timeline_entry', transport: 'stdio' });
    const declared = recordsOf(inc.timeline as Entry[], 'declare_incident');
    expect(declared).toHaveLength(1);
    expect(declared[0]).toMatchObject({ author: 'claude-ops', kind: 'action' });
    expect(declared[0].data).toMatchObject({ args: { title: 'Checkout returns 500', severity: 'SEV2' }, ok: true });

    // The human at the terminal sees it in the table too.
    const human = await runCli(['show', id], { cwd: dir });
    expect(human.stdout).toContain('pool exhausted on backend');
    expect(human.stdout).toContain('claude-ops');
  }, 120_000);

  it('runs the health check against the real PostgreSQL and Redis and writes the call on the incident', async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Slow checkout', severity: 'SEV3' });
    const id = (d.structured!.incident as { id: string }).id;
    const h = await call(agent.client, 'run_health', { services: ['db', 'cache'], incident: id, timeout_ms: 5000 });
    expect(h.isError, h.text).toBe(false);
    const services = h.structured!.services as {
      service: string;
      state: string;
      checks: { kind: string; state: string; target: string }[];
    }[];
    expect(services.map((s) => s.service).sort()).toEqual(['cache', 'db']);
    expect(services.find((s) => s.service === 'db')!.checks[0]).toMatchObject({ kind: 'postgres', state: 'up' });
    expect(services.find((s) => s.service === 'cache')!.checks[0]).toMatchObject({ kind: 'redis', state: 'up' });
    const shown = await call(agent.client, 'show_incident', { id });
    const rec = recordsOf(shown.structured!.timeline as Entry[], 'run_health');
    expect(rec).toHaveLength(1);
    expect(rec[0].text).toContain('up');
    expect(rec[0].data).toMatchObject({ ok: true, args: { services: ['db', 'cache'], incident: id }, result: { state: 'up' } });
  }, 120_000);

  it('answers bad input with a stable error code naming the field, and records the refused call', async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Cache misses', severity: 'SEV4' });
    const id = (d.structured!.incident as { id: string }).id;
    const bad = await call(agent.client, 'change_status', { id, status: 'fixed' });
    expect(bad.error()).toMatchObject({ code: 'VALIDATION', field: 'status' });
    const missing = await call(agent.client, 'show_incident', { id: 'INC-99999' });
    expect(missing.error().code).toBe('NOT_FOUND');
    const noTitle = await call(agent.client, 'declare_incident', { severity: 'SEV1' });
    expect(noTitle.error()).toMatchObject({ code: 'VALIDATION', field: 'title' });
    const shown = await runCli(['show', id, '--json'], { cwd: dir });
    const refused = recordsOf(shown.json<{ timeline: Entry[] }>().timeline, 'change_status');
    expect(refused).toHaveLength(1);
    expect(refused[0].data).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'status' } });
    expect(shown.json<{ status: string }>().status).toBe('investigating');
  }, 120_000);

  it('writes every call about an incident to its timeline, in order, with redacted arguments', async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Login errors', severity: 'SEV2', services: ['backend'] });
    const id = (d.structured!.incident as { id: string }).id;
    const calls: [string, Record<string, unknown>][] = [
      ['show_incident', { id }],
      ['list_deploys', { since: '1h', incident: id }],
      ['add_timeline_entry', { id, text: 'errors began 14:02 UTC', kind: 'finding' }],
      ['draft_update', { id, findings: 'DSN postgres://app:hunter2secret@db/app refused', actions: 'checking the pool' }],
      ['change_status', { id, status: 'identified', note: 'pool exhausted' }],
      ['post_update', { id, findings: 'pool exhausted', actions: 'restarting backend' }],
      ['plan_remediation', { action: 'leave-marker', incident: id }],
      ['add_action_item', { id, title: 'Alert on pool saturation', owner: 'platform-team', due: '2099-01-31', kind: 'monitoring' }],
      ['list_action_items', { incident: id }],
      ['generate_postmortem', { id }],
    ];
    for (const [tool, args] of calls) {
      const r = await call(agent.client, tool, args);
      expect(r.isError, `${tool}: ${r.text.slice(0, 300)}`).toBe(false);
    }
    const shown = await runCli(['show', id, '--json'], { cwd: dir });
    const timeline = shown.json<{ timeline: Entry[] }>().timeline;
    const agentTools = timeline.filter((e) => e.data?.via === 'agent').map((e) => e.data!.tool);
    expect(agentTools).toEqual(['declare_incident', ...calls.map(([t]) => t)]);
    for (const e of timeline.filter((x) => x.data?.via === 'agent')) expect(e.author).toBe('claude-ops');
    const draft = recordsOf(timeline, 'draft_update')[0];
    expect(JSON.stringify(draft.data)).not.toContain('hunter2secret');
    expect(JSON.stringify(draft.data)).toContain('[REDACTED]');
    // The plan touched nothing.
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  it('refuses to run remediation without the opt-in: the tool does not exist and nothing runs', async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Disk filling', severity: 'SEV3' });
    const id = (d.structured!.incident as { id: string }).id;
    const r = await call(agent.client, 'run_remediation', { action: 'leave-marker', incident: id, confirm: true });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/run_remediation/);
    expect(existsSync(marker)).toBe(false);
    const plan = await call(agent.client, 'plan_remediation', { action: 'leave-marker', incident: id });
    expect(plan.structured).toMatchObject({ status: 'planned', dryRun: true, runId: null });
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  it('serves the timeline resource and the 5-minute triage prompt', async () => {
    const d = await call(agent.client, 'declare_incident', { title: 'Queue backlog', severity: 'SEV3' });
    const id = (d.structured!.incident as { id: string }).id;
    const res = await agent.client.readResource({ uri: `warroom://incidents/${id}/timeline` });
    const body = JSON.parse((res.contents[0] as { text: string }).text) as { incidentId: string; timeline: Entry[] };
    expect(body.incidentId).toBe(id);
    expect(body.timeline[0].kind).toBe('detection');
    const p = await agent.client.getPrompt({ name: 'five_minute_triage', arguments: { incident: id } });
    const text = (p.messages[0].content as { text: string }).text;
    for (const m of [
      'MINUTE 0-1',
      'MINUTE 1-2',
      'MINUTE 2-3',
      'MINUTE 3-4',
      'MINUTE 4-5',
      'run_health',
      'list_deploys',
      'draft_update',
      'plan_remediation',
      id,
    ])
      expect(text).toContain(m);
  }, 120_000);
});

describe('warroom mcp --allow-remediation', () => {
  let dir: string;
  let marker: string;
  let agent: Awaited<ReturnType<typeof stdioClient>>;

  beforeAll(async () => {
    dir = tempDir('warroom-mcp-remediate-');
    ({ marker } = writeAgentConfig(dir));
    agent = await stdioClient(dir, ['--allow-remediation'], { WARROOM_USER: 'claude-ops' });
  }, 60_000);

  afterAll(async () => {
    await agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exposes run_remediation, which needs confirm: true, runs the runbook, and records the attempt', async () => {
    const { tools } = await agent.client.listTools();
    expect(tools.map((t) => t.name)).toContain('run_remediation');
    const d = await call(agent.client, 'declare_incident', { title: 'Worker stuck', severity: 'SEV3' });
    const id = (d.structured!.incident as { id: string }).id;
    const unconfirmed = await call(agent.client, 'run_remediation', { action: 'leave-marker', incident: id });
    expect(unconfirmed.error()).toMatchObject({ code: 'VALIDATION', field: 'confirm' });
    expect(existsSync(marker)).toBe(false);
    const ran = await call(agent.client, 'run_remediation', { action: 'leave-marker', incident: id, confirm: true });
    expect(ran.isError, ran.text).toBe(false);
    expect(ran.structured).toMatchObject({ status: 'succeeded', ok: true, actor: { name: 'claude-ops', via: 'agent' } });
    expect(existsSync(marker)).toBe(true);
    const shown = await runCli(['show', id, '--json'], { cwd: dir });
    const timeline = shown.json<{ timeline: Entry[] }>().timeline;
    expect(recordsOf(timeline, 'run_remediation').map((e) => e.data!.ok)).toEqual([false, true]);
    // The remediation area's own audit entry names the agent too.
    const audit = timeline.find((e) => e.kind === 'action' && (e.data?.actor as { via?: string } | undefined)?.via === 'agent');
    expect(audit?.text).toContain('leave-marker');
  }, 120_000);
});
