import { z } from 'zod';
import { durationMs, urlWith } from './schema-helpers.js';
import { SEVERITIES } from '../core/severity.js';
import { triageConfigSchema } from '../core/triage/rules.js';
import {
  alertsSchema,
  channelsSchema,
  contactsSchema,
  coordinationSchema,
  statusPageSchema,
  templatesSchema,
} from './coordination-schema.js';

export { durationMs };

export const httpUrl = urlWith(['http:', 'https:'], 'http://127.0.0.1:8000/health/ready');
export const postgresUrl = urlWith(['postgres:', 'postgresql:'], 'postgres://user@127.0.0.1:5432/app');
export const redisUrl = urlWith(['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0');
const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:5432');
const hostname = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected a hostname, e.g. api.example.com (or host:port for tls)');
const oneOrMany = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.array(t)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);
const argv = z.array(z.string().min(1)).min(1, 'expected a command as an argument array, e.g. ["./deploy.sh", "--rollback"]');

export const healthProbe = z.union([
  httpUrl.transform((url) => ({ url })),
  z
    .object({
      url: httpUrl,
      /** Accepted status codes (default: any 2xx). */
      expect_status: z.array(z.number().int().min(100).max(599)).optional(),
      /** JSON conditions: dotted path → expected value, e.g. { status: ok, "checks.db": ok }. */
      expect_json: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      /** Accept self-signed certificates (for internal endpoints only). */
      insecure: z.boolean().optional(),
    })
    .strict(),
]);

export const logSources = z
  .object({
    /** File paths or globs; rotated (.1, .2.gz) siblings are read in time order. */
    file: oneOrMany(z.string().min(1)).optional(),
    /** A Docker container name or id, read through the Engine API. */
    docker: z.string().min(1).optional(),
    /** A systemd unit read through journalctl. */
    journald: z.string().min(1).optional(),
    /** Any command that prints logs, as an argument array. */
    command: argv.optional(),
  })
  .strict();

export const serviceSchema = z
  .object({
    description: z.string().optional(),
    health: healthProbe.optional(),
    postgres: postgresUrl.optional(),
    redis: redisUrl.optional(),
    tcp: oneOrMany(hostPort).optional(),
    dns: oneOrMany(hostname).optional(),
    tls: oneOrMany(hostname).optional(),
    disk: oneOrMany(z.string().min(1)).optional(),
    container: z
      .union([
        z
          .string()
          .min(1)
          .transform((name) => ({ name, socket: undefined as string | undefined })),
        z.object({ name: z.string().min(1), socket: z.string().optional() }).strict(),
      ])
      .optional(),
    logs: logSources.optional(),
    depends_on: z.array(z.string().min(1)).optional(),
    /** Per-check timeout for this service's probes (default 2s). */
    timeout: durationMs.optional(),
    /** Rollback command; {version} and {service} are replaced. */
    rollback: argv.optional(),
    /** Restart command, used when the service has no container. */
    restart: argv.optional(),
    /** Team that owns the service (a key of contacts.teams). */
    team: z.string().optional(),
  })
  .strict();

/** Names of the built-in remediation actions; a runbook may not reuse one. */
export const BUILTIN_ACTIONS = ['rollback', 'restart', 'kill-query', 'flush-keys', 'clean-disk'] as const;

/** One runbook step: a command as an argument array (never a shell string) or an HTTP call. */
export const runbookStepSchema = z
  .object({
    name: z.string().min(1).max(200),
    /** Command and arguments; {param} placeholders are replaced by --set values, each as one argument. */
    run: z
      .array(z.string().min(1), {
        error: 'expected an argument array, e.g. ["./scripts/drain.sh", "--queue", "{queue}"]; warroom never runs a shell string',
      })
      .min(1, 'expected at least the program name')
      .optional(),
    http: z
      .object({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
        url: httpUrl,
        headers: z.record(z.string(), z.string()).optional(),
        body: z.string().optional(),
        /** Accepted status codes (default: any 2xx). */
        expect_status: z.array(z.number().int().min(100).max(599)).optional(),
      })
      .strict()
      .optional(),
    /** This step's time limit (default remediation.command_timeout). */
    timeout: durationMs.optional(),
    /** Extra environment for a run step (added to warroom's own environment). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment names use letters, digits and _'), z.string()).optional(),
    /** Working directory for a run step (default: the directory warroom runs in). */
    cwd: z.string().min(1).optional(),
    /** Keep going when this step fails (default false: the runbook stops at the first failure). */
    continue_on_error: z.boolean().optional(),
  })
  .strict()
  .refine((s) => (s.run ? 1 : 0) + (s.http ? 1 : 0) === 1, { message: 'a step needs exactly one of "run" (argument array) or "http"' });

export const runbookSchema = z
  .object({
    description: z.string().optional(),
    /** Minimum access role to run it (default commander). */
    role: z.enum(['responder', 'commander', 'admin']).default('commander'),
    /** Parameter names accepted with --set name=value and used as {name} in steps. */
    params: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'parameter names use letters, digits and _')).optional(),
    steps: z.array(runbookStepSchema).min(1, 'a runbook needs at least one step'),
  })
  .strict();

export const remediationSchema = z
  .object({
    /** Time limit for rollback and restart commands (default 10m). */
    command_timeout: durationMs.optional(),
    /** How long to wait for a service's health check to pass after rollback or restart (default 2m). */
    health_timeout: durationMs.optional(),
    /** Grace between SIGTERM and SIGKILL when a command is stopped (default 5s). */
    kill_grace: durationMs.optional(),
    clean_disk: z
      .object({
        /** Directories clean-disk may remove files under; nothing outside them is ever touched. */
        allowed_paths: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .optional(),
    flush_keys: z
      .object({
        /** Largest share of all keys (0..1) a pattern may match without --force (default 0.5). */
        max_share: z.number().min(0).max(1).optional(),
        /** Keys per UNLINK call (default 500). */
        batch_size: z.number().int().min(1).max(10_000).optional(),
      })
      .strict()
      .optional(),
    kill_query: z
      .object({
        /** How long to wait after pg_cancel_backend before escalating to pg_terminate_backend (default 5s). */
        cancel_wait: durationMs.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const severityOverride = z
  .object({
    impact: z.string().optional(),
    examples: z.array(z.string()).optional(),
    response_time: durationMs.optional(),
    update_cadence: durationMs.optional(),
    escalation: z.string().optional(),
    public_updates: z.boolean().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Free-form name shown on the status page and in messages. */
    organization: z.string().optional(),
    server: z
      .object({
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().optional(),
        /** Base URL people use to reach the server, used in links (e.g. https://warroom.example.com). */
        public_url: httpUrl.optional(),
      })
      .strict()
      .optional(),
    database: z.object({ url: postgresUrl.optional(), data_dir: z.string().optional() }).strict().optional(),
    severities: z
      .object(
        Object.fromEntries(SEVERITIES.map((s) => [s, severityOverride.optional()])) as Record<
          (typeof SEVERITIES)[number],
          z.ZodOptional<typeof severityOverride>
        >,
      )
      .strict()
      .optional(),
    services: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'service names use letters, digits, . _ -'), serviceSchema).optional(),
    /** Extra secret patterns (regular expressions) to redact from everything warroom prints or stores. */
    redact: z.array(z.string()).optional(),
    /** Triage: recent-change window, thresholds, team rules (docs/triage.md). */
    triage: triageConfigSchema
      .extend({ window: durationMs.optional(), current_window: durationMs.optional(), probe_timeout: durationMs.optional() })
      .optional(),
    /** Coordination (docs/coordination.md): who is paged, where messages go, their texts, alert intake, status page, timers. */
    contacts: contactsSchema.optional(),
    channels: channelsSchema.optional(),
    templates: templatesSchema.optional(),
    alerts: alertsSchema.optional(),
    status_page: statusPageSchema.optional(),
    coordination: coordinationSchema.optional(),
    /** Post-mortems (docs/postmortem.md): templates and review deadlines. Publishing posts on the coordination route post_incident. */
    postmortem: z
      .object({
        /** Markdown (Mustache) template for SEV1/SEV2 reviews; relative paths are read from the config file's folder. */
        template: z.string().min(1).optional(),
        /** Template for the lightweight (SEV3) review. */
        lightweight_template: z.string().min(1).optional(),
        /** Review deadline after resolution for a full (SEV1/SEV2) post-mortem (default 48h, the seed's rule). */
        due_after: durationMs.optional(),
        /** Deadline for a lightweight (SEV3) review; none unless set. */
        lightweight_due_after: durationMs.optional(),
        /** Slack channel for the published summary when a bot token is configured (default: the post_incident route, #engineering). */
        channel: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** GET /metrics (Prometheus): a viewer token is required unless public is true. */
    metrics: z
      .object({
        public: z.boolean().optional(),
        /** Window for the windowed gauges (default 90d). */
        window: durationMs.optional(),
      })
      .strict()
      .optional(),
    /** Limits and safety settings for the remediation actions (warroom run). */
    remediation: remediationSchema.optional(),
    /** Team runbooks: named actions with steps, run with "warroom run NAME". */
    runbooks: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'runbook names use letters, digits, . _ -'), runbookSchema)
      .superRefine((books, ctx) => {
        for (const name of Object.keys(books)) {
          if ((BUILTIN_ACTIONS as readonly string[]).includes(name))
            ctx.addIssue({ code: 'custom', path: [name], message: 'this name is a built-in action; choose another' });
        }
      })
      .optional(),
  })
  .strict();

export type WarroomConfig = z.infer<typeof configSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type RunbookConfig = z.infer<typeof runbookSchema>;
export type RunbookStepConfig = z.infer<typeof runbookStepSchema>;
export type RemediationConfig = z.infer<typeof remediationSchema>;
