import { forbidden, validation } from '../core/errors.js';
import { hasRole, type AccessRole, type Actor } from '../core/actor.js';
import type { IncidentEvent } from '../core/incident-event.js';
import type { TimelineEntry } from '../core/incident.js';
import type { SeverityPolicy } from '../core/severity.js';
import type { WarroomConfig } from '../config/schema.js';
import type { Db, Store } from '../store/db.js';
import type { z } from 'zod';

// The domain types live in src/core; re-exported here because every use case imports its context from this file.
export { ACCESS_ROLES, hasRole, isAccessRole, type AccessRole, type Actor } from '../core/actor.js';
export type { IncidentEvent, IncidentEventType } from '../core/incident-event.js';

/**
 * Everything a use case needs. Use cases are fn(ctx, input): they check the role, validate,
 * open a transaction, apply the pure core, write, and report the event.
 */
export interface AppContext {
  actor: Actor;
  now(): Date;
  store: Store;
  config: WarroomConfig;
  policy: SeverityPolicy;
  /**
   * Runs inside the write transaction after an incident changed (declare, status, severity,
   * roles, ack, resolve, reopen, update). Durable side effects (the notification outbox,
   * timers) enqueue here so they commit or roll back with the change. Plain timeline entries
   * (notes, findings) do not call it: they are the hot path and send nothing.
   */
  onIncidentChange?: (trx: Db, event: IncidentEvent) => Promise<void>;
  /** Runs after commit: in-process fan-out such as SSE wake-ups. Must not throw. */
  afterCommit?: (event: IncidentEvent) => void;
  /**
   * Runs after a plain timeline entry (note, finding, action…) is appended. That is the hot
   * path, so no incident is loaded for it. Must not throw.
   */
  afterEntry?: (entry: TimelineEntry) => void;
}

export function requireRole(ctx: AppContext, min: AccessRole, what: string): void {
  if (!hasRole(ctx.actor, min)) throw forbidden(`${what} needs the ${min} role; ${ctx.actor.name} has ${ctx.actor.role}`);
}

export const nowIso = (ctx: AppContext) => ctx.now().toISOString();

/** Validates input with a zod schema; the first problem becomes a VALIDATION error naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys')
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (issue.path.length && valueAt(input, issue.path) === undefined) message = 'is required';
  throw validation(field ? `${field}: ${message}` : message, field || undefined, {
    issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let cur = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}
