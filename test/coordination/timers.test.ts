import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, createTempStore, type TempStore } from '../helpers/store.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import { acknowledgeIncident } from '../../src/app/acknowledge-incident.js';
import { changeSeverity } from '../../src/app/change-severity.js';
import { resolveIncident } from '../../src/app/resolve-incident.js';
import { assignRole } from '../../src/app/assign-role.js';
import { postIncidentUpdate } from '../../src/app/post-update.js';
import { runDueTimers, findStaleTimers } from '../../src/app/run-timers.js';
import { clock, contactsFixture, coordinationContext, parseConfig, SLACK_TOKEN } from './fixtures.js';

const MIN = 60_000;

describe.each(DIALECTS)('durable timers: cadence reminders and escalation (%s)', (dialect) => {
  let ts: TempStore;
  beforeAll(async () => {
    ts = await createTempStore(dialect);
  });
  afterAll(async () => {
    await ts.cleanup();
  });

  const config = parseConfig({
    services: { checkout: { team: 'payments' } },
    contacts: { ...contactsFixture(), people: { ...contactsFixture().people, erin: { slack: 'U0ERIN001' } } },
    channels: {
      slack: { bot_token: SLACK_TOKEN, api_url: 'http://127.0.0.1:9' },
      pagerduty: { routing_key: 'rk-default-0000000000000000', events_url: 'http://127.0.0.1:9/v2/enqueue' },
    },
    coordination: { overdue_repeat: '5m' },
  });

  const rowsSince = async (id: number) => ts.store.db.selectFrom('outbox').selectAll().where('id', '>', id).orderBy('id').execute();
  const maxId = async () =>
    Number(
      (
        await ts.store.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.max('id').as('m'))
          .executeTakeFirst()
      )?.m ?? 0,
    );

  it('escalates when unacknowledged, reminds when due, repeats when overdue (comms lead too), resets on update, recomputes on severity change', async () => {
    const c = clock();
    const ctx = coordinationContext(ts.store, config, { now: c.now });
    const deps = { store: ts.store, config, policy: ctx.policy, now: c.now };
    const { incident } = await declareIncident(ctx, { title: 'Checkout down', severity: 'SEV1', services: ['checkout'] });
    const timers = await ts.store.db.selectFrom('timers').selectAll().where('incident_id', '=', incident.id).orderBy('kind').execute();
    expect(timers.map((t) => [t.kind, t.due_at])).toEqual([
      ['escalation', '2026-03-01T12:05:00.000Z'],
      ['reminder', '2026-03-01T12:15:00.000Z'],
    ]);

    c.advance(4 * MIN + 59_000);
    expect((await runDueTimers(deps)).firings).toEqual([]);

    // 5 min (SEV1 response time) without acknowledgement: the next level (dave, after alice and carol) is paged.
    c.set('2026-03-01T12:05:00.000Z');
    let mark = await maxId();
    const esc = await runDueTimers(deps);
    expect(esc.firings.map((f) => f.outcome)).toEqual(['escalation']);
    let rows = await rowsSince(mark);
    expect(rows.map((r) => `${r.channel}:${r.target}:${r.kind}`)).toEqual(['slack:#incidents:escalation', 'pagerduty:default:escalation']);
    expect(rows[0].payload).toContain('<@U0DAVE001>');
    expect(JSON.parse(rows[1].payload)).toMatchObject({ event_action: 'trigger', dedup_key: incident.id });
    // Fired exactly once: a second pass at the same instant finds nothing.
    expect((await runDueTimers(deps)).firings).toEqual([]);

    c.set('2026-03-01T12:06:00.000Z');
    await acknowledgeIncident(ctx, incident.id);
    await assignRole(ctx, incident.id, { role: 'comms_lead', to: 'erin' });
    expect(await ts.store.db.selectFrom('timers').select('kind').where('incident_id', '=', incident.id).execute()).toEqual([
      { kind: 'reminder' },
    ]);

    c.set('2026-03-01T12:15:00.000Z');
    mark = await maxId();
    expect((await runDueTimers(deps)).firings.map((f) => f.outcome)).toEqual(['reminder_due']);
    rows = await rowsSince(mark);
    expect(rows.map((r) => `${r.target}:${r.kind}`)).toEqual(['#incidents:reminder_due']);
    // The commander (who acknowledged) is named in the reminder.
    expect(rows[0].payload).toContain('tester: an update is due now');

    c.set('2026-03-01T12:20:00.000Z');
    mark = await maxId();
    expect((await runDueTimers(deps)).firings.map((f) => f.outcome)).toEqual(['reminder_overdue']);
    rows = await rowsSince(mark);
    expect(rows[0].kind).toBe('reminder_overdue');
    expect(rows[0].payload).toContain('<@U0ERIN001>');
    expect(rows[0].payload).toContain('UPDATE OVERDUE by 5m 00s');

    // Posting an update resets the clock: next due 15 min after it.
    c.set('2026-03-01T12:21:00.000Z');
    await postIncidentUpdate(ctx, incident.id, { status: 'identified', findings: 'Bad deploy of payments-api', actions: 'Rolling back' });
    let t = await ts.store.db.selectFrom('timers').selectAll().where('key', '=', `reminder:${incident.id}`).executeTakeFirstOrThrow();
    expect([t.due_at, Number(t.count)]).toEqual(['2026-03-01T12:36:00.000Z', 0]);
    c.set('2026-03-01T12:30:00.000Z');
    expect((await runDueTimers(deps)).firings).toEqual([]);

    // A severity change recomputes it from the new cadence (SEV3: 2 h after the last update).
    await changeSeverity(ctx, incident.id, { severity: 'SEV3', reason: 'Only EU affected' });
    t = await ts.store.db.selectFrom('timers').selectAll().where('key', '=', `reminder:${incident.id}`).executeTakeFirstOrThrow();
    expect(t.due_at).toBe('2026-03-01T14:21:00.000Z');

    await resolveIncident(ctx, incident.id, { summary: 'Rolled back' });
    expect(await ts.store.db.selectFrom('timers').select('id').where('incident_id', '=', incident.id).execute()).toEqual([]);
  });

  it('reports timers that nobody fires (no server running)', async () => {
    const c = clock('2026-04-01T00:00:00.000Z');
    const ctx = coordinationContext(ts.store, config, { now: c.now });
    await declareIncident(ctx, { title: 'Slow search', severity: 'SEV2', commander: 'alice' });
    const before = await findStaleTimers(ts.store.db, c.now());
    c.advance(45 * MIN);
    const stale = await findStaleTimers(ts.store.db, c.now());
    // SEV2: the reminder was due at 00:30 and nobody fired it.
    expect(stale.count).toBe(before.count + 1);
    expect(stale.oldestDueAt! <= '2026-04-01T00:30:00.000Z').toBe(true);
  });
});
