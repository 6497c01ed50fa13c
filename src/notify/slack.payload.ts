import type { NotifyMessage } from './message.js';

/** Slack mrkdwn needs only &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export interface SlackBlock {
  type: string;
  [k: string]: unknown;
}

export interface SlackPayload {
  /** Fallback for notifications and clients without Block Kit. */
  text: string;
  blocks: SlackBlock[];
  /** Only for chat.postMessage. */
  channel?: string;
  unfurl_links?: boolean;
}

/**
 * Block Kit for both an incoming webhook and chat.postMessage: a header (plain_text, 150
 * chars max), the message as a mrkdwn section (3000 chars max), facts as fields (10 max) and
 * a context line with the incident link.
 */
export function buildSlackPayload(m: NotifyMessage, channel?: string): SlackPayload {
  const mention = m.mentions.map((u) => `<@${u}>`).join(' ');
  const body = `${mention ? `${mention}\n` : ''}${escapeSlack(m.text)}`;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(m.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(body, 3000) } },
  ];
  if (m.facts.length) {
    blocks.push({
      type: 'section',
      fields: m.facts.slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${escapeSlack(k)}*\n${escapeSlack(v)}`, 2000) })),
    });
  }
  const ctx = [m.incidentId, m.severity, m.url ? `<${m.url}|open in warroom>` : null].filter(Boolean).join(' · ');
  if (ctx) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ctx }] });
  const text = clip(`${mention ? `${mention} ` : ''}${escapeSlack(m.title)}`, 3000);
  return channel ? { channel, text, blocks, unfurl_links: false } : { text, blocks };
}
