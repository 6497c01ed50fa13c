/** PostgreSQL facts: who holds the connections, the lock tree's blocker, long queries that are not lock waiters. */
import { formatMs, pct } from '../units.js';
import { applicationMatches } from './dependencies.js';
import { POSTGRES_REFUSES_CLIENTS } from './error-classes.js';
import type { CheckObservation, LockNodeObservation, PostgresObservation, ServiceSpec } from './observations.js';
import type { Facts, TriageThresholds } from './rules.js';

export function flatLocks(n: LockNodeObservation[], acc: LockNodeObservation[] = []): LockNodeObservation[] {
  for (const x of n) {
    acc.push(x);
    flatLocks(x.blocks, acc);
  }
  return acc;
}

export function postgresFacts(
  name: string,
  d: PostgresObservation,
  check: CheckObservation | undefined,
  t: TriageThresholds,
  services: Record<string, ServiceSpec>,
  dependents: string[],
): Facts {
  const all = flatLocks(d.lockTree);
  const root = d.lockTree[0];
  const waiters = all.filter((x) => x.waitingFor);
  // Lock waiters are the lock's victims, not long queries of their own.
  const longQ = d.longQueries.filter((q) => q.waitEventType !== 'Lock' && !waiters.some((w) => w.pid === q.pid));
  const longest = [...longQ].sort((a, b) => (b.queryAgeS ?? 0) - (a.queryAgeS ?? 0))[0];
  const oldestIdle = [...d.idleInTransaction].sort((a, b) => (b.stateAgeS ?? 0) - (a.stateAgeS ?? 0))[0];
  // Connections by application and user (all states together): who holds the server's slots.
  const holders = new Map<
    string,
    { application: string | null; user: string | null; count: number; states: Record<string, number>; pids: number[]; superuser: boolean }
  >();
  for (const g of d.connectionsByClient) {
    const k = `${g.application ?? ''}\u0000${g.user ?? ''}`;
    const h = holders.get(k) ?? { application: g.application, user: g.user, count: 0, states: {}, pids: [], superuser: false };
    if (g.superuser) h.superuser = true;
    h.count += g.count;
    h.states[g.state ?? 'unknown'] = (h.states[g.state ?? 'unknown'] ?? 0) + g.count;
    h.pids.push(...(g.pids ?? []));
    holders.set(k, h);
  }
  const top = [...holders.values()].sort((a, b) => b.count - a.count)[0];
  const f = d.facts as Record<string, number | undefined>;
  const usable = f.usable_connections ?? null;
  const topService = top ? (Object.keys(services).find((s) => s !== name && applicationMatches(top.application, s)) ?? null) : null;
  const errText = `${d.error ?? ''} ${check?.error ?? ''}`;
  const waitWorst = Math.max(0, ...waiters.map((x) => x.waitingFor?.waitS ?? 0));
  return {
    ...d.facts,
    reachable: d.reachable,
    error: d.error ?? check?.error ?? null,
    state: check?.state ?? (d.reachable ? 'up' : 'down'),
    rejecting: POSTGRES_REFUSES_CLIENTS.test(errText),
    auth_failed: /authentication failed|password authentication|no pg_hba|permission denied/i.test(errText),
    top_client: top
      ? `${top.application ?? '(no application_name)'} as ${top.user} (${top.count}: ${Object.entries(top.states)
          .map(([s, c]) => `${c} ${s}`)
          .join(', ')})`
      : null,
    target: check?.target ?? null,
    top_holder_application: top ? (top.application ?? '(no application_name)') : null,
    top_holder_user: top?.user ?? null,
    top_holder_count: top?.count ?? 0,
    top_holder_states: top
      ? Object.entries(top.states)
          .map(([s, c]) => `${c} ${s}`)
          .join(', ')
      : null,
    top_holder_idle: top ? (top.states.idle ?? 0) + (top.states['idle in transaction'] ?? 0) : 0,
    top_holder_pct: top && usable ? pct(top.count, usable) : null,
    top_holder_pid: top?.pids[0] ?? null,
    top_holder_superuser: top?.superuser ?? false,
    top_holder_pids: top?.pids.slice(0, 5) ?? [],
    top_holder_service: topService,
    top_holder_is_dependent: !!topService && dependents.includes(topService),
    holder_count: holders.size,
    root_blocker_pid: root?.pid ?? null,
    root_blocker_state: root?.state ?? null,
    root_blocker_query: root?.query ?? null,
    root_blocker_application: root ? (root.application ?? '(no application_name)') : null,
    root_blocker_user: root?.user ?? null,
    root_blocker_xact_age_s: root?.xactAgeS ?? null,
    root_blocker_xact_age: root?.xactAgeS != null ? formatMs(root.xactAgeS * 1000) : null,
    root_blocker_superuser: root?.superuser === true,
    root_blocker_blocks: root ? new Set(flatLocks(root.blocks).map((x) => x.pid)).size : 0,
    lock_relation: waiters.map((w) => w.waitingFor?.relation).find((x) => x) ?? waiters[0]?.waitingFor?.locktype ?? null,
    blocked_pids: [...new Set(waiters.map((w) => w.pid))].slice(0, 10),
    blocked_applications: [...new Set(waiters.map((w) => w.application ?? '(none)'))].slice(0, 5),
    lock_forming: waiters.length > 0 && waitWorst < t.lock_wait_s,
    longest_lock_wait: formatMs(waitWorst * 1000),
    long_query_count: longQ.length,
    longest_query_s: longest?.queryAgeS ?? 0,
    longest_query_pid: longest?.pid ?? null,
    longest_query: longest?.query ?? null,
    longest_query_application: longest ? (longest.application ?? '(no application_name)') : null,
    longest_query_user: longest?.user ?? null,
    longest_query_superuser: longest?.superuser === true,
    longest_query_age: longest?.queryAgeS != null ? formatMs(longest.queryAgeS * 1000) : null,
    oldest_idle_pid: oldestIdle?.pid ?? null,
    oldest_idle_application: oldestIdle ? (oldestIdle.application ?? '(no application_name)') : null,
    oldest_idle_query: oldestIdle?.query ?? null,
    oldest_idle_superuser: oldestIdle?.superuser === true,
    oldest_idle_age: oldestIdle?.stateAgeS != null ? formatMs(oldestIdle.stateAgeS * 1000) : null,
  };
}

export function aggregateByApp(
  groups: PostgresObservation['connectionsByClient'],
): { application: string | null; count: number; idle: number }[] {
  const m = new Map<string, { application: string | null; count: number; idle: number }>();
  for (const g of groups) {
    const k = g.application ?? '';
    const x = m.get(k) ?? { application: g.application, count: 0, idle: 0 };
    x.count += g.count;
    if (g.state === 'idle') x.idle += g.count;
    m.set(k, x);
  }
  return [...m.values()];
}

/** Down dependencies at the bottom of the chain: "backend fails because db is down", not "because api is down". */
