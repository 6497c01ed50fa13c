import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { chromium } from 'playwright-core';
import { createTempStore, DIALECTS, testContext, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  actionItemSchema,
  editResultSchema,
  postmortemModelSchema,
  postmortemSummarySchema,
  reminderResultSchema,
  statsSchema,
} from '../../src/contract/postmortems.js';
import { incidentDetailSchema } from '../../src/contract/incidents.js';
import { remindOverdue } from '../../src/app/remind-overdue.js';
import { listActionItems } from '../../src/app/manage-action-items.js';
import { appendEntries } from '../../src/store/incident.repository.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import type { WarroomConfig } from '../../src/config/schema.js';

/**
 * The post-mortem API against a real listening server, on SQLite and on a private PostgreSQL
 * database. Incidents are built through the incident API, as a client would.
 */
const CHROMIUM = process.env.WARROOM_CHROMIUM ?? '/usr/bin/chromium';
const EVIL = '<script>window.__pwned=1</script>';
// Slack through a bot token, pointed at a closed loopback port: messages are queued in the outbox, never sent out.
const CONFIG = {
  channels: {
    slack: { bot_token: 'xoxb-test', api_url: 'http://127.0.0.1:9', channels: { engineering: '#engineering', incidents: '#incidents' } },
  },
} as WarroomConfig;

interface MetricFamily {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

for (const dialect of DIALECTS) {
  describe(`post-mortem API (${dialect})`, { timeout: 120_000 }, () => {
    let ts: TempStore;
    let server: TestServer;
    let viewer: string, responder: string, commander: string;
    const call = async (token: string | null, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, json: json as Record<string, unknown>, text, type: res.headers.get('content-type') ?? '' };
    };
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);

    beforeAll(async () => {
      ts = await createTempStore(dialect);
      server = await startTestServer(ts.store, CONFIG);
      [viewer, responder, commander] = await Promise.all([server.token('viewer'), server.token('responder'), server.token('commander')]);
      // INC-1: a SEV2 worked through the API and resolved.
      expect(
        (
          await call(responder, 'POST', '/api/v1/incidents', {
            title: `Payments timeout ${EVIL}`,
            severity: 'SEV2',
            services: ['payments', 'db'],
            impact: 'Card payments fail',
          })
        ).status,
      ).toBe(201);
      await call(responder, 'POST', '/api/v1/incidents/INC-1/timeline', { text: 'p99 latency 12s on /pay', kind: 'finding' });
      await call(responder, 'POST', '/api/v1/incidents/INC-1/roles', { role: 'commander', to: 'erin' });
      await call(responder, 'POST', '/api/v1/incidents/INC-1/status', { status: 'identified' });
      await call(responder, 'POST', '/api/v1/incidents/INC-1/severity', { severity: 'SEV3', reason: 'only some cards' });
      await call(responder, 'POST', '/api/v1/incidents/INC-1/status', { status: 'mitigating', note: 'failover to replica' });
      expect((await call(responder, 'POST', '/api/v1/incidents/INC-1/resolve', { summary: 'replica promoted' })).status).toBe(200);
      // INC-2 stays open.
      await call(responder, 'POST', '/api/v1/incidents', { title: 'Search slow', severity: 'SEV4' });
    });

    afterAll(async () => {
      await server?.close();
      await ts?.cleanup();
    });

    it('serves the draft model, Markdown and escaped HTML to a viewer', async () => {
      const r = await call(viewer, 'GET', '/api/v1/incidents/INC-1/postmortem');
      expect(r.status).toBe(200);
      const m = postmortemModelSchema.parse(r.json);
      const inc = incidentDetailSchema.parse((await call(viewer, 'GET', '/api/v1/incidents/INC-1')).json);
      // Peak SEV2 (declared) though resolved as SEV3: the full review applies.
      expect(m.incident).toMatchObject({
        severity: 'SEV3',
        peakSeverity: 'SEV2',
        services: ['payments', 'db'],
        roles: { commander: 'erin' },
      });
      expect(m.postmortem).toMatchObject({ state: 'draft', level: 'full', required: true, createdAt: null });
      expect(m.durations.tta.ms).toBe(Date.parse(inc.acknowledgedAt!) - Date.parse(inc.declaredAt));
      expect(m.durations.ttr.ms).toBe(Date.parse(inc.resolvedAt!) - Date.parse(inc.declaredAt));
      expect(m.timeline.map((x) => x.id)).toEqual(inc.timeline.map((e) => e.id));
      expect(m.timeline.map((x) => x.phase)).toEqual([
        'detection',
        'investigation',
        'investigation',
        'investigation',
        'investigation',
        'mitigation',
        'resolution',
      ]);

      const md = await call(viewer, 'GET', '/api/v1/incidents/INC-1/postmortem?format=md');
      expect(md.type).toContain('text/markdown');
      expect(md.text).toContain('# Post-mortem: Payments timeout &lt;script>');
      const html = await call(viewer, 'GET', '/api/v1/incidents/INC-1/postmortem?format=html');
      expect(html.type).toContain('text/html');
      expect(html.text).not.toContain('<script>');
      expect(html.text).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');

      expect((await call(null, 'GET', '/api/v1/incidents/INC-1/postmortem')).status).toBe(401);
      const bad = await call(viewer, 'GET', '/api/v1/incidents/INC-1/postmortem?format=pdf');
      expect(bad.status).toBe(400);
      expect((bad.json.error as { field: string }).field).toBe('format');
      expect((await call(viewer, 'GET', '/api/v1/incidents/INC-404/postmortem')).status).toBe(404);
    });

    it('renders the served HTML in headless Chromium with no console errors', async () => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
        headless: true,
      });
      try {
        const ctx = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${viewer}` } });
        const page = await ctx.newPage();
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        const res = await page.goto(`${server.url}/api/v1/incidents/INC-1/postmortem?format=html`);
        expect(res!.status()).toBe(200);
        expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
        expect(await page.locator('h1').innerText()).toBe(`Payments timeout ${EVIL}`);
        expect(await page.locator('[data-prompt="root_cause"]').count()).toBe(1);
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    });

    it('runs the review workflow with role checks and clear errors', async () => {
      expect((await call(viewer, 'POST', '/api/v1/incidents/INC-1/postmortem')).status).toBe(403);
      const open = await call(responder, 'POST', '/api/v1/incidents/INC-2/postmortem');
      expect(open.status).toBe(409);
      expect((open.json.error as { message: string }).message).toContain('INC-2 is investigating, not resolved');
      const start = await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem');
      expect(start.status).toBe(201);
      expect((await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem')).status).toBe(200);

      const rc = await call(responder, 'PUT', '/api/v1/incidents/INC-1/postmortem/sections/root-cause', {
        text: 'erin forgot to renew the replica certificate.',
      });
      expect(rc.status).toBe(200);
      const edited = editResultSchema.parse(rc.json);
      expect(edited.warnings).toMatchObject([{ field: 'root_cause', reason: 'names erin as the cause' }]);
      const rc2 = editResultSchema.parse(
        (
          await call(responder, 'PUT', '/api/v1/incidents/INC-1/postmortem/sections/root_cause', {
            text: 'Certificate renewal for the replica was manual and unmonitored.',
          })
        ).json,
      );
      expect(rc2.warnings).toEqual([]);
      const unknown = await call(responder, 'PUT', '/api/v1/incidents/INC-1/postmortem/sections/lessons', { text: 'x' });
      expect(unknown.status).toBe(400);
      expect((unknown.json.error as { field: string }).field).toBe('section');
      const extra = await call(responder, 'PUT', '/api/v1/incidents/INC-1/postmortem/sections/summary', { text: 'x', extra: 1 });
      expect(extra.status).toBe(400);

      expect(
        (
          await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem/whys', {
            why: 'Why did payments time out?',
            because: 'The primary was unreachable.',
          })
        ).status,
      ).toBe(201);
      expect((await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem/whys', { why: 'Why?', because: 'Oops' })).status).toBe(201);
      const del = editResultSchema.parse((await call(responder, 'DELETE', '/api/v1/incidents/INC-1/postmortem/whys/2')).json);
      expect(del.postmortem.whys).toHaveLength(1);
      expect((await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem/whys', { why: '', because: 'x' })).status).toBe(400);

      // Action items: validation names the field.
      const past = await call(responder, 'POST', '/api/v1/incidents/INC-1/action-items', {
        title: 'Automate renewal',
        owner: 'frank',
        due: '2001-01-01',
      });
      expect(past.status).toBe(400);
      expect((past.json.error as { field: string }).field).toBe('due');
      const kind = await call(responder, 'POST', '/api/v1/incidents/INC-1/action-items', {
        title: 'Automate renewal',
        owner: 'frank',
        due: future,
        kind: 'hope',
      });
      expect(kind.status).toBe(400);
      expect((kind.json.error as { field: string }).field).toBe('kind');
      const noOwner = await call(responder, 'POST', '/api/v1/incidents/INC-1/action-items', { title: 'Automate renewal', due: future });
      expect((noOwner.json.error as { field: string }).field).toBe('owner');
      const missing = await call(responder, 'POST', '/api/v1/incidents/INC-77/action-items', { title: 'x', owner: 'frank', due: future });
      expect(missing.status).toBe(404);
      const added = await call(responder, 'POST', '/api/v1/incidents/INC-1/action-items', {
        title: 'Automate replica cert renewal',
        owner: 'frank',
        due: future,
        kind: 'fix',
      });
      expect(added.status).toBe(201);
      const item = actionItemSchema.parse(added.json);
      expect(item).toMatchObject({ incidentId: 'INC-1', owner: 'frank', dueDate: future, kind: 'fix', status: 'open' });

      expect((await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem/publish')).status).toBe(403);
      expect((await call(commander, 'POST', '/api/v1/incidents/INC-1/postmortem/publish')).status).toBe(409);
      expect((await call(responder, 'POST', '/api/v1/incidents/INC-1/postmortem/submit')).status).toBe(200);
      const pub = await call(commander, 'POST', '/api/v1/incidents/INC-1/postmortem/publish');
      expect(pub.status).toBe(200);
      expect(editResultSchema.extend({ notified: z.number() }).parse(pub.json)).toMatchObject({
        notified: 1,
        postmortem: { state: 'published', publishedBy: 'commander-token' },
      });
      // The summary waits in the outbox for the post-incident channel (#engineering in the seed).
      const queued = (await listOutbox(ts.store.db)).filter((o) => o.kind === 'postmortem_published');
      expect(queued).toMatchObject([{ channel: 'slack', target: '#engineering', incidentId: 'INC-1' }]);
      const inc = incidentDetailSchema.parse((await call(viewer, 'GET', '/api/v1/incidents/INC-1')).json);
      expect(inc.timeline.at(-1)!.text).toMatch(/^Post-mortem published by commander-token \(on time\); 1 action item$/);

      const list = await call(viewer, 'GET', '/api/v1/postmortems');
      expect((list.json.postmortems as unknown[]).map((x) => postmortemSummarySchema.parse(x))).toMatchObject([
        { incidentId: 'INC-1', state: 'published', overdue: false },
      ]);
      expect((await call(viewer, 'GET', '/api/v1/postmortems?state=bogus')).status).toBe(400);

      const done = await call(responder, 'POST', `/api/v1/action-items/${item.id}/done`);
      expect(actionItemSchema.parse(done.json).status).toBe('done');
      expect((await call(responder, 'POST', `/api/v1/action-items/${item.id}/done`)).status).toBe(409);
      expect((await call(responder, 'POST', '/api/v1/action-items/abc/done')).status).toBe(400);
      const all = await call(viewer, 'GET', '/api/v1/action-items?status=all');
      expect((all.json.actionItems as unknown[]).map((x) => actionItemSchema.parse(x).id)).toEqual([item.id]);
    });

    it('reminds the IC of overdue reviews and action items once a day, through the outbox', async () => {
      // INC-3: a SEV1 resolved three days ago with no review and an action item now overdue.
      const r = await call(responder, 'POST', '/api/v1/incidents', { title: 'Login outage', severity: 'SEV1', commander: 'gina' });
      expect(r.status).toBe(201);
      await call(responder, 'POST', '/api/v1/incidents/INC-3/resolve', {});
      const late = new Date(Date.now() + 3 * 86_400_000);
      const ctx = testContext(ts.store, { now: () => late, config: CONFIG });
      await call(responder, 'POST', '/api/v1/incidents/INC-3/action-items', {
        title: 'Add login canary',
        owner: 'hal',
        due: new Date().toISOString().slice(0, 10),
      });
      const dry = reminderResultSchema.parse(await remindOverdue(ctx, { dryRun: true }));
      expect(dry.reviews.map((x) => [x.incidentId, x.state, x.commander])).toEqual([['INC-3', 'none', 'gina']]);
      expect(dry.actionItems.map((x) => [x.incidentId, x.owner])).toEqual([['INC-3', 'hal']]);
      const sent = reminderResultSchema.parse(await remindOverdue(ctx));
      expect(sent.reviews.map((x) => [x.incidentId, x.state])).toEqual([['INC-3', 'draft']]);
      expect(sent.reviews[0].notified).toBe(1);
      expect(sent.actionItems).toMatchObject([{ owner: 'hal', notified: 1 }]);
      const reminders = (await listOutbox(ts.store.db))
        .filter((o) => o.incidentId === 'INC-3' && o.kind.endsWith('_overdue'))
        .map((o) => [o.kind, o.target])
        .sort();
      expect(reminders).toEqual([
        ['action_items_overdue', '#incidents'],
        ['postmortem_overdue', '#incidents'],
      ]);
      // Once a day: a second run the same day reminds nothing.
      const again = await remindOverdue(ctx);
      expect([again.reviews.length, again.actionItems.length]).toEqual([0, 0]);
      expect((await listActionItems(ctx, { overdue: true })).map((a) => a.title)).toEqual(['Add login canary']);
      // Over the API the same call needs a commander.
      expect((await call(responder, 'POST', '/api/v1/postmortems/remind', { dryRun: true })).status).toBe(403);
      expect((await call(commander, 'POST', '/api/v1/postmortems/remind', { dryRun: true })).status).toBe(200);
    });

    it('exposes stats and /metrics with the same figures, parsed by a real exposition-format parser', async () => {
      // An update on INC-2 so the cadence figures have something to judge.
      await ts.store.writeTx((trx) =>
        appendEntries(trx, 'INC-2', [
          { at: new Date().toISOString(), author: 'x', kind: 'update', text: 'still looking', corrects: null, data: null },
        ]),
      );
      const s = statsSchema.parse((await call(viewer, 'GET', '/api/v1/stats?since=30d')).json);
      expect(s.incidents).toMatchObject({
        total: 3,
        open: 1,
        bySeverity: { SEV1: 1, SEV2: 0, SEV3: 1, SEV4: 1 },
        byService: { payments: 1, db: 1 },
      });
      expect(s.postmortems.byState).toEqual({ none: 1, draft: 1, in_review: 0, published: 1 });
      expect((await call(viewer, 'GET', '/api/v1/stats?since=soon')).status).toBe(400);

      expect((await call(null, 'GET', '/metrics')).status).toBe(401);
      const res = await call(viewer, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.type).toContain('text/plain');
      const families = parsePrometheusTextFormat(res.text) as MetricFamily[];
      const fam = (n: string) => families.find((f) => f.name === n)!;
      const value = (n: string, labels: Record<string, string> = {}) =>
        Number(fam(n).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))!.value);
      expect(fam('warroom_incidents_declared_total').type).toBe('COUNTER');
      expect(value('warroom_incidents_declared_total', { severity: 'SEV3' })).toBe(1);
      expect(value('warroom_incidents_open', { severity: 'SEV4' })).toBe(1);
      expect(value('warroom_incidents_window', { severity: 'SEV1' })).toBe(s.incidents.bySeverity.SEV1);
      expect(value('warroom_incidents_window_by_service', { service: 'payments' })).toBe(1);
      expect(value('warroom_time_to_resolve_seconds', { severity: 'SEV3', stat: 'median' })).toBeCloseTo(
        s.timeToResolve.SEV3.medianMs! / 1000,
        3,
      );
      expect(value('warroom_postmortems', { state: 'published' })).toBe(1);
      expect(value('warroom_postmortems_published_total')).toBe(1);
      expect(value('warroom_action_items', { status: 'done' })).toBe(1);
      expect(value('warroom_action_items_completed_total')).toBe(1);
      expect(value('warroom_response_target_met_ratio')).toBeCloseTo(s.responseTarget.met / s.responseTarget.total, 6);
      expect(value('warroom_stats_window_seconds')).toBe(90 * 86_400);
    });

    it('serves the CLI over --server with the same shapes', async () => {
      const cwd = tempDir('warroom-pm-remote-');
      try {
        const env = { WARROOM_URL: server.url, WARROOM_TOKEN: responder };
        const gen = await runCli(['postmortem', 'INC-1', '--format', 'md,json', '--output-dir', 'out', '--json'], {
          cwd,
          env,
          timeoutMs: 60_000,
        });
        expect(gen.code, gen.stderr).toBe(0);
        expect(gen.json()).toMatchObject({ incidentId: 'INC-1', state: 'published', created: false });
        const model = postmortemModelSchema.parse(JSON.parse(readFileSync(join(cwd, 'out', 'INC-1-post-mortem.json'), 'utf8')));
        expect(model.sections.find((x) => x.key === 'root_cause')!.content).toBe(
          'Certificate renewal for the replica was manual and unmonitored.',
        );
        expect(readFileSync(join(cwd, 'out', 'INC-1-post-mortem.md'), 'utf8')).toContain('# Post-mortem: Payments timeout &lt;script>');
        const items = await runCli(['action', 'list', '--all', '--json'], { cwd, env, timeoutMs: 60_000 });
        expect(items.json<{ actionItems: unknown[] }>().actionItems.map((x) => actionItemSchema.parse(x).owner)).toEqual(
          expect.arrayContaining(['frank', 'hal']),
        );
        const st = await runCli(['stats', '--since', '30d', '--json'], { cwd, env, timeoutMs: 60_000 });
        expect(statsSchema.parse(st.json()).incidents.total).toBe(3);
        // A viewer can render the draft but not write it.
        const read = await runCli(['postmortem', 'INC-1', '--output-dir', 'viewer', '--json'], {
          cwd,
          env: { ...env, WARROOM_TOKEN: viewer },
          timeoutMs: 60_000,
        });
        expect(read.code, read.stderr).toBe(0);
        expect(read.json()).toMatchObject({ incidentId: 'INC-1', created: false });
        const denied = await runCli(['postmortem', 'INC-3', 'set', 'summary', 'x', '--json'], {
          cwd,
          env: { ...env, WARROOM_TOKEN: viewer },
          timeoutMs: 60_000,
        });
        expect(denied.code).toBe(1);
        expect(denied.json<{ error: { code: string } }>().error.code).toBe('FORBIDDEN');
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it('serves /metrics without a token when metrics.public is set', async () => {
      const open = await startTestServer(ts.store, { metrics: { public: true, window: 7 * 86_400_000 } });
      try {
        const res = await fetch(`${open.url}/metrics`);
        expect(res.status).toBe(200);
        const families = parsePrometheusTextFormat(await res.text()) as MetricFamily[];
        expect(Number(families.find((f) => f.name === 'warroom_stats_window_seconds')!.metrics[0].value)).toBe(7 * 86_400);
      } finally {
        await open.close();
      }
    });
  });
}
