/** Deploy facts: what changed with the latest deploy, and whether its own errors go on now. */
import { formatMs, round1 } from '../units.js';
import { classifyError } from './error-classes.js';
import { classCounts, sigKey, sigText, slowEndpoints } from './facts-logs.js';
import type { DeployObservation, LogObservation } from './observations.js';
import type { Facts, TriageThresholds } from './rules.js';

export function deployFacts(
  name: string,
  all: DeployObservation[],
  since: string,
  now: Date,
  logs: LogObservation | undefined,
  t: TriageThresholds,
): Facts {
  const mine = all.filter((d) => d.service === name).sort((a, b) => b.at.localeCompare(a.at));
  const recent = mine.find((d) => d.at >= since && d.kind !== 'infra');
  const recentAny = mine.find((d) => d.at >= since);
  if (!recentAny) return { recent: false, count: 0 };
  const d = recent ?? recentAny;
  // The version to go back to is the last one that is not this one: a CI retry records the same version twice.
  const previous = mine.find((x) => x.at < d.at && x.kind !== 'infra' && x.version !== d.version)?.version ?? null;
  const out: Facts = {
    recent: true,
    version: d.version,
    kind: d.kind,
    by: d.by,
    at: d.at,
    minutes_ago: Math.max(0, Math.round((now.getTime() - Date.parse(d.at)) / 60_000)),
    ago: formatMs(Math.max(0, now.getTime() - Date.parse(d.at))),
    previous_version: previous,
    count: mine.filter((x) => x.at >= since).length,
    repeated: mine.filter((x) => x.at >= since && x.version === d.version).length,
    blamed: false,
  };
  const after = logs?.available ? logs.afterDeploy : null;
  if (!after) return out;
  const before = logs?.beforeDeploy ?? null;
  const c = classCounts(after);
  const cb = classCounts(before);
  // A deploy's own errors are bugs in code; a dependency failing after it is the dependency's.
  const codeAfter = c.code;
  const rateAfter = after.lines ? round1((codeAfter / after.lines) * 100) : 0;
  const rateBefore = before?.lines ? round1((cb.code / before.lines) * 100) : 0;
  const beforeSigs = new Set((before?.signatures ?? []).map(sigKey));
  const nowFrom = logs?.now ? Date.parse(logs.now.since) : now.getTime();
  const newSigs = after.signatures.filter(
    (s) => !beforeSigs.has(sigKey(s)) && classifyError(s.type, `${s.template} ${s.sample}`) === 'code',
  );
  const ongoing = newSigs.filter((s) => s.lastSeen && Date.parse(s.lastSeen) >= nowFrom);
  const codeNow = classCounts(logs?.now).code;
  // Latency that rose with the deploy and is still high now: an endpoint slower since it than before it.
  const slowSince = slowEndpoints(after, before, t.latency_ms).filter(
    (x) => x.beforeP50 !== null && (logs?.now?.latency ?? []).some((l) => l.endpoint === x.endpoint && l.p50 >= t.latency_ms),
  );
  Object.assign(out, {
    errors_after: after.errors,
    code_errors_after: codeAfter,
    error_rate_after_pct: rateAfter,
    error_rate_before_pct: rateBefore,
    lines_after: after.lines,
    new_signatures_after: newSigs.length,
    new_signatures_ongoing: ongoing.length,
    new_signature_first: (ongoing[0] ?? newSigs[0]) ? sigText(ongoing[0] ?? newSigs[0]) : null,
    new_signature_count: (ongoing[0] ?? newSigs[0])?.count ?? 0,
    code_errors_now: codeNow,
    slow_endpoint_after: slowSince[0]?.endpoint ?? null,
    slow_endpoint_after_p50: slowSince[0] ? formatMs(slowSince[0].p50) : null,
    slow_endpoint_before_p50: slowSince[0]?.beforeP50 != null ? formatMs(slowSince[0].beforeP50) : null,
    // Blamed only when its errors started after it and still go on now.
    blamed: d.kind !== 'infra' && codeNow > 0 && (ongoing.length > 0 || (rateAfter >= t.error_rate_pct && rateAfter >= 3 * rateBefore + 1)),
  });
  return out;
}
