import { compareSeverity } from '../severity.js';
import { ERROR_CLASSES } from './error-classes.js';
import type { BuiltFacts, TriageObservations } from './facts.js';
import { evaluateRules, type Facts, type Finding, type SymptomKind, type TriageRule } from './rules.js';

/**
 * The causal model: symptoms (what a user or a monitor sees now) are explained by causes (the
 * rules that fired). The cause that explains the most current symptoms with the strongest
 * evidence comes first; a cause whose symptoms are all explained by a deeper one is shown under
 * it, not beside it; fallback causes ("the app errors") stand only for what nothing else explains.
 */

export interface Symptom {
  /** service/kind[/tag], unique in a report. */
  id: string;
  service: string;
  kind: SymptomKind;
  /** erroring: the error class (pool, redis, postgres, connection, code); slow: "endpoint" or "probe". */
  tag: string | null;
  text: string;
  weight: number;
  /** unhealthy: the dependencies the readiness payload names as failing (configured service names). */
  via: string[];
}

const WEIGHT: Record<SymptomKind, number> = { unreachable: 5, hanging: 5, unhealthy: 4, erroring: 3, slow: 2 };

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const rec = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** The current symptoms of every service, read off its facts. */
export function deriveSymptoms(facts: Record<string, Facts>): Symptom[] {
  const out: Symptom[] = [];
  const add = (service: string, kind: SymptomKind, tag: string | null, text: string, via: string[] = [], weight = WEIGHT[kind]) =>
    out.push({ id: `${service}/${kind}${tag ? `/${tag}` : ''}`, service, kind, tag, text, weight, via });
  for (const [service, f] of Object.entries(facts)) {
    const http = rec(f.http);
    const readiness = rec(f.readiness);
    const tcp = rec(f.tcp);
    const logs = rec(f.logs);
    if (f.http) {
      const failing = (readiness.failing as string[] | undefined) ?? [];
      const via = (readiness.failing_via as string[] | undefined) ?? [];
      const says = failing.length
        ? ` (reports ${failing
            .slice(0, 3)
            .map(
              (k) => `${k}${k === readiness.first_key && readiness.first_error ? `: ${String(readiness.first_error).slice(0, 80)}` : ''}`,
            )
            .join(', ')})`
        : '';
      if (http.outcome === 'refused') add(service, 'unreachable', null, `${service} refuses connections (${http.target})`);
      else if (http.outcome === 'unreachable' || http.outcome === 'dns' || http.outcome === 'reset')
        add(service, 'unreachable', null, `${service} not reachable: ${http.error}`);
      else if (http.outcome === 'hanging')
        add(service, 'hanging', null, `${service} accepts connections but does not answer (${http.error})`);
      else if (http.outcome === 'http_5xx' || http.outcome === 'http_error' || (http.outcome === 'failed' && http.state === 'down'))
        add(service, 'unhealthy', null, `${service} readiness ${http.status !== null ? `HTTP ${http.status}` : 'failing'}${says}`, via);
      else if (failing.length) add(service, 'unhealthy', null, `${service} readiness degraded${says}`, via, 3);
      if (http.slow === true) add(service, 'slow', 'probe', `${service} readiness answered in ${http.latency}`);
    } else if (f.tcp && (tcp.outcome === 'refused' || tcp.state === 'down')) {
      add(
        service,
        'unreachable',
        null,
        `${service} ${tcp.outcome === 'refused' ? 'refuses connections' : 'not reachable'} (${tcp.target})`,
      );
    }
    const pg = rec(f.postgres);
    if (f.postgres && pg.reachable === false) add(service, 'unreachable', null, `${service}: PostgreSQL not reachable (${pg.error})`);
    const rd = rec(f.redis);
    if (f.redis && rd.reachable === false) add(service, 'unreachable', null, `${service}: Redis not reachable (${rd.error})`);
    if (logs.available === true && logs.erroring === true) {
      const byClass = rec(logs.errors_now_by_class);
      const total = num(logs.errors_now);
      const top = logs.top_endpoint ? `, mostly ${logs.top_endpoint}` : '';
      for (const c of ERROR_CLASSES) {
        const n = num(byClass[c]);
        if (!n) continue;
        const sig = logs.top_signature_class === c && logs.top_signature ? `: ${String(logs.top_signature).slice(0, 100)}` : '';
        add(
          service,
          'erroring',
          c,
          `${n} × ${c === 'code' ? 'errors' : `${c} errors`} in ${service} in the last ${logs.current_window} (${logs.error_rate_now_pct}% of ${logs.lines_now} lines${top})${sig}`,
          [],
          WEIGHT.erroring * Math.max(0.5, Math.min(1.5, (n / Math.max(1, total)) * 1.5)),
        );
      }
    }
    if (logs.available === true && logs.slow_endpoint) {
      add(
        service,
        'slow',
        'endpoint',
        `${service} ${logs.slow_endpoint} p50 ${logs.slow_endpoint_p50} now${logs.slow_endpoint_before_p50 ? ` (was ${logs.slow_endpoint_before_p50})` : ''}${num(logs.slow_endpoint_count) > 1 ? `, ${num(logs.slow_endpoint_count) - 1} more endpoint(s) slow` : ''}`,
      );
    }
  }
  return out;
}

function refMatches(ref: string, s: Symptom): boolean {
  const [kind, tag] = ref.split(':');
  return kind === s.kind && (!tag || tag === s.tag);
}

/** The symptoms a fired rule explains, given the dependency closure. */
function explainedBy(f: Finding, rule: TriageRule | undefined, symptoms: Symptom[], closure: Record<string, string[]>): Symptom[] {
  const self = rule?.explains?.self ?? [];
  const deps = rule?.explains?.dependents ?? [];
  return symptoms.filter((s) => {
    if (s.service === f.service) return self.some((r) => refMatches(r, s));
    if (!(closure[s.service] ?? []).includes(f.service) || !deps.some((r) => refMatches(r, s))) return false;
    // A readiness payload that names its failing dependencies is believed: the cause must be one of them or below one.
    if (s.kind === 'unhealthy' && s.via.length) return s.via.some((v) => v === f.service || (closure[v] ?? []).includes(f.service));
    return true;
  });
}

const SEV_BONUS = { SEV1: 3, SEV2: 2, SEV3: 1, SEV4: 0 } as const;

export interface RankedTriage {
  findings: Finding[];
  symptoms: Symptom[];
  /** Symptoms no finding explains: shown so the ranking hides nothing. */
  unexplained: Symptom[];
}

/** Evaluates the rules and ranks what fired as causes of the current symptoms. */
export function diagnose(rules: TriageRule[], built: BuiltFacts): RankedTriage {
  const symptoms = deriveSymptoms(built.facts);
  const fired = evaluateRules(rules, built.facts);
  const ruleOf = new Map(rules.map((r) => [r.id, r]));
  const explains = new Map<Finding, Symptom[]>(fired.map((f) => [f, explainedBy(f, ruleOf.get(f.rule), symptoms, built.closure)]));
  const strength = (f: Finding) => ruleOf.get(f.rule)?.strength ?? 2;
  const score = (f: Finding, covered: Set<string>) => {
    const fresh = explains.get(f)!.filter((s) => !covered.has(s.id));
    // Explaining another service's symptom is explaining from deeper in the graph: it counts a little more.
    return fresh.reduce((a, s) => a + s.weight * (s.service === f.service ? 10 : 13), 0) + strength(f) * 4 + SEV_BONUS[f.severity];
  };
  const covered = new Set<string>();
  const ranked: Finding[] = [];
  const greedy = (pool: Finding[], keepEmpty: boolean) => {
    const left = [...pool];
    while (left.length) {
      left.sort(
        (a, b) =>
          score(b, covered) - score(a, covered) ||
          compareSeverity(a.severity, b.severity) ||
          a.service.localeCompare(b.service) ||
          a.rule.localeCompare(b.rule),
      );
      const f = left.shift()!;
      const mine = explains.get(f)!;
      const fresh = mine.filter((s) => !covered.has(s.id));
      // A fallback whose symptoms a real cause already explains adds nothing.
      if (!keepEmpty && mine.length > 0 && fresh.length === 0) continue;
      f.score = Math.round(score(f, covered) * 10) / 10;
      f.root = fresh.length > 0 || mine.length === 0;
      f.explains = mine.map((s) => s.text);
      f.explainedSymptoms = mine.map((s) => s.id);
      fresh.forEach((s) => covered.add(s.id));
      ranked.push(f);
    }
  };
  const isFallback = (f: Finding) => ruleOf.get(f.rule)?.fallback === true;
  greedy(
    fired.filter((f) => f.kind === 'cause' && !isFallback(f)),
    true,
  );
  greedy(
    fired.filter((f) => f.kind === 'cause' && isFallback(f)),
    false,
  );
  // Causes that explain current symptoms first (in the order they were picked), then the ones with
  // evidence but no symptom yet (a Redis filling up, a certificate expiring), then notes.
  const withSymptoms = ranked.filter((f) => f.explainedSymptoms.length > 0);
  const without = ranked
    .filter((f) => f.explainedSymptoms.length === 0)
    .sort((a, b) => b.score - a.score || compareSeverity(a.severity, b.severity));
  const notes = fired.filter((f) => f.kind === 'note').map((f) => ({ ...f, explains: [], explainedSymptoms: [], score: 0, root: false }));
  const findings = [...withSymptoms, ...without, ...notes];
  const explained = new Set(findings.flatMap((f) => f.explainedSymptoms));
  return { findings, symptoms, unexplained: symptoms.filter((s) => !explained.has(s.id)) };
}

/** What this triage could not see, so "no findings" is never silent about it. */
export function blindSpots(obs: TriageObservations, built: BuiltFacts): string[] {
  const out: string[] = [];
  for (const [name, svc] of Object.entries(obs.services)) {
    const f = built.facts[name];
    const l = obs.logs[name];
    const isApp = !!svc.health;
    if (isApp && !l)
      out.push(
        `${name}: no logs ${(obs.adHoc ?? []).includes(name) ? 'given' : 'configured'}, so errors and latency inside the app were not read (${(obs.adHoc ?? []).includes(name) ? 'add --logs FILE' : `set services.${name}.logs`})`,
      );
    else if (l && !l.available) out.push(`${name}: logs not read: ${l.reason ?? 'unavailable'}`);
    else if (l?.undated)
      out.push(
        `${name}: its log lines carry no time, so errors now cannot be told from old ones (the file was last written ${l.before ? 'before' : 'within'} the current window); log with timestamps (uvicorn --log-config, JSON logs)`,
      );
    else if (l && (l.now?.lines ?? 0) + (l.before?.lines ?? 0) === 0)
      out.push(`${name}: no log lines in the window (is this the file the app writes, and does it carry times?)`);
    for (const d of built.readiness[name] ?? []) {
      if (!d.service)
        out.push(
          `${name}'s readiness reports "${d.key}"${d.ok ? '' : ` failing (${(d.error ?? d.verdict).slice(0, 80)})`}, but no configured service is that dependency, so warroom did not probe it`,
        );
    }
    const pg = rec(f?.postgres);
    if (pg.auth_failed === true)
      out.push(`${name}: warroom could not sign in to PostgreSQL (${pg.error}): sessions, locks and connections were not read`);
    if (num(pg.insufficient_privilege_count) > 0)
      out.push(
        `${name}: ${num(pg.insufficient_privilege_count)} PostgreSQL session(s) hidden by permissions (grant pg_read_all_stats to warroom's user)`,
      );
    const rd = rec(f?.redis);
    if (rd.auth_failed === true) out.push(`${name}: warroom could not authenticate to Redis (${rd.error})`);
    const skipped = obs.redis[name]?.sample?.skipped;
    if (skipped) out.push(`${name}: which key prefixes hold Redis's memory was not sampled (${skipped})`);
    const http = rec(f?.http);
    if (http.outcome === 'hanging')
      out.push(`${name}: its readiness probe got no answer, so the payload (dependencies, pool numbers) was not seen`);
    if (http.not_json === true) out.push(`${name}: its readiness answer is not JSON, so the dependencies it checks are unknown`);
  }
  for (const s of obs.health.skipped ?? []) out.push(`${s}: no probe configured, not checked`);
  if (!obs.deploys.length)
    out.push(
      'no deploys recorded: a bad deploy cannot be told from other causes (record them with "warroom deploy record" or POST /api/v1/deploys)',
    );
  return out;
}
