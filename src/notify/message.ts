import type { Severity } from '../core/severity.js';

/** One thing to say, before it is shaped for a channel. Plain text; builders escape for their format. */
export interface NotifyMessage {
  /** What it is: declared, update, reminder_due, reminder_overdue, escalation, resolved, … */
  kind: string;
  /** One line. */
  title: string;
  /** The rendered template (plain text, already redacted). */
  text: string;
  severity: Severity | null;
  incidentId: string | null;
  /** Link to the incident in warroom, when server.public_url is set. */
  url: string | null;
  /** Label/value facts shown as fields where the channel supports them. */
  facts: [string, string][];
  /** Slack member ids to mention (the people who must act). */
  mentions: string[];
  /** ISO time the event happened. */
  at: string;
}
