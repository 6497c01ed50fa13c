import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, createTempStore, type TempStore } from '../helpers/store.js';
import { enqueueNotification, computeBackoffMs, listOutbox } from '../../src/notify/outbox.js';
import { OutboxWorker } from '../../src/notify/outbox-worker.js';
import { listOutboxMessages, retryOutboxMessage } from '../../src/app/manage-outbox.js';
import { testContext } from '../helpers/store.js';
import { startReceiver, waitFor, type Receiver } from './receivers.js';
import { parseConfig, WEBHOOK_SECRET } from './fixtures.js';

describe('backoff', () => {
  it('doubles per attempt up to the cap, with jitter between half and all of it', () => {
    expect(computeBackoffMs(1, 1000, 300_000, () => 0)).toBe(500);
    expect(computeBackoffMs(1, 1000, 300_000, () => 1)).toBe(1000);
    expect(computeBackoffMs(4, 1000, 300_000, () => 1)).toBe(8000);
    expect(computeBackoffMs(30, 1000, 300_000, () => 0.5)).toBe(225_000);
  });
});

describe.each(DIALECTS)('durable outbox (%s)', (dialect) => {
  let ts: TempStore;
  let hook: Receiver;
  let teams: Receiver;
  beforeAll(async () => {
    ts = await createTempStore(dialect);
    [hook, teams] = await Promise.all([startReceiver('webhook', { secret: WEBHOOK_SECRET }), startReceiver('teams')]);
  });
  afterAll(async () => {
    await Promise.all([hook.close(), teams.close()]);
    await ts.cleanup();
  });

  it('a receiver that fails with 500, then times out, then recovers gets everything once, in order', async () => {
    const config = parseConfig({
      channels: { webhook: { url: hook.url, secret: WEBHOOK_SECRET } },
      coordination: { retry_base: 20, retry_max: 100, send_timeout: 1000, max_attempts: 100 },
    });
    // Three 500s, then three requests that never answer, then healthy. (The send timeout is generous: a
    // healthy answer that arrives after the timeout is, by design, retried — receivers dedupe on the key.)
    hook.behave((n) => (n < 3 ? 'error500' : n < 6 ? 'hang' : 'ok'));
    const now = new Date().toISOString();
    await ts.store.writeTx(async (trx) => {
      for (let i = 1; i <= 5; i++)
        await enqueueNotification(trx, config, {
          route: 'post_incident',
          kind: 'summary',
          key: `order-test:${i}`,
          title: `Message ${i}`,
          text: `body ${i}`,
          now,
        });
      // The same key again is not enqueued twice.
      await enqueueNotification(trx, config, {
        route: 'post_incident',
        kind: 'summary',
        key: 'order-test:1',
        title: 'Message 1 again',
        text: 'dup',
        now,
      });
    });
    const w = new OutboxWorker({ store: ts.store, config, pollMs: 20 });
    w.start();
    try {
      await waitFor(() => hook.received.length >= 5, 20_000, 'all five messages');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await w.stop();
    }
    expect(hook.received.map((r) => r.json.title)).toEqual(['Message 1', 'Message 2', 'Message 3', 'Message 4', 'Message 5']);
    expect(hook.received.every((r) => r.problems.length === 0)).toBe(true);
    const items = await listOutbox(ts.store.db, { status: 'all', limit: 100 });
    const first = items.find((i) => i.key === 'order-test:1:webhook')!;
    expect(first.status).toBe('sent');
    expect(first.attempts).toBe(7);
  });

  it('dead-letters a refused message, lets its lane move on, and delivers it on manual retry', async () => {
    const config = parseConfig({
      channels: { teams: { webhook_url: teams.url } },
      coordination: { retry_base: 10, retry_max: 20, send_timeout: 500, max_attempts: 3 },
    });
    const ctx = testContext(ts.store, { config });
    teams.behave((n) => (n === 0 ? 'bad_request' : n < 4 ? 'error500' : 'ok'));
    const now = new Date().toISOString();
    await ts.store.writeTx(async (trx) => {
      await enqueueNotification(trx, config, { route: 'incident', kind: 'note', key: 'dead-1', title: 'Refused', text: 'x', now });
      await enqueueNotification(trx, config, { route: 'incident', kind: 'note', key: 'dead-2', title: 'Retried out', text: 'y', now });
    });
    const w = new OutboxWorker({ store: ts.store, config, pollMs: 10 });
    w.start();
    try {
      await waitFor(async () => (await listOutboxMessages(ctx, { status: 'dead' })).items.length === 2, 10_000, 'two dead letters');
    } finally {
      await w.stop();
    }
    const dead = (await listOutboxMessages(ctx, { status: 'dead' })).items;
    expect(dead.map((d) => d.key).sort()).toEqual(['dead-1:teams', 'dead-2:teams']);
    const refused = dead.find((d) => d.key === 'dead-1:teams')!;
    expect(refused.attempts).toBe(1);
    expect(refused.lastError).toMatch(/HTTP 400.*not retried/);
    expect(dead.find((d) => d.key === 'dead-2:teams')!.lastError).toMatch(/gave up after 3 attempts/);
    expect(teams.received).toHaveLength(0);

    // The channel is fixed: a manual retry delivers the message once.
    const item = await retryOutboxMessage(ctx, refused.id);
    expect(item).toMatchObject({ status: 'pending', attempts: 0 });
    const drained = await new OutboxWorker({ store: ts.store, config }).drain([refused.id], 5000);
    expect(drained[0].status).toBe('sent');
    expect(teams.received).toHaveLength(1);
    await expect(retryOutboxMessage(ctx, refused.id)).rejects.toThrow(/not sent twice/);
    await expect(retryOutboxMessage(ctx, 999_999)).rejects.toThrow(/not found/);
    await expect(
      retryOutboxMessage(testContext(ts.store, { config, actor: { name: 'v', role: 'viewer', via: 'api' } }), refused.id),
    ).rejects.toThrow(/commander role/);
  });
});
