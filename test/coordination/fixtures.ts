import { configSchema, type WarroomConfig } from '../../src/config/schema.js';
import { policyFromConfig } from '../../src/config/load-config.js';
import type { AppContext, Actor } from '../../src/app/context.js';
import type { Store } from '../../src/store/db.js';
import { createCoordinationHooks } from '../../src/runtime/coordination-hooks.js';
import { OutboxWorker } from '../../src/notify/outbox-worker.js';

export const WEBHOOK_SECRET = 'a-very-long-test-secret-0123456789';
export const SLACK_TOKEN = 'xoxb-1111111111-2222222222-abcdefghijklmnop';

/** Parses raw config the way warroom.yaml is parsed (durations, defaults). */
export function parseConfig(raw: unknown): WarroomConfig {
  return configSchema.parse(raw);
}

export function contactsFixture() {
  return {
    default_team: 'payments',
    teams: { payments: { oncall: 'alice', manager: 'carol', escalation: ['dave'] } },
    people: {
      alice: { email: 'alice@example.com', slack: 'U0ALICE01' },
      carol: { email: 'carol@example.com', slack: 'U0CAROL01' },
      dave: { email: 'dave@example.com', slack: 'U0DAVE001' },
    },
  };
}

export interface Clock {
  now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function clock(start = '2026-03-01T12:00:00.000Z'): Clock {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set: (iso) => {
      t = Date.parse(iso);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A use-case context with the coordination hooks, as `warroom serve` and the CLI build it. */
export function coordinationContext(
  store: Store,
  config: WarroomConfig,
  o: { now?: () => Date; actor?: Actor } = {},
): AppContext & { takeEnqueued(): number[] } {
  const policy = policyFromConfig(config);
  const hooks = createCoordinationHooks({ config, policy });
  return {
    actor: o.actor ?? { name: 'tester', role: 'admin', via: 'cli' },
    now: o.now ?? (() => new Date()),
    store,
    config,
    policy,
    onIncidentChange: hooks.onIncidentChange,
    afterCommit: hooks.afterCommit,
    takeEnqueued: hooks.takeEnqueued,
  };
}

/** Delivers until nothing is due (bounded). */
export async function deliverAll(store: Store, config: WarroomConfig, now?: () => Date): Promise<void> {
  const w = new OutboxWorker({ store, config, now });
  for (let i = 0; i < 200; i++) {
    if ((await w.deliverBatch()) === 0) return;
  }
  throw new Error('outbox did not drain');
}
