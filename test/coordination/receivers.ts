import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';

/** One request a receiver got, with the problems found against the provider's documented format. */
export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown>;
  problems: string[];
  at: number;
}

export type Behaviour = 'ok' | 'error500' | 'hang' | 'bad_request';

/**
 * A loopback HTTP receiver that answers like Slack, PagerDuty, Teams or a signed webhook, and
 * checks each request against that provider's documented payload format.
 */
export interface Receiver {
  url: string;
  received: Received[];
  /** Behaviour for the next requests (a function of the request count lets a test script outages). */
  behave: (fn: (n: number) => Behaviour) => void;
  close(): Promise<void>;
}

export type Flavour = 'slack-webhook' | 'slack-api' | 'pagerduty' | 'teams' | 'webhook';

export async function startReceiver(flavour: Flavour, opts: { secret?: string; token?: string } = {}): Promise<Receiver> {
  let behaviour: (n: number) => Behaviour = () => 'ok';
  let count = 0;
  const received: Received[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const n = count++;
      const b = behaviour(n);
      if (b === 'hang') {
        // Never answer: the sender's timeout must fire. Released when the receiver closes.
        hanging.add(() => res.destroy());
        return;
      }
      if (b === 'error500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      }
      if (b === 'bad_request') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      const problems: string[] = [];
      try {
        json = JSON.parse(body);
      } catch {
        problems.push('body is not JSON');
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
        problems.push(`content-type ${req.headers['content-type']}`);
      if (req.method !== 'POST') problems.push(`method ${req.method}`);
      problems.push(...check(flavour, req, body, json, opts));
      received.push({ path: req.url ?? '', headers: req.headers, body, json, problems, at: Date.now() });
      if (flavour === 'slack-api')
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, channel: 'C0123', ts: `${Date.now() / 1000}` }));
      else if (flavour === 'pagerduty')
        res
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: json.dedup_key }));
      else if (flavour === 'teams') res.writeHead(200, { 'content-type': 'text/plain' }).end('1');
      else if (flavour === 'slack-webhook') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    behave: (fn) => {
      behaviour = fn;
    },
    async close() {
      for (const h of hanging) h();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const PD_ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'];

function checkBlocks(blocks: unknown): string[] {
  const p: string[] = [];
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return ['blocks must be an array of 1..50'];
  for (const b of blocks as Record<string, unknown>[]) {
    const t = b.type;
    if (t === 'header') {
      const text = b.text as { type?: string; text?: string };
      if (text?.type !== 'plain_text' || !text.text || text.text.length > 150) p.push('header needs plain_text ≤ 150');
    } else if (t === 'section') {
      const text = b.text as { type?: string; text?: string } | undefined;
      if (text && (!['mrkdwn', 'plain_text'].includes(text.type ?? '') || !text.text || text.text.length > 3000))
        p.push('section text invalid');
      if (!text && !Array.isArray(b.fields)) p.push('section needs text or fields');
      if (Array.isArray(b.fields) && b.fields.length > 10) p.push('section has more than 10 fields');
    } else if (t === 'context') {
      if (!Array.isArray(b.elements) || !b.elements.length) p.push('context needs elements');
    } else p.push(`unexpected block type ${String(t)}`);
  }
  return p;
}

function check(
  flavour: Flavour,
  req: IncomingMessage,
  body: string,
  j: Record<string, unknown>,
  opts: { secret?: string; token?: string },
): string[] {
  const p: string[] = [];
  switch (flavour) {
    case 'slack-webhook':
      if (typeof j.text !== 'string' || !j.text) p.push('text missing');
      if ('channel' in j) p.push('incoming webhooks take no channel');
      p.push(...checkBlocks(j.blocks));
      break;
    case 'slack-api':
      if (req.url !== '/chat.postMessage') p.push(`path ${req.url}`);
      if (req.headers.authorization !== `Bearer ${opts.token}`) p.push('bad bearer token');
      if (typeof j.channel !== 'string' || !j.channel) p.push('channel missing');
      if (typeof j.text !== 'string') p.push('text missing');
      p.push(...checkBlocks(j.blocks));
      break;
    case 'pagerduty': {
      if (req.url !== '/v2/enqueue') p.push(`path ${req.url}`);
      if (typeof j.routing_key !== 'string' || !j.routing_key) p.push('routing_key missing');
      if (!PD_ACTIONS.includes(String(j.event_action))) p.push('event_action invalid');
      if (typeof j.dedup_key !== 'string' || !j.dedup_key || j.dedup_key.length > 255) p.push('dedup_key invalid');
      if (j.event_action === 'trigger') {
        const pl = j.payload as Record<string, unknown> | undefined;
        if (!pl) p.push('trigger needs payload');
        else {
          if (typeof pl.summary !== 'string' || !pl.summary || pl.summary.length > 1024) p.push('payload.summary invalid');
          if (typeof pl.source !== 'string' || !pl.source) p.push('payload.source missing');
          if (!PD_SEVERITIES.includes(String(pl.severity))) p.push('payload.severity invalid');
          if (pl.timestamp !== undefined && Number.isNaN(Date.parse(String(pl.timestamp)))) p.push('payload.timestamp invalid');
        }
      }
      break;
    }
    case 'teams': {
      if (j.type !== 'message') p.push('type must be "message"');
      const a = (j.attachments as Record<string, unknown>[] | undefined)?.[0];
      if (!a || a.contentType !== 'application/vnd.microsoft.card.adaptive') p.push('attachment must be an adaptive card');
      const c = a?.content as Record<string, unknown> | undefined;
      if (c?.type !== 'AdaptiveCard' || typeof c?.version !== 'string' || !Array.isArray(c?.body)) p.push('card needs type, version, body');
      break;
    }
    case 'webhook': {
      const ts = Number(req.headers['x-warroom-timestamp']);
      const sig = String(req.headers['x-warroom-signature'] ?? '');
      if (!Number.isInteger(ts)) p.push('timestamp header missing');
      const expected = `v1=${createHmac('sha256', opts.secret ?? '')
        .update(`${ts}.${body}`)
        .digest('hex')}`;
      if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) p.push('signature does not verify');
      if (Math.abs(Date.now() / 1000 - ts) > 300) p.push('timestamp too old');
      if (typeof j.id !== 'string' || typeof j.type !== 'string' || typeof j.text !== 'string') p.push('webhook body needs id, type, text');
      if (req.headers['x-warroom-idempotency-key'] !== j.id) p.push('idempotency header differs from body id');
      break;
    }
  }
  return p;
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on loopback that keeps what it receives. */
export async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
