import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempStore, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { parseConfig } from './fixtures.js';

const INTERNAL_TITLE = 'Internal: db-primary-3 OOM after alice-deploy';
const FINDING = 'connection pool exhausted on pgbouncer-7';
const NOTE = 'internal note: customer Globex escalated';

describe('status page, updates API and alert intake (sqlite, in-process server)', () => {
  let ts: TempStore;
  let srv: TestServer;
  let responder: string;
  let viewer: string;
  beforeAll(async () => {
    ts = await createTempStore('sqlite');
    srv = await startTestServer(
      ts.store,
      parseConfig({
        organization: 'Acme',
        services: { checkout: {}, api: {}, search: {}, payments: {} },
        status_page: { title: 'Acme status' },
        alerts: { severity_map: { warning: 'SEV2' } },
      }),
    );
    responder = await srv.token('responder');
    viewer = await srv.token('viewer');
  });
  afterAll(async () => {
    await srv.close();
    await ts.cleanup();
  });

  const api = async (method: string, path: string, body?: unknown, token: string | null = responder) => {
    const res = await fetch(`${srv.url}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      /* html/atom */
    }
    return { status: res.status, json, text, type: res.headers.get('content-type') ?? '' };
  };

  it('public status page shows public updates only: no internal title, names, findings or notes; user text escaped', async () => {
    const d = await api('POST', '/api/v1/incidents', {
      title: INTERNAL_TITLE,
      severity: 'SEV1',
      commander: 'alice',
      services: ['checkout'],
      impact: 'Payments fail',
    });
    expect(d.status).toBe(201);
    const id = (d.json.incident as { id: string }).id;
    await api('POST', `/api/v1/incidents/${id}/timeline`, { text: NOTE });
    const u = await api('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'identified',
      findings: FINDING,
      actions: 'restarting pgbouncer',
      public: '<script>alert(1)</script> a database capacity problem',
      eta: 'within 1 hour',
    });
    expect(u.status).toBe(201);
    expect((u.json.entries as { kind: string }[]).map((e) => e.kind)).toEqual(['status_change', 'update']);

    const html = await api('GET', '/status', undefined, null);
    expect(html.status).toBe(200);
    expect(html.type).toContain('text/html');
    expect(html.text).not.toMatch(/<script/i);
    expect(html.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; a database capacity problem');
    expect(html.text).toContain('Estimated resolution: within 1 hour');
    expect(html.text).toContain('We are investigating reports of a problem affecting checkout.');
    const json = await api('GET', '/status.json', undefined, null);
    const atom = await api('GET', '/status/feed.atom', undefined, null);
    expect(atom.type).toContain('application/atom+xml');
    expect(atom.text).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect((atom.text.match(/<entry>/g) ?? []).length).toBe(2);
    for (const body of [html.text, json.text, atom.text]) {
      for (const secret of [INTERNAL_TITLE, 'alice', FINDING, 'restarting pgbouncer', NOTE, 'Globex', id, 'Payments fail', 'tester'])
        expect(body).not.toContain(secret);
    }
    const status = json.json as {
      overall: string;
      components: { name: string; state: string }[];
      incidents: { state: string; updates: unknown[] }[];
    };
    expect(status.overall).toBe('major_outage');
    expect(status.components).toEqual([
      { name: 'checkout', state: 'major_outage' },
      { name: 'api', state: 'operational' },
      { name: 'search', state: 'operational' },
      { name: 'payments', state: 'operational' },
    ]);
    expect(status.incidents[0].state).toBe('identified');

    await api('POST', `/api/v1/incidents/${id}/resolve`, { summary: 'fixed' });
    const after = (await api('GET', '/status.json', undefined, null)).json as typeof status;
    expect(after.overall).toBe('operational');
    expect(after.incidents[0].state).toBe('resolved');
  });

  it('SEV3 updates stay internal unless --public is given', async () => {
    const d = await api('POST', '/api/v1/incidents', { title: 'search slow', severity: 'SEV3', services: ['search'] });
    const id = (d.json.incident as { id: string }).id;
    const before = ((await api('GET', '/status.json', undefined, null)).json.incidents as unknown[]).length;
    await api('POST', `/api/v1/incidents/${id}/updates`, { findings: 'index rebuild', actions: 'waiting' });
    expect(((await api('GET', '/status.json', undefined, null)).json.incidents as unknown[]).length).toBe(before);
    await api('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'mitigating',
      findings: 'rebuilt',
      actions: 'watching',
      public: 'slow search results',
    });
    const s = (await api('GET', '/status.json', undefined, null)).json as {
      incidents: { state: string; updates: { text: string }[] }[];
      components: { name: string; state: string }[];
    };
    expect(s.incidents[0].state).toBe('monitoring');
    expect(s.incidents[0].updates[0].text).toContain('A fix has been implemented for slow search results');
    expect(s.components.find((c) => c.name === 'search')!.state).toBe('degraded_performance');
  });

  it('updates API: roles, dry run writes nothing, errors name the field', async () => {
    const d = await api('POST', '/api/v1/incidents', { title: 'api errors', severity: 'SEV2', services: ['api'] });
    const id = (d.json.incident as { id: string }).id;
    expect((await api('POST', `/api/v1/incidents/${id}/updates`, { findings: 'a', actions: 'b' }, null)).status).toBe(401);
    expect((await api('POST', `/api/v1/incidents/${id}/updates`, { findings: 'a', actions: 'b' }, viewer)).status).toBe(403);
    const bad = await api('POST', `/api/v1/incidents/${id}/updates`, { findings: 'a', actions: 'b', status: 'fixed' });
    expect(bad.status).toBe(400);
    expect((bad.json.error as { field: string }).field).toBe('status');
    const missing = await api('POST', `/api/v1/incidents/${id}/updates`, { actions: 'b' });
    expect((missing.json.error as { message: string }).message).toBe('findings: is required');
    const dry = await api('POST', `/api/v1/incidents/${id}/updates`, { findings: 'found it', actions: 'fixing', dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, incident: id });
    expect((dry.json.statusPage as { state: string }[])[0].state).toBe('investigating');
    const shown = await api('GET', `/api/v1/incidents/${id}?kind=update`, undefined, viewer);
    expect(shown.json.timeline).toEqual([]);
  });

  const am = (
    status: 'firing' | 'resolved',
    alerts: { name: string; fp: string; severity?: string; service?: string; status?: 'firing' | 'resolved' }[],
  ) => ({
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status,
    receiver: 'warroom',
    groupLabels: { alertname: alerts[0].name },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? status,
      labels: { alertname: a.name, ...(a.severity && { severity: a.severity }), ...(a.service && { service: a.service }) },
      annotations: { summary: `${a.name} is firing` },
      startsAt: '2026-03-01T12:00:00Z',
      endsAt: status === 'resolved' ? '2026-03-01T12:30:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: a.fp,
    })),
  });

  it('Alertmanager: a firing group opens an incident; repeats dedupe; same service attaches; all resolved tells the IC and leaves it open', async () => {
    expect((await api('POST', '/api/v1/alerts/alertmanager', am('firing', [{ name: 'HighErrorRate', fp: 'aaa1' }]), null)).status).toBe(
      401,
    );
    const first = await api(
      'POST',
      '/api/v1/alerts/alertmanager',
      am('firing', [
        { name: 'HighErrorRate', fp: 'aaa1', severity: 'critical', service: 'payments' },
        { name: 'HighLatency', fp: 'aaa2', severity: 'warning', service: 'payments' },
      ]),
    );
    expect(first.status).toBe(200);
    expect(first.json.alerts).toMatchObject({ new: 2, duplicate: 0 });
    const [{ id, action }] = first.json.incidents as { id: string; action: string }[];
    expect(action).toBe('declared');
    const inc = (await api('GET', `/api/v1/incidents/${id}`, undefined, viewer)).json as {
      severity: string;
      services: string[];
      timeline: { kind: string; text: string }[];
    };
    expect(inc.severity).toBe('SEV1');
    expect(inc.services).toEqual(['payments']);
    expect(inc.timeline.filter((e) => e.text.startsWith('Alert firing')).length).toBe(2);

    const again = await api(
      'POST',
      '/api/v1/alerts/alertmanager',
      am('firing', [
        { name: 'HighErrorRate', fp: 'aaa1', severity: 'critical', service: 'payments' },
        { name: 'HighLatency', fp: 'aaa2', severity: 'warning', service: 'payments' },
      ]),
    );
    expect(again.json.alerts).toMatchObject({ new: 0, duplicate: 2 });
    expect(again.json.incidents).toEqual([]);

    const third = await api(
      'POST',
      '/api/v1/alerts/alertmanager',
      am('firing', [{ name: 'DiskFull', fp: 'bbb1', severity: 'bogus-level', service: 'payments' }]),
    );
    expect(third.json.incidents).toEqual([{ id, action: 'attached' }]);
    expect(third.json.notes).toEqual(['label severity="bogus-level" is not mapped (alerts.severity_map); used SEV3']);

    await api(
      'POST',
      '/api/v1/alerts/alertmanager',
      am('resolved', [
        { name: 'HighErrorRate', fp: 'aaa1' },
        { name: 'HighLatency', fp: 'aaa2' },
      ]),
    );
    let outbox = await ts.store.db
      .selectFrom('outbox')
      .select('kind')
      .where('incident_id', '=', id)
      .where('kind', '=', 'alerts_resolved')
      .execute();
    expect(outbox).toEqual([]);
    const last = await api('POST', '/api/v1/alerts/alertmanager', am('resolved', [{ name: 'DiskFull', fp: 'bbb1' }]));
    expect(last.json.alerts).toMatchObject({ resolved: 1 });
    const after = (await api('GET', `/api/v1/incidents/${id}`, undefined, viewer)).json as { status: string; timeline: { text: string }[] };
    expect(after.status).not.toBe('resolved');
    expect(after.timeline.at(-1)!.text).toMatch(/All 3 alerts resolved/);
    // No channel is configured here, so no outbox row; the message planning is covered with channels in delivery tests.
    outbox = await ts.store.db.selectFrom('outbox').select('kind').where('incident_id', '=', id).execute();
    expect(outbox).toEqual([]);
    // A repeated resolved delivery is a duplicate, not a second notice.
    const dup = await api('POST', '/api/v1/alerts/alertmanager', am('resolved', [{ name: 'DiskFull', fp: 'bbb1' }]));
    expect(dup.json.alerts).toMatchObject({ duplicate: 1, resolved: 0 });
  });

  it('Grafana: severity mapped from config; unknown severity values are noted, not fatal', async () => {
    const body = {
      receiver: 'warroom',
      status: 'firing',
      orgId: 1,
      groupKey: 'g',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://grafana:3000/',
      version: '1',
      title: '[FIRING:1]',
      message: 'x',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'CPUHigh', severity: 'warning', service: 'search' },
          annotations: { summary: 'CPU above 90%' },
          startsAt: '2026-03-01T12:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'g-1',
        },
      ],
    };
    const r = await api('POST', '/api/v1/alerts/grafana', body);
    expect(r.status).toBe(200);
    const id = (r.json.incidents as { id: string }[])[0].id;
    // search already has an open SEV3 incident from an earlier test: the alert attaches to it.
    expect((r.json.incidents as { action: string }[])[0].action).toBe('attached');
    const odd = await api('POST', '/api/v1/alerts/grafana', {
      ...body,
      alerts: [{ ...body.alerts[0], fingerprint: 'g-2', labels: { alertname: 'Odd', severity: 'apocalyptic', service: 'nowhere' } }],
    });
    expect(odd.status).toBe(200);
    expect(odd.json.notes).toEqual([
      'label severity="apocalyptic" is not mapped (alerts.severity_map); used SEV3',
      'label service="nowhere" is not a configured service; the incident names no service for it',
    ]);
    expect((odd.json.incidents as { id: string; action: string }[])[0]).toMatchObject({ action: 'declared' });
    expect((odd.json.incidents as { id: string }[])[0].id).not.toBe(id);
  });

  it('malformed alert payloads are 400s naming the problem; the server keeps serving', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...am('firing', [{ name: 'X', fp: '1' }]), version: '3' }, /version: expected "4"/],
      [{ ...am('firing', [{ name: 'X', fp: '1' }]), alerts: [] }, /alerts: must contain at least one alert/],
      [{ ...am('firing', [{ name: 'X', fp: '1' }]), alerts: [{ status: 'firing', labels: { a: 1 } }] }, /alerts\.0\.labels\.a/],
      ['{"version": "4", ', /malformed JSON/],
    ];
    for (const [body, re] of cases) {
      const r = await api('POST', '/api/v1/alerts/alertmanager', body);
      expect(r.status).toBe(400);
      expect((r.json.error as { message: string }).message).toMatch(re);
    }
    expect((await api('GET', '/status.json', undefined, null)).status).toBe(200);
  });
});
