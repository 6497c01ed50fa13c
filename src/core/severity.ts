import { validation } from './errors.js';

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type EscalationStep = 'page_oncall' | 'page_manager' | 'notify_manager' | 'notify_oncall_chat' | 'create_ticket';

/** One row of the seed's severity table, plus the escalation rule under it. */
export interface SeverityLevel {
  id: Severity;
  /** Alias used by paging tools (P1..P4). */
  priority: string;
  impact: string;
  examples: string[];
  /** The target from declaration to acknowledgement by an incident commander. */
  responseTimeMs: number;
  /** How often the IC posts an update while the incident is open. */
  updateCadenceMs: number;
  /** The seed's escalation rule in words. */
  escalation: string;
  /** The same rule as steps the coordination layer can execute. */
  escalationSteps: EscalationStep[];
  /** Whether the public status page is updated by default (seed: SEV1/SEV2). */
  publicUpdates: boolean;
  /** Post-mortem requirement (seed: full for SEV1/SEV2 within 48 h, lightweight for SEV3). */
  postmortem: 'full' | 'lightweight' | 'none';
}

export type SeverityPolicy = Record<Severity, SeverityLevel>;

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The seed's table, verbatim. Teams override any value through `severities:` in warroom.yaml. */
export const DEFAULT_SEVERITY_POLICY: SeverityPolicy = {
  SEV1: {
    id: 'SEV1',
    priority: 'P1',
    impact: 'Complete outage, all users affected',
    examples: ['Service down', 'Data loss', 'Security breach'],
    responseTimeMs: 5 * MIN,
    updateCadenceMs: 15 * MIN,
    escalation: 'Page on-call engineer + engineering manager immediately',
    escalationSteps: ['page_oncall', 'page_manager'],
    publicUpdates: true,
    postmortem: 'full',
  },
  SEV2: {
    id: 'SEV2',
    priority: 'P2',
    impact: 'Major degradation, most users affected',
    examples: ['Core feature broken', 'Severe latency'],
    responseTimeMs: 15 * MIN,
    updateCadenceMs: 30 * MIN,
    escalation: 'Page on-call engineer, notify engineering manager',
    escalationSteps: ['page_oncall', 'notify_manager'],
    publicUpdates: true,
    postmortem: 'full',
  },
  SEV3: {
    id: 'SEV3',
    priority: 'P3',
    impact: 'Partial degradation, some users affected',
    examples: ['Non-critical feature broken', 'Intermittent errors'],
    responseTimeMs: 1 * HOUR,
    updateCadenceMs: 2 * HOUR,
    escalation: 'Notify on-call engineer via Slack',
    escalationSteps: ['notify_oncall_chat'],
    publicUpdates: false,
    postmortem: 'lightweight',
  },
  SEV4: {
    id: 'SEV4',
    priority: 'P4',
    impact: 'Minor issue, few users affected',
    examples: ['Cosmetic bug', 'Edge case error'],
    responseTimeMs: 4 * HOUR,
    updateCadenceMs: 24 * HOUR,
    escalation: 'Create ticket, address during normal working hours',
    escalationSteps: ['create_ticket'],
    publicUpdates: false,
    postmortem: 'none',
  },
};

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** Accepts SEV1..SEV4, sev2, P1..P4 and 1..4. */
export function parseSeverity(input: string, field = 'severity'): Severity {
  const s = String(input).trim().toUpperCase();
  if (isSeverity(s)) return s;
  const m = /^(?:P|SEV)?([1-4])$/.exec(s);
  if (m) return `SEV${m[1]}` as Severity;
  throw validation(`${field}: unknown severity "${input}" (expected one of ${SEVERITIES.join(', ')})`, field);
}

/** Merges per-severity overrides from config over the seed's defaults. */
export function buildSeverityPolicy(overrides: Partial<Record<Severity, Partial<Omit<SeverityLevel, 'id'>>>> = {}): SeverityPolicy {
  const out = {} as SeverityPolicy;
  for (const id of SEVERITIES) out[id] = { ...DEFAULT_SEVERITY_POLICY[id], ...(overrides[id] ?? {}), id };
  return out;
}

/** SEV1 is the most severe; returns negative when a is more severe than b. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}
