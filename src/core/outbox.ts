/**
 * The notification channels and the outbox's states: values the config, the CLI's `.choices()`,
 * the use cases and the API contract all name, so they live here, below every one of them.
 */
export const CHANNELS = ['slack', 'pagerduty', 'teams', 'webhook', 'email', 'ticket'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** pending: waiting for its (next) attempt; sent: delivered; dead: gave up, retried by hand (`warroom outbox retry`). */
export const OUTBOX_STATUSES = ['pending', 'sent', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
