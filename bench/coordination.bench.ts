// Coordination figures (issue 5):
//  1. declare → first page (PagerDuty trigger) received by a loopback receiver, five channels configured: p50/p99.
//  2. 1,000 open incidents whose reminders come due at once: fire lag (due → fired) and delivery lag, p99/max.
// Usage: npm run bench -- coordination   (PostgreSQL at $WARROOM_TEST_PG or 127.0.0.1:5432 for the second dialect)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../src/store/db.js';
import { buildServer } from '../src/server/build-server.js';
import { createToken } from '../src/app/manage-tokens.js';
import { configSchema } from '../src/config/schema.js';
import { policyFromConfig } from '../src/config/load-config.js';
import { coordinationFor } from '../src/runtime/server-coordination.js';
import { declareIncident as decide } from '../src/core/incident.js';
import { insertIncident } from '../src/store/incident.repository.js';
import { setTimer } from '../src/notify/effects.js';
import { TimerWorker } from '../src/runtime/timer-worker.js';
import { OutboxWorker } from '../src/notify/outbox-worker.js';
import { closeMailer } from '../src/notify/senders.js';
import { startReceiver, startSmtp } from '../test/coordination/receivers.js';

const SECRET = 'bench-secret-0123456789abcdef';
const PG_ADMIN = process.env.WARROOM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function withStore<T>(dialect: 'sqlite' | 'postgres', fn: (s: Store) => Promise<T>): Promise<T> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'warroom-bench-'));
    const store = await openStore({ dataDir: dir });
    try {
      return await fn(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `wr_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  const store = await openStore({ databaseUrl: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`) });
  try {
    return await fn(store);
  } finally {
    await store.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

async function benchDeclareToPage(dialect: 'sqlite' | 'postgres', n: number) {
  const [slack, pd, teams, hook, smtp] = await Promise.all([
    startReceiver('slack-api', { token: 'xoxb-bench-token-000000' }),
    startReceiver('pagerduty'),
    startReceiver('teams'),
    startReceiver('webhook', { secret: SECRET }),
    startSmtp(),
  ]);
  const config = configSchema.parse({
    contacts: {
      default_team: 'ops',
      teams: { ops: { oncall: 'alice', manager: 'carol' } },
      people: { alice: { email: 'alice@example.com' }, carol: { email: 'carol@example.com' } },
    },
    channels: {
      slack: { bot_token: 'xoxb-bench-token-000000', api_url: slack.url },
      pagerduty: { routing_key: 'bench-routing-key', events_url: `${pd.url}/v2/enqueue` },
      teams: { webhook_url: teams.url },
      webhook: { url: hook.url, secret: SECRET },
      email: { host: '127.0.0.1', port: smtp.port, from: 'warroom@example.com', to: ['incidents@example.com'] },
    },
  });
  try {
    return await withStore(dialect, async (store) => {
      const { app, deps } = await buildServer({ store, config, policy: policyFromConfig(config), logger: false });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const token = (
        await createToken(
          { actor: { name: 'bench', role: 'admin', via: 'cli' }, now: () => new Date(), store, config, policy: policyFromConfig(config) },
          { name: 'bench', role: 'admin' },
        )
      ).token;
      const coordination = coordinationFor(deps);
      coordination.start();
      const lat: number[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const before = pd.received.length;
          const t0 = performance.now();
          const res = await fetch(`${url}/api/v1/incidents`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ title: `Bench ${i}`, severity: 'SEV1' }),
          });
          if (res.status !== 201) throw new Error(`declare failed: ${res.status} ${await res.text()}`);
          while (pd.received.length === before) await new Promise((r) => setImmediate(r));
          lat.push(performance.now() - t0);
        }
        // Let the other four channels finish so the figure is taken with all of them busy.
        const deadline = Date.now() + 30_000;
        while (
          (slack.received.length < n || teams.received.length < n || hook.received.length < n || smtp.mails.length < 3 * n) &&
          Date.now() < deadline
        )
          await new Promise((r) => setTimeout(r, 50));
        const problems = [slack, pd, teams, hook].flatMap((r) => r.received.flatMap((x) => x.problems));
        return {
          n,
          p50: pct(lat, 50),
          p99: pct(lat, 99),
          max: Math.max(...lat),
          delivered: {
            slack: slack.received.length,
            pagerduty: pd.received.length,
            teams: teams.received.length,
            webhook: hook.received.length,
            email: smtp.mails.length,
          },
          problems: problems.length,
        };
      } finally {
        await coordination.stop();
        await app.close();
      }
    });
  } finally {
    closeMailer();
    await Promise.all([slack.close(), pd.close(), teams.close(), hook.close(), smtp.close()]);
  }
}

async function benchDueTimers(dialect: 'sqlite' | 'postgres', n: number) {
  const hook = await startReceiver('webhook', { secret: SECRET });
  const config = configSchema.parse({ channels: { webhook: { url: hook.url, secret: SECRET } }, coordination: { overdue_repeat: '1h' } });
  const policy = policyFromConfig(config);
  try {
    return await withStore(dialect, async (store) => {
      const dueAt = new Date(Date.now() + 3000).toISOString();
      const declaredAt = new Date(Date.parse(dueAt) - policy.SEV3.updateCadenceMs).toISOString();
      await store.writeTx(async (trx) => {
        for (let i = 0; i < n; i++) {
          const inc = await insertIncident(trx, decide({ title: `Due ${i}`, severity: 'SEV3' }, 'bench', declaredAt).incident);
          await setTimer(trx, inc.id, { kind: 'reminder', dueAt, count: 0 }, declaredAt);
        }
      });
      const outbox = new OutboxWorker({ store, config, pollMs: 100 });
      const fireLag: number[] = [];
      const timers = new TimerWorker({
        store,
        config,
        policy,
        now: () => new Date(),
        onEnqueued: () => outbox.wake(),
        onFire: (f) => {
          for (const x of f) fireLag.push(Date.parse(x.firedAt) - Date.parse(x.dueAt));
        },
      });
      outbox.start();
      timers.start();
      const deadline = Date.now() + 60_000;
      while ((fireLag.length < n || hook.received.length < n) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await timers.stop();
      await outbox.stop();
      const deliveryLag = hook.received.map((r) => r.at - Date.parse(dueAt));
      const keys = new Set(hook.received.map((r) => r.json.id));
      return {
        n,
        fired: fireLag.length,
        fireP99: pct(fireLag, 99),
        fireMax: Math.max(...fireLag),
        delivered: hook.received.length,
        duplicates: hook.received.length - keys.size,
        deliveryP99: pct(deliveryLag, 99),
        deliveryMax: Math.max(...deliveryLag),
        within1s: fireLag.filter((x) => x <= 1000).length,
      };
    });
  } finally {
    await hook.close();
  }
}

const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
for (const d of dialects) {
  const a = await benchDeclareToPage(d, Number(process.env.BENCH_DECLARES ?? 200));
  console.log(
    `[${d}] declare → first page (PagerDuty trigger), 5 channels, n=${a.n}: p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, max ${a.max.toFixed(1)} ms (target p99 < 300 ms) ${a.p99 < 300 ? 'OK' : 'MISSED'}; delivered ${JSON.stringify(a.delivered)}, format problems ${a.problems}`,
  );
  const b = await benchDueTimers(d, 1000);
  console.log(
    `[${d}] 1,000 due reminders: fired ${b.fired}, fire lag p99 ${b.fireP99} ms, max ${b.fireMax} ms, ${b.within1s}/${b.n} within 1 s ${b.within1s === b.n ? 'OK' : 'MISSED'}; delivered ${b.delivered} (duplicates ${b.duplicates}), delivery lag p99 ${b.deliveryP99} ms, max ${b.deliveryMax} ms`,
  );
}
