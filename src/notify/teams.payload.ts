import type { NotifyMessage } from './message.js';

/**
 * A Microsoft Teams incoming-webhook message carrying an Adaptive Card (the format both
 * Office 365 connectors and Workflows webhooks accept):
 * https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
 */
export interface TeamsPayload {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: Record<string, unknown> }[];
}

export function buildTeamsPayload(m: NotifyMessage): TeamsPayload {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: m.title,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      ...(m.severity === 'SEV1' || m.severity === 'SEV2' ? { color: 'Attention' } : {}),
    },
    // Adaptive Card TextBlocks render a Markdown subset; a blank line keeps the template's lines apart.
    { type: 'TextBlock', text: m.text.split('\n').join('\n\n'), wrap: true },
  ];
  if (m.facts.length) body.push({ type: 'FactSet', facts: m.facts.map(([title, value]) => ({ title, value })) });
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
  };
  if (m.url) content.actions = [{ type: 'Action.OpenUrl', title: 'Open in warroom', url: m.url }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}
