import { z } from 'zod';
import { parseDuration } from '../core/time.js';
import { SEVERITIES } from '../core/severity.js';

/** A duration written as "2s", "15m", "1h" (or a number of milliseconds), parsed to ms. */
export const durationMs = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^duration: /, '') });
    return z.NEVER;
  }
});

const urlWith = (protocols: string[], example: string) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, { message: `expected a URL (${protocols.join(' or ')}//…), e.g. ${example}` });

export const httpUrl = urlWith(['http:', 'https:'], 'http://127.0.0.1:8000/health/ready');
export const postgresUrl = urlWith(['postgres:', 'postgresql:'], 'postgres://user@127.0.0.1:5432/app');
export const redisUrl = urlWith(['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0');
const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:5432');
const hostname = z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected a hostname, e.g. api.example.com (or host:port for tls)');
const oneOrMany = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.array(t)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);
const argv = z.array(z.string().min(1)).min(1, 'expected a command as an argument array, e.g. ["./deploy.sh", "--rollback"]');

export const healthProbe = z.union([
  httpUrl.transform((url) => ({ url })),
  z.object({
    url: httpUrl,
    /** Accepted status codes (default: any 2xx). */
    expect_status: z.array(z.number().int().min(100).max(599)).optional(),
    /** JSON conditions: dotted path → expected value, e.g. { status: ok, "checks.db": ok }. */
    expect_json: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Accept self-signed certificates (for internal endpoints only). */
    insecure: z.boolean().optional(),
  }).strict(),
]);

export const logSources = z.object({
  /** File paths or globs; rotated (.1, .2.gz) siblings are read in time order. */
  file: oneOrMany(z.string().min(1)).optional(),
  /** A Docker container name or id, read through the Engine API. */
  docker: z.string().min(1).optional(),
  /** A systemd unit read through journalctl. */
  journald: z.string().min(1).optional(),
  /** Any command that prints logs, as an argument array. */
  command: argv.optional(),
}).strict();

export const serviceSchema = z.object({
  description: z.string().optional(),
  health: healthProbe.optional(),
  postgres: postgresUrl.optional(),
  redis: redisUrl.optional(),
  tcp: oneOrMany(hostPort).optional(),
  dns: oneOrMany(hostname).optional(),
  tls: oneOrMany(hostname).optional(),
  disk: oneOrMany(z.string().min(1)).optional(),
  container: z.union([z.string().min(1).transform((name) => ({ name, socket: undefined as string | undefined })), z.object({ name: z.string().min(1), socket: z.string().optional() }).strict()]).optional(),
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
}).strict();

const severityOverride = z.object({
  impact: z.string().optional(),
  examples: z.array(z.string()).optional(),
  response_time: durationMs.optional(),
  update_cadence: durationMs.optional(),
  escalation: z.string().optional(),
  public_updates: z.boolean().optional(),
}).strict();

export const configSchema = z.object({
  /** Free-form name shown on the status page and in messages. */
  organization: z.string().optional(),
  server: z.object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    /** Base URL people use to reach the server, used in links (e.g. https://warroom.example.com). */
    public_url: httpUrl.optional(),
  }).strict().optional(),
  database: z.object({ url: postgresUrl.optional(), data_dir: z.string().optional() }).strict().optional(),
  severities: z.object(Object.fromEntries(SEVERITIES.map((s) => [s, severityOverride.optional()])) as Record<(typeof SEVERITIES)[number], z.ZodOptional<typeof severityOverride>>).strict().optional(),
  services: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'service names use letters, digits, . _ -'), serviceSchema).optional(),
  /** Extra secret patterns (regular expressions) to redact from everything warroom prints or stores. */
  redact: z.array(z.string()).optional(),
}).strict();

export type WarroomConfig = z.infer<typeof configSchema>;
export type ServiceConfig = z.infer<typeof serviceSchema>;
