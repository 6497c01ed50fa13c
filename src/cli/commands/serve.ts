import { z } from 'zod';
import { validation } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import { countActiveTokens, createToken } from '../../app/manage-tokens.js';
import { hasUsers } from '../../app/manage-users.js';
import { buildServer } from '../../server/build-server.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

// The port is checked once it is known: the option, $PORT or server.port in warroom.yaml.
const options = z.object({
  port: z.string().optional(),
  host: z.string().optional(),
  allowAgentRemediation: z.boolean().optional(),
});

export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const { config, policy, path } = rt.config();
  const portText = o.port ?? rt.io.env.PORT ?? String(config.server?.port ?? 7300);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw validation(`--port: "${portText}" is not a port number (0-65535)`, 'port');
  const host = o.host ?? config.server?.host ?? '127.0.0.1';
  const ctx = await rt.openContext();
  const { app, deps } = await buildServer({
    store: ctx.store,
    config,
    policy,
    allowAgentRemediation: !!o.allowAgentRemediation,
    logger: {
      level: rt.io.env.LOG_LEVEL ?? 'info',
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[REDACTED]' },
    },
  });
  // Signal handlers go in before the port opens: a SIGTERM that arrives as soon as /healthz
  // answers must still shut down gracefully rather than kill the process outright.
  const running: { reminders?: NodeJS.Timeout; coordination?: { stop(): Promise<void> } } = {};
  const stopped = new Promise<void>((resolve) => {
    let closing = false;
    const stop = async (signal: string) => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      await app.close().catch(() => {});
      clearInterval(running.reminders);
      await running.coordination?.stop().catch(() => {});
      resolve();
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
  await app.listen({ port, host });
  // Timers (update reminders, escalation) and outbox delivery run in every serve process; the
  // database decides which instance fires each timer and sends each message (docs/coordination.md).
  const { coordinationFor } = await import('../../runtime/server-coordination.js');
  const coord = coordinationFor(deps);
  coord.start(app.log);
  running.coordination = coord;
  // Overdue post-mortem reviews and action items remind the IC (at most once a day each, whatever
  // the number of instances: the reminder time is stored with the item).
  const { remindOverdue } = await import('../../app/remind-overdue.js');
  const remindCtx = deps.contextFor({ name: 'warroom', role: 'commander', via: 'system' });
  const remind = () => void remindOverdue(remindCtx).catch((e) => app.log.warn({ err: e }, 'post-mortem reminders failed'));
  running.reminders = setInterval(remind, 5 * 60_000);
  running.reminders.unref();
  setTimeout(remind, 10_000).unref();
  const addr = app.server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof addr === 'object' && addr ? addr.port : port}`;
  app.log.info(
    { url, store: ctx.store.dialect, location: redactText(ctx.store.location), config: path ?? '(none: zero set-up defaults)' },
    'warroom listening',
  );

  // First start with no credentials at all: mint one admin token so the owner can get in.
  if ((await countActiveTokens(deps.base)) === 0) {
    if (!(await hasUsers(ctx))) {
      const t = await createToken(
        { ...ctx, actor: { name: 'bootstrap', role: 'admin', via: 'system' } },
        { name: 'bootstrap-admin', role: 'admin' },
      );
      rt.io.err(
        `\nNo API tokens or users exist yet, so warroom created an admin token (shown once):\n\n  export WARROOM_URL=${url} WARROOM_TOKEN=${t.token}\n\nRevoke it with "warroom token revoke ${t.id}" once you have your own.\n`,
      );
    }
  }

  await stopped;
}
