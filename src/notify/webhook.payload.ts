import type { NotifyMessage } from './message.js';

/** The generic webhook body (also used for SEV4 tickets, with type "ticket"). Documented in docs/coordination.md. */
export interface WebhookPayload {
  /** The outbox idempotency key: receivers dedupe on it. */
  id: string;
  type: string;
  occurred_at: string;
  incident: { id: string; severity: string | null; url: string | null } | null;
  title: string;
  text: string;
  facts: Record<string, string>;
}

export function buildWebhookPayload(m: NotifyMessage, id: string, type = m.kind): WebhookPayload {
  return {
    id,
    type,
    occurred_at: m.at,
    incident: m.incidentId ? { id: m.incidentId, severity: m.severity, url: m.url } : null,
    title: m.title,
    text: m.text,
    facts: Object.fromEntries(m.facts),
  };
}

/** The string that is signed: "<unix seconds>.<raw body>", so a captured body cannot be replayed with a new timestamp. */
export function signatureBase(timestamp: number, body: string): string {
  return `${timestamp}.${body}`;
}
