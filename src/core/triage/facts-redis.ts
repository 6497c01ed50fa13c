/** Redis facts: memory by key prefix, the current window's slow commands, who holds the clients. */
import { formatBytes, formatMs, pct, round1 } from '../units.js';
import { REDIS_REFUSES_CLIENTS } from './error-classes.js';
import type { CheckObservation, RedisObservation } from './observations.js';
import type { Facts, TriageThresholds } from './rules.js';

export function redisFacts(
  d: RedisObservation,
  check: CheckObservation | undefined,
  now: Date,
  currentWindowMs: number,
  t: TriageThresholds,
): Facts {
  const f = d.facts as Record<string, number | string | undefined>;
  const p = d.prefixes ?? [];
  const sampleBytes = d.sample?.bytes ?? 0;
  const top = p[0];
  const slow = [...d.slowlog].sort((a, b) => b.durationUs - a.durationUs)[0];
  // SLOWLOG keeps entries for ever: only those of the current window are news (SLOWLOG times are whole seconds).
  const recent = d.slowlog.filter(
    (e) => Date.parse(e.at) >= now.getTime() - currentWindowMs - 1000 && e.durationUs >= t.redis_slow_ms * 1000,
  );
  const worst = [...recent].sort((a, b) => b.durationUs - a.durationUs)[0];
  const topClient = d.clients?.[0];
  return {
    ...d.facts,
    reachable: d.reachable,
    error: d.error ?? check?.error ?? null,
    state: check?.state ?? (d.reachable ? 'up' : 'down'),
    target: check?.target ?? null,
    auth_failed: /NOAUTH|WRONGPASS|invalid password|AUTH failed|authentication/i.test(`${d.error ?? ''} ${check?.error ?? ''}`),
    rejecting: REDIS_REFUSES_CLIENTS.test(`${d.error ?? ''} ${check?.error ?? ''}`),
    used_memory: typeof f.used_memory_bytes === 'number' ? formatBytes(f.used_memory_bytes) : null,
    maxmemory: typeof f.maxmemory_bytes === 'number' && f.maxmemory_bytes > 0 ? formatBytes(f.maxmemory_bytes) : null,
    evicting_policy: typeof f.maxmemory_policy === 'string' && f.maxmemory_policy !== 'noeviction',
    sampled_keys: d.sample?.keys ?? 0,
    sample_complete: d.sample?.complete ?? false,
    volatile_pct: d.sample?.keys ? pct(d.sample.withTtl, d.sample.keys) : null,
    top_prefix: top?.prefix ?? null,
    top_prefix_pattern: top ? `${top.prefix}*` : null,
    top_prefix_bytes: top?.bytes ?? null,
    top_prefix_memory: top ? formatBytes(top.bytes) : null,
    top_prefix_pct: top && sampleBytes ? pct(top.bytes, sampleBytes) : null,
    top_prefix_keys: top?.keys ?? 0,
    top_prefix_ttl_pct: top?.keys ? pct(top.withTtl, top.keys) : null,
    prefixes: p.slice(0, 5).map((x) => `${x.prefix}* ${formatBytes(x.bytes)} (${x.keys} keys)`),
    slowlog_top_command: slow?.command ?? null,
    slowlog_top_ms: slow ? round1(slow.durationUs / 1000) : null,
    slowlog_top_client: slow ? (slow.clientName ?? slow.client) : null,
    window: formatMs(currentWindowMs),
    slow_commands_now: recent.length,
    slow_command_now: worst?.command ?? null,
    slow_command_now_ms: worst ? round1(worst.durationUs / 1000) : null,
    slow_command_now_took: worst ? formatMs(worst.durationUs / 1000) : null,
    slow_command_now_client: worst ? (worst.clientName ?? worst.client ?? '(unnamed client)') : null,
    top_client_name: topClient ? (topClient.name ?? topClient.addr) : null,
    top_client_count: topClient?.count ?? 0,
  };
}
