import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, createTempStore, type TempStore } from '../helpers/store.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import { acknowledgeIncident } from '../../src/app/acknowledge-incident.js';
import { resolveIncident } from '../../src/app/resolve-incident.js';
import { readStatusPage } from '../../src/app/read-status-page.js';
import { listOutbox } from '../../src/notify/outbox.js';
import { closeMailer } from '../../src/notify/senders.js';
import { startReceiver, startSmtp, type Receiver } from './receivers.js';
import { contactsFixture, coordinationContext, deliverAll, parseConfig, SLACK_TOKEN, WEBHOOK_SECRET } from './fixtures.js';

describe.each(DIALECTS)('delivery to five channels (%s)', (dialect) => {
  let ts: TempStore;
  let slack: Receiver, pd: Receiver, teams: Receiver, hook: Receiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    ts = await createTempStore(dialect);
    [slack, pd, teams, hook, smtp] = await Promise.all([
      startReceiver('slack-api', { token: SLACK_TOKEN }),
      startReceiver('pagerduty'),
      startReceiver('teams'),
      startReceiver('webhook', { secret: WEBHOOK_SECRET }),
      startSmtp(),
    ]);
  });
  afterAll(async () => {
    closeMailer();
    await Promise.all([slack.close(), pd.close(), teams.close(), hook.close(), smtp.close()]);
    await ts.cleanup();
  });

  const config = () =>
    parseConfig({
      organization: 'Acme',
      server: { public_url: 'https://warroom.example.com' },
      services: { checkout: { team: 'payments' } },
      contacts: contactsFixture(),
      channels: {
        slack: { bot_token: SLACK_TOKEN, api_url: slack.url },
        pagerduty: { routing_key: 'R0123456789abcdef0123456789abcd', events_url: `${pd.url}/v2/enqueue` },
        teams: { webhook_url: `${teams.url}/webhookb2/abc` },
        webhook: { url: `${hook.url}/hook`, secret: WEBHOOK_SECRET },
        email: { host: '127.0.0.1', port: smtp.port, from: 'warroom@example.com', to: ['incidents@example.com'] },
      },
    });

  it('declare SEV1 → #incidents, PagerDuty trigger (dedup_key = id), Teams, signed webhook, email; ack and resolve follow', async () => {
    const cfg = config();
    const ctx = coordinationContext(ts.store, cfg);
    const ev = await declareIncident(ctx, {
      title: 'Checkout <down> & failing',
      severity: 'SEV1',
      services: ['checkout'],
      impact: 'Users cannot pay',
    });
    await deliverAll(ts.store, cfg);

    for (const r of [slack, pd, teams, hook]) for (const x of r.received) expect(x.problems).toEqual([]);
    expect(slack.received).toHaveLength(1);
    const s = slack.received[0].json as { channel: string; text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(s.channel).toBe('#incidents');
    const section = s.blocks.find((b) => b.type === 'section')!.text!.text;
    expect(section).toContain('<@U0ALICE01>');
    expect(section).toContain('<@U0CAROL01>');
    // The seed's initial template, with user text escaped for Slack.
    expect(section).toContain('INCIDENT DECLARED: Checkout &lt;down&gt; &amp; failing');
    expect(section).toContain('Severity: SEV1');
    expect(section).toContain('Start time: 2');
    expect(section).toMatch(/Next update: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

    expect(pd.received).toHaveLength(1);
    const trig = pd.received[0].json as {
      event_action: string;
      dedup_key: string;
      routing_key: string;
      payload: { severity: string; summary: string };
    };
    expect(trig).toMatchObject({ event_action: 'trigger', dedup_key: ev.incident.id, routing_key: 'R0123456789abcdef0123456789abcd' });
    expect(trig.payload.severity).toBe('critical');

    expect(teams.received).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0].json).toMatchObject({ type: 'declared', incident: { id: ev.incident.id, severity: 'SEV1' } });

    const rcpts = smtp.mails.flatMap((m) => m.to).sort();
    expect(rcpts).toEqual(['alice@example.com', 'carol@example.com', 'incidents@example.com']);
    expect(smtp.mails.find((m) => m.to.includes('alice@example.com'))!.raw).toMatch(/Subject: \[SEV1 INC-\d+\] PAGE: /);

    // SEV1 updates the public status page at once (Investigating), from public facts only.
    const page = await readStatusPage(ctx);
    expect(page.incidents[0].state).toBe('investigating');
    expect(JSON.stringify(page)).not.toContain('Checkout <down>');

    await acknowledgeIncident(ctx, ev.incident.id);
    await deliverAll(ts.store, cfg);
    expect(pd.received.map((r) => r.json.event_action)).toEqual(['trigger', 'acknowledge']);
    expect(pd.received[1].json.dedup_key).toBe(ev.incident.id);

    await resolveIncident(ctx, ev.incident.id, { summary: 'Rolled back the deploy' });
    await deliverAll(ts.store, cfg);
    expect(pd.received.map((r) => r.json.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(String((slack.received.at(-1)!.json as { text: string }).text)).toContain('Resolved');
    const all = await listOutbox(ts.store.db, { status: 'all', limit: 1000 });
    expect(all.every((i) => i.status === 'sent')).toBe(true);
    // Secrets never reach the stored rows.
    const rows = await ts.store.db.selectFrom('outbox').select('payload').execute();
    for (const r of rows) {
      expect(r.payload).not.toContain(SLACK_TOKEN);
      expect(r.payload).not.toContain('R0123456789abcdef0123456789abcd');
      expect(r.payload).not.toContain(WEBHOOK_SECRET);
    }
  });

  it('Slack incoming webhook: Block Kit without a channel', async () => {
    const sw = await startReceiver('slack-webhook');
    try {
      const cfg = parseConfig({ channels: { slack: { webhook_url: `${sw.url}/services/T000/B000/XXXX` } } });
      const ctx = coordinationContext(ts.store, cfg);
      await declareIncident(ctx, { title: 'Webhook flavour', severity: 'SEV2' });
      await deliverAll(ts.store, cfg);
      expect(sw.received).toHaveLength(1);
      expect(sw.received[0].problems).toEqual([]);
      expect(JSON.stringify(sw.received[0].json.blocks)).toContain('INCIDENT DECLARED: Webhook flavour');
    } finally {
      await sw.close();
    }
  });

  it('SEV3 goes to #incidents-low and notifies on-call by chat, without paging', async () => {
    const cfg = config();
    const ctx = coordinationContext(ts.store, cfg);
    const before = { slack: slack.received.length, pd: pd.received.length };
    await declareIncident(ctx, { title: 'Search results slow', severity: 'SEV3', services: ['checkout'] });
    await deliverAll(ts.store, cfg);
    const mine = slack.received.slice(before.slack);
    expect(mine).toHaveLength(1);
    expect(mine[0].json.channel).toBe('#incidents-low');
    expect(JSON.stringify(mine[0].json.blocks)).toContain('<@U0ALICE01>');
    expect(pd.received.length).toBe(before.pd);
  });
});
