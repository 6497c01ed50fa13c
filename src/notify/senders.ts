import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { WarroomConfig } from '../config/schema.js';
import { redactText } from '../core/redact.js';
import type { ChannelName } from '../core/outbox.js';
import { signatureBase } from './webhook.payload.js';
import type { EmailPayload } from './email.payload.js';

/**
 * The senders: each takes the stored payload (built earlier by a pure builder) and the
 * destination reference, adds the secrets from config at the last moment, and reports
 * whether a failure is worth retrying.
 */

export type SendResult = { ok: true } | { ok: false; permanent: boolean; error: string; retryAfterMs?: number };

export interface SendRequest {
  channel: ChannelName;
  target: string;
  payload: string;
  /** The outbox idempotency key, sent as a header so receivers can drop a redelivery. */
  key: string;
}

export interface SendOptions {
  timeoutMs: number;
  /** Unix seconds for webhook signatures (injectable for tests). */
  nowSeconds?: () => number;
}

export const SIGNATURE_HEADER = 'x-warroom-signature';
export const TIMESTAMP_HEADER = 'x-warroom-timestamp';
export const IDEMPOTENCY_HEADER = 'x-warroom-idempotency-key';

/** "v1=" + hex HMAC-SHA256(secret, "<timestamp>.<body>"). */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(signatureBase(timestamp, body)).digest('hex')}`;
}

const fail = (error: string, permanent = false, retryAfterMs?: number): SendResult => ({
  ok: false,
  permanent,
  error: redactText(error),
  retryAfterMs,
});

function retryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.min(s * 1000, 3600_000);
  const d = Date.parse(h);
  return Number.isNaN(d) ? undefined : Math.max(0, d - Date.now());
}

/** 4xx means the request itself is wrong (bad key, bad URL, bad payload): retrying cannot help, except these. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  o: SendOptions,
): Promise<{ status: number; text: string; headers: Headers } | SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'warroom', ...headers },
      signal: AbortSignal.timeout(o.timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    // Never echo the URL: webhook URLs are secrets.
    const why = err.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return fail(`request failed: ${why}`);
  }
  const text = await res.text().catch(() => '');
  return { status: res.status, text, headers: res.headers };
}

function httpFailure(name: string, r: { status: number; text: string; headers: Headers }): SendResult {
  const permanent = r.status >= 400 && r.status < 500 && !RETRYABLE_4XX.has(r.status);
  return fail(
    `${name} answered HTTP ${r.status}${r.text ? `: ${r.text.slice(0, 200)}` : ''}`,
    permanent,
    retryAfter(r.headers.get('retry-after')),
  );
}

/** Slack Web API errors that no retry will fix. */
const SLACK_PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'no_permission',
  'missing_scope',
  'invalid_blocks',
  'invalid_arguments',
  'is_archived',
  'msg_too_long',
  'no_text',
]);

export async function sendSlack(config: WarroomConfig, req: SendRequest, o: SendOptions): Promise<SendResult> {
  const s = config.channels?.slack;
  if (!s) return fail('channels.slack is not configured', true);
  const headers = { [IDEMPOTENCY_HEADER]: req.key };
  if (req.target !== 'webhook') {
    if (!s.bot_token) return fail('channels.slack.bot_token is not configured (needed to post to a named channel)', true);
    const base = (s.api_url ?? 'https://slack.com/api').replace(/\/+$/, '');
    const r = await post(`${base}/chat.postMessage`, req.payload, { ...headers, authorization: `Bearer ${s.bot_token}` }, o);
    if ('ok' in r) return r;
    if (r.status !== 200) return httpFailure('Slack chat.postMessage', r);
    let body: { ok?: boolean; error?: string };
    try {
      body = JSON.parse(r.text);
    } catch {
      return fail('Slack chat.postMessage answered with something that is not JSON');
    }
    if (body.ok) return { ok: true };
    return fail(
      `Slack chat.postMessage: ${body.error ?? 'unknown error'}`,
      SLACK_PERMANENT.has(body.error ?? ''),
      body.error === 'ratelimited' ? retryAfter(r.headers.get('retry-after')) : undefined,
    );
  }
  if (!s.webhook_url) return fail('channels.slack.webhook_url is not configured', true);
  // Incoming webhooks take no channel override: strip it if present.
  const payload = JSON.parse(req.payload) as Record<string, unknown>;
  delete payload.channel;
  const r = await post(s.webhook_url, JSON.stringify(payload), headers, o);
  if ('ok' in r) return r;
  return r.status === 200 ? { ok: true } : httpFailure('Slack webhook', r);
}

function pagerDutyKey(config: WarroomConfig, ref: string): string | undefined {
  if (ref.startsWith('person:')) return config.contacts?.people?.[ref.slice(7)]?.pagerduty_routing_key;
  if (ref.startsWith('team:')) return config.contacts?.teams[ref.slice(5)]?.pagerduty_routing_key;
  return config.channels?.pagerduty?.routing_key;
}

export async function sendPagerDuty(config: WarroomConfig, req: SendRequest, o: SendOptions): Promise<SendResult> {
  const pd = config.channels?.pagerduty;
  if (!pd) return fail('channels.pagerduty is not configured', true);
  const key = pagerDutyKey(config, req.target);
  if (!key) return fail(`no PagerDuty routing key for ${req.target} (it was removed from warroom.yaml?)`, true);
  const body = JSON.stringify({ routing_key: key, ...(JSON.parse(req.payload) as object) });
  const r = await post(pd.events_url ?? 'https://events.pagerduty.com/v2/enqueue', body, { [IDEMPOTENCY_HEADER]: req.key }, o);
  if ('ok' in r) return r;
  return r.status === 202 || r.status === 200 ? { ok: true } : httpFailure('PagerDuty', r);
}

export async function sendTeams(config: WarroomConfig, req: SendRequest, o: SendOptions): Promise<SendResult> {
  const t = config.channels?.teams;
  if (!t) return fail('channels.teams is not configured', true);
  const r = await post(t.webhook_url, req.payload, { [IDEMPOTENCY_HEADER]: req.key }, o);
  if ('ok' in r) return r;
  return r.status >= 200 && r.status < 300 ? { ok: true } : httpFailure('Teams webhook', r);
}

export async function sendSignedWebhook(config: WarroomConfig, req: SendRequest, o: SendOptions): Promise<SendResult> {
  const w = req.channel === 'ticket' ? config.channels?.ticket : config.channels?.webhook;
  if (!w) return fail(`channels.${req.channel} is not configured`, true);
  const ts = (o.nowSeconds ?? (() => Math.floor(Date.now() / 1000)))();
  const r = await post(
    w.url,
    req.payload,
    { [IDEMPOTENCY_HEADER]: req.key, [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signBody(w.secret, ts, req.payload) },
    o,
  );
  if ('ok' in r) return r;
  return r.status >= 200 && r.status < 300 ? { ok: true } : httpFailure(req.channel === 'ticket' ? 'ticket webhook' : 'webhook', r);
}

let mailer: { signature: string; transport: Transporter } | null = null;

export async function sendEmail(config: WarroomConfig, req: SendRequest, o: SendOptions): Promise<SendResult> {
  const e = config.channels?.email;
  if (!e) return fail('channels.email is not configured', true);
  const signature = JSON.stringify([e.host, e.port, e.secure, e.user, e.password, e.insecure]);
  if (mailer?.signature !== signature) {
    mailer?.transport.close();
    mailer = {
      signature,
      transport: nodemailer.createTransport({
        host: e.host,
        port: e.port ?? (e.secure ? 465 : 587),
        secure: e.secure ?? false,
        ...(e.user && { auth: { user: e.user, pass: e.password ?? '' } }),
        connectionTimeout: o.timeoutMs,
        greetingTimeout: o.timeoutMs,
        socketTimeout: o.timeoutMs,
        ...(e.insecure && { tls: { rejectUnauthorized: false } }),
      }),
    };
  }
  const p = JSON.parse(req.payload) as EmailPayload;
  try {
    await mailer.transport.sendMail({
      from: e.from,
      to: p.to,
      subject: p.subject,
      text: p.text,
      headers: { 'X-Warroom-Idempotency-Key': req.key },
    });
    return { ok: true };
  } catch (err) {
    const x = err as Error & { responseCode?: number; code?: string };
    // 5xx SMTP replies are permanent (bad address, auth refused); 4xx and network errors are not.
    const permanent = (typeof x.responseCode === 'number' && x.responseCode >= 500) || x.code === 'EAUTH';
    return fail(`SMTP: ${x.message}`, permanent);
  }
}

export function closeMailer(): void {
  mailer?.transport.close();
  mailer = null;
}

export async function sendOne(config: WarroomConfig, req: SendRequest, o: SendOptions): Promise<SendResult> {
  switch (req.channel) {
    case 'slack':
      return sendSlack(config, req, o);
    case 'pagerduty':
      return sendPagerDuty(config, req, o);
    case 'teams':
      return sendTeams(config, req, o);
    case 'webhook':
    case 'ticket':
      return sendSignedWebhook(config, req, o);
    case 'email':
      return sendEmail(config, req, o);
    default:
      return fail(`unknown channel ${String(req.channel)}`, true);
  }
}
