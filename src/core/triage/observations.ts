import type { Deploy } from '../deploy.js';

/**
 * What triage collected, in the shapes the fact builder reads. These are structural subsets
 * of what src/checks and src/logs return (the core imports nothing from them): a test can
 * build them from plain objects, and a new collector only has to produce these fields.
 */

export type ProbeState = 'up' | 'degraded' | 'down';

/** One probe of one service (an http, tcp, postgres, redis, tls, dns, disk or container check). */
export interface CheckObservation {
  service: string;
  kind: string;
  target: string;
  state: ProbeState;
  latencyMs: number;
  evidence: Record<string, unknown>;
  error?: string;
}

export interface ServiceObservation {
  service: string;
  state: ProbeState;
  checks: CheckObservation[];
}

/** The parts of a service's config the model reasons with. */
export interface ServiceSpec {
  depends_on?: string[];
  team?: string;
  postgres?: string;
  redis?: string;
  health?: unknown;
  logs?: unknown;
  container?: unknown;
  restart?: unknown;
}

export interface PgSessionObservation {
  pid: number;
  user: string | null;
  application: string | null;
  clientAddr?: string | null;
  state: string | null;
  waitEventType?: string | null;
  queryAgeS: number | null;
  xactAgeS: number | null;
  stateAgeS: number | null;
  query: string | null;
  /** The session's role is a superuser (warroom's kill-query then needs --force). */
  superuser?: boolean | null;
}

export interface LockNodeObservation extends PgSessionObservation {
  waitingFor: { mode: string; locktype: string; relation: string | null; waitS: number | null } | null;
  blocks: LockNodeObservation[];
}

export interface PgClientGroup {
  application: string | null;
  user: string | null;
  state: string | null;
  count: number;
  /** A few of the group's backend pids, oldest connection first. */
  pids?: number[];
  /** The group's role is a superuser. */
  superuser?: boolean;
}

export interface PostgresObservation {
  reachable: boolean;
  error?: string;
  facts: Record<string, unknown>;
  connectionsByClient: PgClientGroup[];
  idleInTransaction: PgSessionObservation[];
  longQueries: PgSessionObservation[];
  lockTree: LockNodeObservation[];
}

export interface RedisPrefixObservation {
  /** The key prefix up to and including its first separator ("feed:"), or the whole key. */
  prefix: string;
  keys: number;
  /** Sampled bytes (MEMORY USAGE) for the keys of this prefix in the sample. */
  bytes: number;
  /** Keys of the sample with a TTL. */
  withTtl: number;
}

export interface RedisObservation {
  reachable: boolean;
  error?: string;
  facts: Record<string, unknown>;
  slowlog: { at: string; durationUs: number; command: string; client: string | null; clientName: string | null }[];
  /** A bounded SCAN sample of the keyspace, by prefix, largest first. */
  prefixes?: RedisPrefixObservation[];
  sample?: { keys: number; bytes: number; withTtl: number; complete: boolean; skipped?: string };
  /** Connected clients grouped by name (or address), most connections first. */
  clients?: { name: string | null; addr: string | null; count: number }[];
}

/** One time slice of a service's logs (warroom's own probe requests left out). */
export interface LogWindow {
  since: string;
  until: string;
  lines: number;
  errors: number;
  /** Lines that carry no time (they fall into every slice). */
  undated?: number;
  endpoints: { endpoint: string; requests: number; errors: number; statuses: Record<string, number> }[];
  latency: { endpoint: string; count: number; p50: number; p95: number }[];
  signatures: { type: string; template: string; count: number; firstSeen: string | null; lastSeen: string | null; sample: string }[];
}

export interface LogObservation {
  available: boolean;
  reason?: string;
  /** The lines carry no time: the whole file is "now" when it was written in the current window, else "before". */
  undated?: boolean;
  /** The window before the current one, the current one ("now"), and around the latest deploy. */
  before: LogWindow | null;
  now: LogWindow | null;
  afterDeploy?: LogWindow | null;
  beforeDeploy?: LogWindow | null;
}

/** A recorded deploy or infra change as the model reads it (the analyser's ChangeRecord has the same fields). */
export type DeployObservation = Omit<Deploy, 'kind' | 'description'> & { kind: string };
