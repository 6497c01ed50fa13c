/**
 * The insight figures of `warroom stats` and /metrics, computed from plain records so the two
 * always agree. Pure; the use case in src/app/compute-stats.ts gathers the records.
 */
import type { Incident } from './incident.js';
import { SEVERITIES, type Severity, type SeverityPolicy } from './severity.js';
import {
  computeCadence,
  computeDueAt,
  isActionOverdue,
  isReviewOverdue,
  peakSeverity,
  requiredReview,
  type ActionItem,
  type PostmortemRecord,
  type PostmortemRules,
  type SeverityChange,
} from './postmortem.js';

export interface TimingStats {
  /** How many incidents had the timestamp. */
  count: number;
  meanMs: number | null;
  medianMs: number | null;
}

export interface Ratio {
  /** How many were judged. */
  total: number;
  met: number;
  /** 0..100 with one decimal, or null when nothing was judged. */
  percent: number | null;
}

export interface Stats {
  since: string;
  until: string;
  incidents: {
    total: number;
    open: number;
    bySeverity: Record<Severity, number>;
    byService: Record<string, number>;
  };
  timeToAcknowledge: Record<Severity, TimingStats>;
  timeToResolve: Record<Severity, TimingStats>;
  /** Acknowledged within the severity's response time (unacknowledged past the target counts as missed). */
  responseTarget: Ratio;
  /** Every stretch between updates within the cadence of the severity in force. */
  updateCadence: Ratio;
  postmortems: {
    /** Incidents in the window whose peak severity requires a review (SEV1–SEV3 by default). */
    required: number;
    byState: { none: number; draft: number; in_review: number; published: number };
    /** Reviews whose deadline has passed or that are published: published by the deadline. */
    onTime: Ratio;
    overdue: number;
  };
  actionItems: { open: number; overdue: number; done: number };
}

export interface InsightInput {
  /** Incidents declared in the window. */
  incidents: Incident[];
  /** Update times per incident id. */
  updates: Map<string, string[]>;
  severityChanges: Map<string, SeverityChange[]>;
  postmortems: Map<string, PostmortemRecord>;
  /** Every action item (open and overdue counts are current, not windowed). */
  actionItems: ActionItem[];
  policy: SeverityPolicy;
  rules?: PostmortemRules;
  since: string;
  now: string;
}

const ratio = (met: number, total: number): Ratio => ({ total, met, percent: total ? Math.round((met / total) * 1000) / 10 : null });

function timing(values: number[]): TimingStats {
  if (!values.length) return { count: 0, meanMs: null, medianMs: null };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return {
    count: s.length,
    meanMs: Math.round(s.reduce((a, b) => a + b, 0) / s.length),
    medianMs: s.length % 2 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2),
  };
}

const perSeverity = <T>(f: () => T) => Object.fromEntries(SEVERITIES.map((s) => [s, f()])) as Record<Severity, T>;

export function computeInsights(x: InsightInput): Stats {
  const bySeverity = perSeverity(() => 0);
  const byService: Record<string, number> = {};
  const tta = perSeverity<number[]>(() => []);
  const ttr = perSeverity<number[]>(() => []);
  let respMet = 0,
    respTotal = 0,
    cadMet = 0,
    cadTotal = 0,
    open = 0;
  const pmStates = { none: 0, draft: 0, in_review: 0, published: 0 };
  let required = 0,
    pmDue = 0,
    pmOnTime = 0,
    pmOverdue = 0;
  for (const inc of x.incidents) {
    bySeverity[inc.severity]++;
    for (const s of inc.services) byService[s] = (byService[s] ?? 0) + 1;
    if (inc.status !== 'resolved') open++;
    const changes = x.severityChanges.get(inc.id) ?? [];
    // Targets are judged against the severity the incident was declared with.
    const initial = changes.length ? changes[0].from : inc.severity;
    const declared = Date.parse(inc.declaredAt);
    if (inc.acknowledgedAt) {
      const ms = Date.parse(inc.acknowledgedAt) - declared;
      tta[inc.severity].push(ms);
      respTotal++;
      if (ms <= x.policy[initial].responseTimeMs) respMet++;
    } else if (Date.parse(x.now) - declared > x.policy[initial].responseTimeMs) respTotal++;
    if (inc.resolvedAt) ttr[inc.severity].push(Date.parse(inc.resolvedAt) - declared);
    cadTotal++;
    if (computeCadence(inc, x.updates.get(inc.id) ?? [], changes, x.policy, x.now).met) cadMet++;

    const peak = peakSeverity(inc, changes);
    const req = requiredReview(peak, x.policy);
    const pm = x.postmortems.get(inc.id);
    pmStates[pm ? pm.state : 'none']++;
    if (req === 'none') continue;
    required++;
    const level = req === 'full' ? 'full' : 'lightweight';
    const dueAt = pm ? pm.dueAt : computeDueAt(level, true, inc.resolvedAt, x.rules);
    if (!dueAt) continue;
    const published = pm?.state === 'published';
    if (published || dueAt < x.now) {
      pmDue++;
      if (published && pm!.publishedAt! <= dueAt) pmOnTime++;
    }
    if (isReviewOverdue({ state: pm?.state ?? 'draft', dueAt }, x.now)) pmOverdue++;
  }
  let aOpen = 0,
    aOverdue = 0,
    aDone = 0;
  for (const a of x.actionItems) {
    if (a.status === 'done') aDone++;
    else aOpen++;
    if (isActionOverdue(a, x.now)) aOverdue++;
  }
  return {
    since: x.since,
    until: x.now,
    incidents: { total: x.incidents.length, open, bySeverity, byService },
    timeToAcknowledge: perSeverityMap(tta),
    timeToResolve: perSeverityMap(ttr),
    responseTarget: ratio(respMet, respTotal),
    updateCadence: ratio(cadMet, cadTotal),
    postmortems: { required, byState: pmStates, onTime: ratio(pmOnTime, pmDue), overdue: pmOverdue },
    actionItems: { open: aOpen, overdue: aOverdue, done: aDone },
  };
}

function perSeverityMap(v: Record<Severity, number[]>): Record<Severity, TimingStats> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, timing(v[s])])) as Record<Severity, TimingStats>;
}
