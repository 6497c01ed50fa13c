import { z } from 'zod';
import { durationMs, urlWith } from './schema-helpers.js';
import { SEVERITIES } from '../core/severity.js';
import { TEMPLATE_NAMES, checkTemplate } from '../core/communication.js';

/**
 * warroom.yaml keys of the coordination area (docs/coordination.md): contacts, channels,
 * templates, alerts, status_page and coordination. Kept apart from schema.ts so the shared file
 * only gains one line per key.
 */

const duration = durationMs;
const url = urlWith;
const httpUrl = url(['http:', 'https:'], 'https://hooks.example.com/warroom');
const slackChannel = z
  .string()
  .regex(/^[#@]?[A-Za-z0-9._-]{1,80}$|^[CGD][A-Z0-9]{6,}$/, 'expected a Slack channel such as #incidents or a channel id like C0123ABCD');

const personSchema = z
  .object({
    email: z
      .string()
      .regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address')
      .optional(),
    /** Slack member id (U…) so messages mention the person and notify them. */
    slack: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack member id such as U024BE7LH')
      .optional(),
    /** PagerDuty Events v2 routing key that pages this person directly (e.g. a manager's escalation service). */
    pagerduty_routing_key: z.string().min(1).optional(),
    phone: z.string().optional(),
  })
  .strict();

const rotationSchema = z
  .object({
    /** People in order; the first is on call from `start`. */
    members: z.array(z.string().min(1)).min(1),
    /** A hand-off instant (ISO 8601 UTC); hand-offs repeat every `every` from here. */
    start: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time such as 2026-01-05T09:00:00Z' }),
    /** Length of a shift, e.g. 1w or 12h (default 1w). */
    every: duration.optional(),
  })
  .strict();

const teamSchema = z
  .object({
    /** The on-call engineer (fixed), or use rotation. */
    oncall: z.string().min(1).optional(),
    rotation: rotationSchema.optional(),
    manager: z.string().min(1).optional(),
    /** Further levels after the manager, in order (e.g. head of engineering). */
    escalation: z.array(z.string().min(1)).optional(),
    /** The team's chat channel, mentioned in messages. */
    channel: z.string().optional(),
    /** PagerDuty routing key for the team's service (default channels.pagerduty.routing_key). */
    pagerduty_routing_key: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => t.oncall || t.rotation, { message: 'a team needs oncall or rotation' });

export const contactsSchema = z
  .object({
    /** The team paged when an incident names no service with an owning team. */
    default_team: z.string().min(1).optional(),
    teams: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'team names use letters, digits, . _ -'), teamSchema),
    people: z.record(z.string().min(1), personSchema).optional(),
  })
  .strict();

const slackSchema = z
  .object({
    /** Incoming webhook URL: one fixed channel chosen when the webhook was created. */
    webhook_url: httpUrl.optional(),
    /** Bot token for chat.postMessage (routes to the channels below). Preferred when set. */
    bot_token: z.string().min(1).optional(),
    /** Web API base (default https://slack.com/api); tests point it at a loopback receiver. */
    api_url: httpUrl.optional(),
    channels: z
      .object({
        incidents: slackChannel.optional(),
        incidents_low: slackChannel.optional(),
        engineering: slackChannel.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.webhook_url || s.bot_token, { message: 'slack needs webhook_url or bot_token' });

const pagerdutySchema = z
  .object({
    routing_key: z.string().min(1),
    /** Events API v2 endpoint (default https://events.pagerduty.com/v2/enqueue). */
    events_url: httpUrl.optional(),
    /** Who the events say they come from (default "warroom"). */
    source: z.string().optional(),
  })
  .strict();

const signedWebhookSchema = z
  .object({
    url: httpUrl,
    /** HMAC-SHA256 key; the signature header is documented in docs/coordination.md. */
    secret: z.string().min(16, 'use a secret of at least 16 characters'),
  })
  .strict();

const emailSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    /** TLS from the first byte (port 465); otherwise STARTTLS when offered. */
    secure: z.boolean().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    from: z.string().min(3),
    /** Who gets incident messages by email (pages go to the paged person's address too). */
    to: z.array(z.string().regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address')).optional(),
    /** Accept a self-signed certificate from the SMTP server. */
    insecure: z.boolean().optional(),
  })
  .strict();

export const channelsSchema = z
  .object({
    slack: slackSchema.optional(),
    pagerduty: pagerdutySchema.optional(),
    teams: z.object({ webhook_url: httpUrl }).strict().optional(),
    webhook: signedWebhookSchema.optional(),
    email: emailSchema.optional(),
    /** SEV4 tickets: a signed webhook to the ticket system's intake. */
    ticket: signedWebhookSchema.optional(),
  })
  .strict();

export const templatesSchema = z
  .object(
    Object.fromEntries(
      TEMPLATE_NAMES.map((n) => [
        n,
        z
          .string()
          .min(1)
          .superRefine((t, ctx) => {
            const problem = checkTemplate(n, t);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .optional(),
      ]),
    ) as Record<(typeof TEMPLATE_NAMES)[number], z.ZodOptional<z.ZodString>>,
  )
  .strict();

export const alertsSchema = z
  .object({
    /** Label whose value picks the severity (default "severity"). */
    severity_label: z.string().min(1).optional(),
    /** Label value → severity, e.g. { critical: SEV1, warning: SEV3 }. */
    severity_map: z.record(z.string(), z.enum(SEVERITIES)).optional(),
    /** Severity when the label is missing or unmapped (default SEV3). */
    default_severity: z.enum(SEVERITIES).optional(),
    /** Label naming the affected service (default "service"). */
    service_label: z.string().min(1).optional(),
  })
  .strict();

export const statusPageSchema = z
  .object({
    title: z.string().min(1).max(200).optional(),
    /** Components shown (default: every configured service). */
    components: z.array(z.string().min(1)).optional(),
    /** How many resolved incidents the page and feed keep showing (default 10). */
    history: z.number().int().min(0).max(200).optional(),
  })
  .strict();

export const coordinationSchema = z
  .object({
    /** How often the timer worker looks for due timers (default 250ms). */
    timer_tick: duration.optional(),
    /** How often an overdue-update reminder repeats (default: 5m, or the cadence when shorter). */
    overdue_repeat: duration.optional(),
    /** Outbox delivery: attempts before a message goes to the dead-letter list (default 12). */
    max_attempts: z.number().int().min(1).max(100).optional(),
    /** First retry delay (default 1s); doubles each attempt, with jitter. */
    retry_base: duration.optional(),
    /** Longest retry delay (default 5m). */
    retry_max: duration.optional(),
    /** Per-request timeout when sending (default 10s). */
    send_timeout: duration.optional(),
    /** How long a CLI command waits to deliver its messages before exiting (default 10s). */
    cli_wait: duration.optional(),
  })
  .strict();

/** Cross-key checks the schema cannot express: teams named by services, people named by teams. */
export function checkCoordinationConfig(cfg: {
  services?: Record<string, { team?: string }>;
  contacts?: z.infer<typeof contactsSchema>;
  channels?: z.infer<typeof channelsSchema>;
}): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const teams = cfg.contacts?.teams ?? {};
  const teamNames = Object.keys(teams);
  for (const [name, svc] of Object.entries(cfg.services ?? {})) {
    if (svc.team && cfg.contacts && !teams[svc.team])
      out.push({
        path: `services.${name}.team`,
        message: `unknown team "${svc.team}" (contacts.teams: ${teamNames.join(', ') || 'none'})`,
      });
  }
  if (cfg.contacts?.default_team && !teams[cfg.contacts.default_team])
    out.push({
      path: 'contacts.default_team',
      message: `unknown team "${cfg.contacts.default_team}" (contacts.teams: ${teamNames.join(', ') || 'none'})`,
    });
  const people = cfg.contacts?.people;
  if (people) {
    for (const [tn, t] of Object.entries(teams)) {
      const named: [string, string][] = [
        ['oncall', t.oncall ?? ''],
        ['manager', t.manager ?? ''],
        ...(t.rotation?.members ?? []).map((m, i) => [`rotation.members.${i}`, m] as [string, string]),
        ...(t.escalation ?? []).map((m, i) => [`escalation.${i}`, m] as [string, string]),
      ];
      for (const [k, person] of named) {
        if (person && !people[person])
          out.push({
            path: `contacts.teams.${tn}.${k}`,
            message: `"${person}" is not in contacts.people, so warroom cannot reach them by email, Slack mention or their own PagerDuty key`,
          });
      }
    }
  }
  const hasPdTarget =
    Object.values(teams).some((t) => t.pagerduty_routing_key) || Object.values(people ?? {}).some((p) => p.pagerduty_routing_key);
  if (hasPdTarget && !cfg.channels?.pagerduty)
    out.push({
      path: 'channels.pagerduty',
      message: 'routing keys are set in contacts but channels.pagerduty is not configured (add it with a default routing_key)',
    });
  return out;
}
