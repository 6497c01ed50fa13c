import type { NotifyMessage } from './message.js';

export interface EmailPayload {
  to: string[];
  subject: string;
  text: string;
}

export function buildEmailPayload(m: NotifyMessage, to: string[]): EmailPayload {
  const subject = `[${[m.severity, m.incidentId].filter(Boolean).join(' ')}] ${m.title}`.replace(/[\r\n]+/g, ' ').slice(0, 250);
  const facts = m.facts.map(([k, v]) => `${k}: ${v}`).join('\n');
  const text = [m.text, facts, m.url ? `Open: ${m.url}` : ''].filter(Boolean).join('\n\n');
  return { to, subject, text };
}
