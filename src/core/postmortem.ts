/**
 * The post-mortem domain: the review's lifecycle (draft → in_review → published), its
 * deadline, and the draft model built from what the incident recorded. Pure: the renderers
 * (src/postmortem) and use cases (src/app) turn this model into files, rows and responses.
 */
import { checkText, type Incident, type TimelineEntry, type TimelineKind } from './incident.js';
import { compareSeverity, isSeverity, type Severity, type SeverityPolicy } from './severity.js';
import { invalidTransition, validation } from './errors.js';
import { formatDuration } from './time.js';
import { checkBlameless, type BlamelessWarning } from './blameless.js';

export const POSTMORTEM_STATES = ['draft', 'in_review', 'published'] as const;
export type PostmortemState = (typeof POSTMORTEM_STATES)[number];
export type PostmortemLevel = 'full' | 'lightweight';

/** The sections people write (Timeline, Five Whys and Action items have their own shapes). */
export const SECTION_KEYS = [
  'summary',
  'impact',
  'root_cause',
  'contributing_factors',
  'what_went_well',
  'what_could_be_improved',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Summary',
  impact: 'Impact',
  root_cause: 'Root cause',
  contributing_factors: 'Contributing factors',
  what_went_well: 'What went well',
  what_could_be_improved: 'What could be improved',
};

/** The seed's lightweight SEV3 review keeps the essentials. */
const LIGHTWEIGHT_SECTIONS: readonly SectionKey[] = ['summary', 'impact', 'root_cause', 'what_could_be_improved'];

const PROMPTS: Record<SectionKey, string> = {
  summary: 'Say in two or three sentences what happened, when, and what users experienced.',
  impact: 'Who was affected, how many, for how long, and what they could not do (errors, latency, data).',
  root_cause:
    'The fundamental reason the incident occurred, in terms of systems and processes. The last answer of the Five Whys is usually it.',
  contributing_factors: 'Other conditions that made the incident possible or worse: missing alerts, slow rollback, unclear runbook, load.',
  what_went_well: 'Effective parts of the response worth keeping: fast detection, a clean rollback, clear updates.',
  what_could_be_improved: 'Gaps in detection, response or tooling. Each one should become an action item with an owner.',
};

/** Where the 'section' names of the CLI and API come from: root-cause, root_cause and "Root cause" all work. */
export function parseSectionKey(input: string, field = 'section'): SectionKey {
  const k = String(input).trim().toLowerCase().replace(/[- ]+/g, '_');
  const alias: Record<string, SectionKey> = {
    rootcause: 'root_cause',
    cause: 'root_cause',
    contributing: 'contributing_factors',
    factors: 'contributing_factors',
    went_well: 'what_went_well',
    well: 'what_went_well',
    improve: 'what_could_be_improved',
    improvements: 'what_could_be_improved',
    could_be_improved: 'what_could_be_improved',
  };
  const key = alias[k] ?? k;
  if ((SECTION_KEYS as readonly string[]).includes(key)) return key as SectionKey;
  throw validation(
    `${field}: unknown section "${input}" (expected one of ${SECTION_KEYS.map((s) => s.replace(/_/g, '-')).join(', ')})`,
    field,
  );
}

export interface Why {
  why: string;
  because: string;
}

/**
 * A why as the renderers print it: the question and the answer without the "Why"/"Because"
 * the user may have typed (and without the question's "?"), since every renderer adds those
 * words itself. What was typed is stored as typed; a text that is only the prefix is kept.
 */
export function whyParts(w: Why): Why {
  const strip = (t: string, re: RegExp) => {
    const out = t.trim().replace(re, '').trim();
    return out || t.trim();
  };
  return {
    why: strip(w.why, /^why\b[\s?:,.\-—…]*/i).replace(/\s*\?+$/, '') || w.why.trim(),
    because: strip(w.because, /^because\b[\s:,\-—…]*/i),
  };
}

/** A duration as people say it: "47 minutes", "1 hour 5 minutes", "3 days 2 hours", "40 seconds". */
export function durationInWords(ms: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const min = Math.round(Math.abs(ms) / 60_000);
  if (Math.abs(ms) < 60_000) return unit(Math.round(Math.abs(ms) / 1000), 'second');
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d) return [unit(d, 'day'), h ? unit(h, 'hour') : ''].filter(Boolean).join(' ');
  if (h) return [unit(h, 'hour'), m ? unit(m, 'minute') : ''].filter(Boolean).join(' ');
  return unit(m, 'minute');
}

/** The stored review (one per incident). */
export interface PostmortemRecord {
  incidentId: string;
  state: PostmortemState;
  level: PostmortemLevel;
  sections: Partial<Record<SectionKey, string>>;
  whys: Why[];
  /** Review deadline (ISO); null when the severity sets none. */
  dueAt: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  submittedAt: string | null;
  publishedAt: string | null;
  publishedBy: string | null;
  remindedAt: string | null;
}

export const ACTION_KINDS = ['monitoring', 'test', 'runbook', 'fix'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['open', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** A longer-term fix from the review (the seed's four kinds: fix, monitoring, test, runbook). */
export interface ActionItem {
  id: number;
  incidentId: string;
  title: string;
  owner: string;
  kind: ActionKind;
  /** YYYY-MM-DD (UTC day). */
  dueDate: string;
  status: ActionStatus;
  createdAt: string;
  createdBy: string;
  doneAt: string | null;
  doneBy: string | null;
}

export interface PostmortemRules {
  /** Deadline after resolution for a full review (default 48 h). */
  dueAfterMs?: number;
  /** Deadline for a lightweight review (default none). */
  lightweightDueAfterMs?: number | null;
}

export const DEFAULT_DUE_AFTER_MS = 48 * 3_600_000;

// ── Severity over the incident's life ────────────────────────────────────────

export interface SeverityChange {
  at: string;
  from: Severity;
  to: Severity;
  reason: string | null;
  author: string;
}

export function listSeverityChanges(timeline: TimelineEntry[]): SeverityChange[] {
  const out: SeverityChange[] = [];
  for (const e of timeline) {
    if (e.kind !== 'severity_change' || !e.data) continue;
    const from = String(e.data.from ?? '');
    const to = String(e.data.to ?? '');
    if (isSeverity(from) && isSeverity(to))
      out.push({ at: e.at, from, to, reason: typeof e.data.reason === 'string' ? e.data.reason : null, author: e.author });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * The most severe level the incident reached. A SEV1 downgraded to SEV3 before resolution
 * still gets the full review: the outage happened.
 */
export function peakSeverity(inc: Pick<Incident, 'severity'>, changes: SeverityChange[]): Severity {
  let peak = inc.severity;
  for (const c of changes) for (const s of [c.from, c.to]) if (compareSeverity(s, peak) < 0) peak = s;
  return peak;
}

/** What the policy requires for a severity (seed: full for SEV1/SEV2, lightweight SEV3, none SEV4). */
export function requiredReview(severity: Severity, policy: SeverityPolicy): 'full' | 'lightweight' | 'none' {
  return policy[severity].postmortem;
}

export function computeDueAt(
  level: PostmortemLevel,
  required: boolean,
  resolvedAt: string | null,
  rules: PostmortemRules = {},
): string | null {
  if (!required || !resolvedAt) return null;
  const after = level === 'full' ? (rules.dueAfterMs ?? DEFAULT_DUE_AFTER_MS) : (rules.lightweightDueAfterMs ?? null);
  return after === null || after === undefined ? null : new Date(Date.parse(resolvedAt) + after).toISOString();
}

// ── Lifecycle ────────────────────────────────────────────────────────────────

/** Starts the review of a resolved incident. */
export function startPostmortem(
  inc: Incident,
  timeline: TimelineEntry[],
  policy: SeverityPolicy,
  rules: PostmortemRules,
  actor: string,
  now: string,
): PostmortemRecord {
  if (inc.status !== 'resolved' || !inc.resolvedAt) {
    throw invalidTransition(
      `${inc.id} is ${inc.status}, not resolved: a post-mortem reviews a resolved incident (run "warroom resolve ${inc.id}" first)`,
      { field: 'id', status: inc.status },
    );
  }
  const peak = peakSeverity(inc, listSeverityChanges(timeline));
  const req = requiredReview(peak, policy);
  const level: PostmortemLevel = req === 'full' ? 'full' : 'lightweight';
  return {
    incidentId: inc.id,
    state: 'draft',
    level,
    sections: {},
    whys: [],
    dueAt: computeDueAt(level, req !== 'none', inc.resolvedAt, rules),
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    submittedAt: null,
    publishedAt: null,
    publishedBy: null,
    remindedAt: null,
  };
}

function assertEditable(pm: PostmortemRecord): void {
  if (pm.state === 'published')
    throw invalidTransition(
      `the post-mortem of ${pm.incidentId} is published; published reviews are not edited (add an action item or a note instead)`,
      { state: pm.state },
    );
}

/** Writes a section; an empty text clears it back to its prompt. */
export function setSection(pm: PostmortemRecord, key: SectionKey, text: string, now: string): PostmortemRecord {
  assertEditable(pm);
  const sections = { ...pm.sections };
  if (text.trim() === '') delete sections[key];
  else sections[key] = checkText(text, key.replace(/_/g, '-'), 50_000);
  return { ...pm, sections, updatedAt: now };
}

export const WHYS_MAX = 10;

export function addWhy(pm: PostmortemRecord, why: string, because: string, now: string): PostmortemRecord {
  assertEditable(pm);
  if (pm.whys.length >= WHYS_MAX) throw validation(`why: a Five Whys chain holds at most ${WHYS_MAX} steps; remove one first`, 'why');
  const w = { why: checkText(why, 'why', 2000), because: checkText(because, 'because', 2000) };
  return { ...pm, whys: [...pm.whys, w], updatedAt: now };
}

/** Removes the n-th why (1-based, as shown). */
export function removeWhy(pm: PostmortemRecord, n: number, now: string): PostmortemRecord {
  assertEditable(pm);
  if (!Number.isInteger(n) || n < 1 || n > pm.whys.length)
    throw validation(`index: expected a step from 1 to ${pm.whys.length}, got ${n}`, 'index');
  return { ...pm, whys: pm.whys.filter((_, i) => i !== n - 1), updatedAt: now };
}

/** The words people see for a review state ("in review", never the id "in_review"). */
export const STATE_LABELS: Record<PostmortemState, string> = { draft: 'a draft', in_review: 'in review', published: 'published' };

/** draft → in_review. A review needs a written root cause, and a full review at least one action item. */
export function submitForReview(pm: PostmortemRecord, actionItemCount: number, now: string): PostmortemRecord {
  if (pm.state !== 'draft')
    throw invalidTransition(`the post-mortem of ${pm.incidentId} is ${STATE_LABELS[pm.state]}, not a draft`, {
      from: pm.state,
      to: 'in_review',
    });
  const missing: string[] = [];
  if (!pm.sections.root_cause) missing.push('root-cause (warroom postmortem ID set root-cause --file rc.md)');
  if (pm.level === 'full' && actionItemCount === 0) missing.push('an action item (warroom action add ID "..." --owner NAME --due DATE)');
  if (missing.length)
    throw invalidTransition(`the post-mortem of ${pm.incidentId} cannot go to review yet; it needs ${missing.join(' and ')}`, { missing });
  return { ...pm, state: 'in_review', submittedAt: now, updatedAt: now };
}

/**
 * The sections of the review that still show their generated prompt: nobody wrote them and
 * the record does not fill them (the summary is drafted from the record; the impact from the
 * declaration when one was given). A full review also needs its Five Whys.
 */
export function unwrittenSections(pm: PostmortemRecord, inc: Pick<Incident, 'impact'>): string[] {
  const keys = pm.level === 'full' ? SECTION_KEYS : LIGHTWEIGHT_SECTIONS;
  const out = keys
    .filter((k) => !pm.sections[k]?.trim())
    .filter((k) => k !== 'summary' && !(k === 'impact' && inc.impact))
    .map((k) => k.replace(/_/g, '-'));
  if (pm.level === 'full' && pm.whys.length === 0) out.push('five whys');
  return out;
}

/**
 * in_review → published. Sections still showing their prompt block the publication (naming
 * them) unless `force` says to publish them as they are.
 */
export function publishPostmortem(
  pm: PostmortemRecord,
  actor: string,
  now: string,
  o: { unwritten?: string[]; force?: boolean } = {},
): PostmortemRecord {
  if (pm.state !== 'in_review')
    throw invalidTransition(
      pm.state === 'published'
        ? `the post-mortem of ${pm.incidentId} is already published`
        : `the post-mortem of ${pm.incidentId} is ${STATE_LABELS[pm.state]}; only a review in review can be published (submit it first: warroom postmortem ${pm.incidentId} submit)`,
      { from: pm.state, to: 'published' },
    );
  const unwritten = o.unwritten ?? [];
  if (unwritten.length && !o.force)
    throw invalidTransition(
      `the post-mortem of ${pm.incidentId} cannot be published yet: ${unwritten.join(', ')} ${unwritten.length === 1 ? 'is' : 'are'} still unwritten (warroom postmortem ${pm.incidentId} set SECTION --file FILE, or add-why)`,
      { unwritten },
    );
  return { ...pm, state: 'published', publishedAt: now, publishedBy: actor, updatedAt: now };
}

export function isReviewOverdue(pm: Pick<PostmortemRecord, 'state' | 'dueAt'>, now: string): boolean {
  return pm.state !== 'published' && pm.dueAt !== null && pm.dueAt < now;
}

// ── Action items ─────────────────────────────────────────────────────────────

export function parseActionKind(input: string | undefined, field = 'kind'): ActionKind {
  const k = String(input ?? 'fix')
    .trim()
    .toLowerCase();
  if ((ACTION_KINDS as readonly string[]).includes(k)) return k as ActionKind;
  throw validation(`${field}: unknown kind "${input}" (expected one of ${ACTION_KINDS.join(', ')})`, field);
}

/** A due date: YYYY-MM-DD (or an ISO time, whose UTC day is taken). Today is allowed, the past is not. */
export function parseDueDate(input: string, now: string, field = 'due'): string {
  const s = String(input).trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(s);
  const d = m ? new Date(s.length === 10 ? `${s}T00:00:00Z` : s) : null;
  if (!m || !d || Number.isNaN(d.getTime()))
    throw validation(`${field}: "${input}" is not a date (expected YYYY-MM-DD, e.g. 2026-12-01)`, field);
  const day = d.toISOString().slice(0, 10);
  if (s.length === 10 && day !== s) throw validation(`${field}: "${input}" is not a calendar date`, field);
  if (day < now.slice(0, 10)) throw validation(`${field}: ${day} is in the past (today is ${now.slice(0, 10)} UTC)`, field);
  return day;
}

/** Overdue once the due day has passed in UTC. */
export const isActionOverdue = (a: Pick<ActionItem, 'status' | 'dueDate'>, now: string) =>
  a.status === 'open' && a.dueDate < now.slice(0, 10);

// ── Durations and targets ────────────────────────────────────────────────────

export interface DurationFact {
  ms: number | null;
  /** "12m 30s", or "—" when unknown. */
  text: string;
}

const fact = (ms: number | null): DurationFact => ({ ms, text: ms === null ? '—' : formatDuration(ms) });

export interface IncidentDurations {
  /** The earliest known moment of impact: the earliest detection entry, or the declaration. */
  impactStartAt: string;
  /** Time to detect: impact start → declaration. */
  ttd: DurationFact;
  /** Time to acknowledge: declaration → an IC took command. */
  tta: DurationFact;
  /** Time to mitigate: declaration → mitigating (or resolved). */
  ttm: DurationFact;
  /** Time to resolve: declaration → resolved. */
  ttr: DurationFact;
  /** Impact start → resolved. */
  impactDuration: DurationFact;
}

const diff = (a: string | null, b: string | null) => (a && b ? Date.parse(b) - Date.parse(a) : null);

export function computeDurations(inc: Incident, timeline: TimelineEntry[]): IncidentDurations {
  let start = inc.declaredAt;
  for (const e of timeline) if (e.kind === 'detection' && e.at < start) start = e.at;
  return {
    impactStartAt: start,
    ttd: fact(diff(start, inc.declaredAt)),
    tta: fact(diff(inc.declaredAt, inc.acknowledgedAt)),
    ttm: fact(diff(inc.declaredAt, inc.mitigatedAt)),
    ttr: fact(diff(inc.declaredAt, inc.resolvedAt)),
    impactDuration: fact(diff(start, inc.resolvedAt)),
  };
}

export interface CadenceFacts {
  updatesSent: number;
  /** The longest stretch without an update while the incident was open. */
  maxGapMs: number;
  /** Whether every stretch stayed within the cadence of the severity in force at its start. */
  met: boolean;
  /** Stretches that overran: [from, to, allowed ms]. */
  misses: { from: string; to: string; gapMs: number; cadenceMs: number; severity: Severity }[];
}

/**
 * The seed's update cadence, judged gap by gap with the severity in force when each gap
 * began; an escalation inside a gap brings the next update due forward (an incident escalated
 * from SEV3 to SEV1 owes an update 15 minutes after the escalation, not 2 hours after the last).
 */
export function computeCadence(
  inc: Pick<Incident, 'severity' | 'declaredAt' | 'resolvedAt'>,
  updateTimes: string[],
  changes: SeverityChange[],
  policy: SeverityPolicy,
  now: string,
): CadenceFacts {
  const sorted = [...updateTimes].sort();
  const end = inc.resolvedAt ?? now;
  const initial = changes.length ? changes[0].from : inc.severity;
  const severityAt = (t: string) => {
    let s = initial;
    for (const c of changes) if (c.at <= t) s = c.to;
    return s;
  };
  const points = [inc.declaredAt, ...sorted.filter((t) => t > inc.declaredAt && t < end), end];
  let maxGap = 0;
  const misses: CadenceFacts['misses'] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = Date.parse(points[i]);
    const gap = Date.parse(points[i + 1]) - from;
    let sev = severityAt(points[i]);
    let deadline = from + policy[sev].updateCadenceMs;
    // An escalation during the gap brings the next update forward to its own cadence.
    for (const c of changes) {
      const t = Date.parse(c.at);
      if (t <= from || c.at >= points[i + 1] || t > deadline) continue;
      if (compareSeverity(c.to, sev) < 0 && t + policy[c.to].updateCadenceMs < deadline) {
        deadline = t + policy[c.to].updateCadenceMs;
        sev = c.to;
      }
    }
    if (gap > maxGap) maxGap = gap;
    if (from + gap > deadline)
      misses.push({ from: points[i], to: points[i + 1], gapMs: gap, cadenceMs: policy[sev].updateCadenceMs, severity: sev });
  }
  return { updatesSent: sorted.length, maxGapMs: maxGap, met: misses.length === 0, misses };
}

// ── The draft model ──────────────────────────────────────────────────────────

export const PHASES = ['detection', 'investigation', 'mitigation', 'resolution'] as const;
export type Phase = (typeof PHASES)[number];

export interface TimelineRow {
  id: number;
  /** ISO 8601 UTC. */
  at: string;
  /** "2026-11-27 14:32 UTC": minute resolution, as the seed's timeline asks. */
  time: string;
  /** Offset from the impact start: "T+12m 05s". */
  offset: string;
  phase: Phase;
  kind: TimelineKind;
  author: string;
  text: string;
  /** Id of the entry this one corrects. */
  corrects: number | null;
}

export interface SectionView {
  key: SectionKey;
  title: string;
  /** Written by people, or prefilled from the record; null leaves the prompt. */
  content: string | null;
  source: 'written' | 'record' | null;
  /** What to write (always present so a reviewer can re-check the section). */
  prompt: string;
  /** Facts from the record that may help write it. */
  hints: string[];
}

export interface PostmortemModel {
  /** 'incident' for a stored incident, 'report' for the standalone report. */
  source: 'incident' | 'report';
  generatedAt: string;
  incident: {
    id: string | null;
    title: string;
    severity: Severity;
    peakSeverity: Severity;
    status: string;
    services: string[];
    roles: Incident['roles'];
    createdBy: string;
    declaredAt: string;
    acknowledgedAt: string | null;
    mitigatedAt: string | null;
    resolvedAt: string | null;
    impact: string | null;
    resolutionSummary: string | null;
  };
  postmortem: {
    state: PostmortemState;
    level: PostmortemLevel;
    /** false for SEV4 (policy "none"): written by choice, never reminded. */
    required: boolean;
    dueAt: string | null;
    overdue: boolean;
    createdAt: string | null;
    submittedAt: string | null;
    publishedAt: string | null;
    publishedBy: string | null;
  };
  durations: IncidentDurations;
  targets: {
    responseTimeMs: number;
    responseTargetMet: boolean | null;
    updateCadenceMs: number;
    cadence: CadenceFacts;
  };
  severityChanges: SeverityChange[];
  roleChanges: { at: string; author: string; text: string }[];
  findings: { at: string; author: string; text: string }[];
  updates: { at: string; author: string; text: string }[];
  decisions: { at: string; author: string; text: string }[];
  timeline: TimelineRow[];
  sections: SectionView[];
  whys: Why[];
  whysPrompt: string;
  actionItems: (ActionItem & { overdue: boolean })[];
  /** Blameless-language warnings in root cause, contributing factors and the whys. */
  warnings: BlamelessWarning[];
}

export interface BuildModelInput {
  incident: Incident;
  /** In any order; sorted here by time, then id. */
  timeline: TimelineEntry[];
  record: PostmortemRecord | null;
  actionItems: ActionItem[];
  policy: SeverityPolicy;
  rules?: PostmortemRules;
  now: string;
  source?: 'incident' | 'report';
  /** Applied to every piece of user text (secret redaction). */
  redact?: (text: string) => string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-27 14:32 UTC". */
export function formatUtcMinute(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

function phaseOf(status: string): Phase {
  if (status === 'mitigating') return 'mitigation';
  if (status === 'resolved') return 'resolution';
  return 'investigation';
}

/** Builds everything a renderer shows. Linear in the timeline: 10,000 entries stay well under a second. */
export function buildPostmortemModel(input: BuildModelInput): PostmortemModel {
  const { incident: inc, record, policy, now } = input;
  const red = input.redact ?? ((t: string) => t);
  const timeline = [...input.timeline].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
  const changes = listSeverityChanges(timeline);
  const peak = peakSeverity(inc, changes);
  const req = requiredReview(peak, policy);
  const level: PostmortemLevel = record?.level ?? (req === 'full' ? 'full' : 'lightweight');
  const durations = computeDurations(inc, timeline);
  const startMs = Date.parse(durations.impactStartAt);

  const rows: TimelineRow[] = new Array(timeline.length);
  const findings: PostmortemModel['findings'] = [];
  const updates: PostmortemModel['updates'] = [];
  const decisions: PostmortemModel['decisions'] = [];
  const roleChanges: PostmortemModel['roleChanges'] = [];
  const people = new Set<string>([
    inc.createdBy,
    ...(inc.roles.commander ? [inc.roles.commander] : []),
    ...(inc.roles.comms_lead ? [inc.roles.comms_lead] : []),
    ...(inc.roles.scribe ? [inc.roles.scribe] : []),
    ...inc.roles.responders,
  ]);
  let status = 'investigating';
  for (let i = 0; i < timeline.length; i++) {
    const e = timeline[i];
    people.add(e.author);
    if (e.kind === 'status_change' && typeof e.data?.to === 'string') status = e.data.to;
    const text = red(e.text);
    const phase: Phase = e.kind === 'detection' ? 'detection' : phaseOf(status);
    const off = Date.parse(e.at) - startMs;
    rows[i] = {
      id: e.id,
      at: e.at,
      time: formatUtcMinute(e.at),
      offset: `T${off < 0 ? '-' : '+'}${formatDuration(Math.abs(off))}`,
      phase,
      kind: e.kind,
      author: e.author,
      text,
      corrects: e.corrects,
    };
    const brief = { at: e.at, author: e.author, text };
    if (e.kind === 'finding') findings.push(brief);
    else if (e.kind === 'update') updates.push(brief);
    else if (e.kind === 'decision') decisions.push(brief);
    else if (e.kind === 'role_change') roleChanges.push(brief);
  }
  for (const a of input.actionItems) people.add(a.owner);

  // Targets are judged against the severity declared: that is what the responders were held to.
  const level0 = policy[changes.length ? changes[0].from : inc.severity];
  const cadence = computeCadence(
    inc,
    updates.map((u) => u.at),
    changes,
    policy,
    now,
  );
  const tta = durations.tta.ms;
  const responseTargetMet = tta !== null ? tta <= level0.responseTimeMs : null;

  const written = record?.sections ?? {};
  const keys = level === 'full' ? SECTION_KEYS : LIGHTWEIGHT_SECTIONS;
  const autoSummary = summarize(inc, durations, peak, red);
  const hints: Record<SectionKey, string[]> = {
    summary: [],
    impact: inc.impact ? [] : ['No impact was recorded at declaration.'],
    root_cause: findings.map((f) => `Finding (${formatUtcMinute(f.at)}): ${f.text}`),
    contributing_factors: [
      ...changes.map((c) => `Severity changed ${c.from} → ${c.to} at ${formatUtcMinute(c.at)}${c.reason ? `: ${red(c.reason)}` : ''}`),
      ...(durations.ttd.ms && durations.ttd.ms > 0 ? [`Impact began ${durations.ttd.text} before the incident was declared.`] : []),
    ],
    what_went_well: [
      ...(responseTargetMet === true
        ? [`Acknowledged in ${durations.tta.text}, within the ${formatDuration(level0.responseTimeMs)} response target.`]
        : []),
      ...(cadence.met && cadence.updatesSent > 0 ? [`All ${cadence.updatesSent} updates kept the update cadence.`] : []),
    ],
    what_could_be_improved: [
      ...(responseTargetMet === false ? [`Acknowledgement took ${durations.tta.text}, beyond the response target.`] : []),
      ...(tta === null && input.source !== 'report' ? ['Nobody acknowledged the incident as commander.'] : []),
      ...cadence.misses
        .slice(0, 20)
        .map(
          (m) =>
            `${formatDuration(m.gapMs)} without an update from ${formatUtcMinute(m.from)} (${m.severity} cadence ${formatDuration(m.cadenceMs)}).`,
        ),
      ...(cadence.misses.length > 20 ? [`…and ${cadence.misses.length - 20} more stretches without an update.`] : []),
    ],
  };
  const sections: SectionView[] = keys.map((key) => {
    let content: string | null = written[key] ? red(written[key]!) : null;
    let source: SectionView['source'] = content ? 'written' : null;
    if (!content && key === 'summary' && input.source !== 'report') {
      content = autoSummary;
      source = 'record';
    }
    if (!content && key === 'impact' && inc.impact) {
      content = red(inc.impact);
      source = 'record';
    }
    return { key, title: SECTION_TITLES[key], content, source, prompt: PROMPTS[key], hints: hints[key] };
  });

  const whys = (record?.whys ?? []).map((w) => ({ why: red(w.why), because: red(w.because) }));
  const peopleList = [...people];
  const warnings: BlamelessWarning[] = [];
  for (const key of ['root_cause', 'contributing_factors'] as const)
    if (written[key]) warnings.push(...checkBlameless(written[key]!, key, { people: peopleList }));
  whys.forEach((w, i) => warnings.push(...checkBlameless(w.because, `whys[${i + 1}].because`, { people: peopleList })));

  const dueAt = record?.dueAt ?? computeDueAt(level, req !== 'none', inc.resolvedAt, input.rules);
  const state = record?.state ?? 'draft';
  return {
    source: input.source ?? 'incident',
    generatedAt: now,
    incident: {
      id: input.source === 'report' ? null : inc.id,
      title: red(inc.title),
      severity: inc.severity,
      peakSeverity: peak,
      status: inc.status,
      services: inc.services,
      roles: inc.roles,
      createdBy: inc.createdBy,
      declaredAt: inc.declaredAt,
      acknowledgedAt: inc.acknowledgedAt,
      mitigatedAt: inc.mitigatedAt,
      resolvedAt: inc.resolvedAt,
      impact: inc.impact ? red(inc.impact) : null,
      resolutionSummary: inc.summary ? red(inc.summary) : null,
    },
    postmortem: {
      state,
      level,
      required: req !== 'none',
      dueAt,
      overdue: isReviewOverdue({ state, dueAt }, now),
      createdAt: record?.createdAt ?? null,
      submittedAt: record?.submittedAt ?? null,
      publishedAt: record?.publishedAt ?? null,
      publishedBy: record?.publishedBy ?? null,
    },
    durations,
    targets: { responseTimeMs: level0.responseTimeMs, responseTargetMet, updateCadenceMs: level0.updateCadenceMs, cadence },
    severityChanges: changes.map((c) => ({ ...c, reason: c.reason ? red(c.reason) : null })),
    roleChanges,
    findings,
    updates,
    decisions,
    timeline: rows,
    sections,
    whys,
    whysPrompt: `Ask "why?" until you reach a cause in the system, usually five times. Start from the impact: "Why did users ${inc.impact ? `experience: ${red(inc.impact)}` : 'see the problem'}?"`,
    actionItems: input.actionItems.map((a) => ({ ...a, title: red(a.title), overdue: isActionOverdue(a, now) })),
    warnings,
  };
}

function summarize(inc: Incident, d: IncidentDurations, peak: Severity, red: (t: string) => string): string {
  const parts = [`${red(inc.title)}.`];
  parts.push(
    `A ${peak === inc.severity ? inc.severity : `${peak} (later ${inc.severity})`} incident was declared at ${formatUtcMinute(inc.declaredAt)}${inc.resolvedAt ? ` and resolved at ${formatUtcMinute(inc.resolvedAt)}, ${d.ttr.text} later` : ''}.`,
  );
  if (d.ttd.ms) parts.push(`Impact began at ${formatUtcMinute(d.impactStartAt)}.`);
  if (inc.services.length) parts.push(`Affected: ${inc.services.join(', ')}.`);
  const sentence = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);
  if (inc.impact) parts.push(sentence(`Impact: ${red(inc.impact)}`));
  if (inc.summary) parts.push(sentence(`Resolution: ${red(inc.summary)}`));
  return parts.join(' ');
}

// ── The standalone report (the seed's generate-incident-report script) ──────

export interface ReportInput {
  title: string;
  severity: Severity;
  startTime: string;
  endTime: string;
  impact?: string | null;
  services?: string[];
  commander?: string | null;
}

/** A model with the same sections for an incident warroom never stored. */
export function buildReportModel(r: ReportInput, policy: SeverityPolicy, now: string, redact?: (t: string) => string): PostmortemModel {
  const title = checkText(r.title, 'title', 200);
  if (/[\n\r]/.test(title)) throw validation('title: must be a single line', 'title');
  const start = Date.parse(r.startTime);
  const end = Date.parse(r.endTime);
  if (Number.isNaN(start))
    throw validation(`start-time: cannot read "${r.startTime}" as a time (ISO 8601, e.g. 2024-01-15T14:30:00Z)`, 'start_time');
  if (Number.isNaN(end))
    throw validation(`end-time: cannot read "${r.endTime}" as a time (ISO 8601, e.g. 2024-01-15T15:15:00Z)`, 'end_time');
  if (end < start) throw validation(`end-time: ${r.endTime} is before the start time ${r.startTime}`, 'end_time');
  const s = new Date(start).toISOString();
  const e = new Date(end).toISOString();
  const inc: Incident = {
    id: 'REPORT',
    seq: 0,
    title,
    severity: r.severity,
    status: 'resolved',
    impact: r.impact ? checkText(r.impact, 'impact') : null,
    summary: null,
    services: r.services ?? [],
    roles: { commander: r.commander ?? null, comms_lead: null, scribe: null, responders: [] },
    createdBy: r.commander ?? 'unknown',
    declaredAt: s,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: e,
    updatedAt: e,
  };
  const timeline: TimelineEntry[] = [
    {
      id: 1,
      incidentId: 'REPORT',
      at: s,
      author: inc.createdBy,
      kind: 'detection',
      text: `Incident start: ${title} (${r.severity})`,
      corrects: null,
      data: { severity: r.severity },
    },
    {
      id: 2,
      incidentId: 'REPORT',
      at: e,
      author: inc.createdBy,
      kind: 'status_change',
      text: 'Incident end: resolved',
      corrects: null,
      data: { to: 'resolved' },
    },
  ];
  const model = buildPostmortemModel({ incident: inc, timeline, record: null, actionItems: [], policy, now, source: 'report', redact });
  // The standalone report has no record of the response: its summary is a prompt, with the facts as a hint.
  const summary = model.sections.find((x) => x.key === 'summary');
  if (summary) summary.hints = [summarize(inc, model.durations, r.severity, redact ?? ((t) => t))];
  return model;
}
