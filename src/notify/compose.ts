import type { WarroomConfig } from '../config/schema.js';
import { buildIncidentView, renderTemplate, type TemplateName, type TemplateView } from '../core/communication.js';
import type { Incident } from '../core/incident.js';
import { redactWith } from '../core/redact.js';
import type { SeverityPolicy } from '../core/severity.js';
import type { NotifyMessage } from './message.js';

export function incidentUrl(config: WarroomConfig, id: string): string | null {
  const base = config.server?.public_url?.replace(/\/+$/, '');
  return base ? `${base}/incidents/${id}` : null;
}

export function templateView(
  config: WarroomConfig,
  policy: SeverityPolicy,
  inc: Incident,
  now: string,
  nextUpdateDueAt: string | null,
  extra: TemplateView = {},
): TemplateView {
  return {
    ...buildIncidentView(inc, policy, now, {
      nextUpdateDueAt,
      url: incidentUrl(config, inc.id),
      organization: config.organization ?? null,
    }),
    ...extra,
  };
}

/** Renders a template for an incident into a message; everything is redacted with the team's patterns too. */
export function composeMessage(
  config: WarroomConfig,
  kind: string,
  template: TemplateName,
  title: string,
  view: TemplateView,
  inc: Incident,
  now: string,
  o: { mentions?: string[]; facts?: [string, string][] } = {},
): NotifyMessage {
  const redact = redactWith(config.redact ?? []);
  return {
    kind,
    title: redact(title),
    text: redact(renderTemplate(template, view, config.templates ?? {})),
    severity: inc.severity,
    incidentId: inc.id,
    url: incidentUrl(config, inc.id),
    facts: (o.facts ?? []).map(([k, v]) => [k, redact(v)] as [string, string]),
    mentions: o.mentions ?? [],
    at: now,
  };
}
