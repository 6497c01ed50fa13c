/** Network and host faults (TLS, DNS, disk), and two independent faults at once. */
import { spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';
import { activity, longQuery } from '../faults.js';
import { probePort, trackMount, untrackMount } from '../stack.js';
import { MIX, mix } from '../traffic.js';
import type { Scenario } from '../types.js';

const DAY = 86_400_000;

export const certExpired: Scenario = {
  id: 'cert-expired',
  title: 'The edge endpoint serves a certificate that expired two days ago',
  seedStep: 'Network 2: SSL certificate expiry',
  rootCause: "edge's TLS certificate expired (notAfter two days ago); the app behind it is fine",
  names: { app: 'api', db: 'db', cache: 'cache' },
  async extraConfig(ctx) {
    const now = Date.now();
    const cert = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      notBeforeDate: new Date(now - 30 * DAY),
      notAfterDate: new Date(now - 2 * DAY),
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    const server: Server = createServer({ key: cert.private, cert: cert.cert }, (_q, r) => {
      r.setHeader('content-type', 'application/json');
      r.end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    ctx.onHeal(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    ctx.facts.tlsPort = (server.address() as { port: number }).port;
    return { services: { edge: { description: 'TLS edge in front of the api', tls: [`127.0.0.1:${String(ctx.facts.tlsPort)}`] } } };
  },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 1.5, rps: 4 });
  },
  inEffect(ctx) {
    return new Promise((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: ctx.facts.tlsPort as number, rejectUnauthorized: false }, () => {
        const validTo = Date.parse(s.getPeerCertificate().valid_to);
        s.destroy();
        resolve(validTo < Date.now() ? null : `the certificate is valid until ${new Date(validTo).toISOString()}`);
      });
      s.once('error', (e) => resolve(`TLS connect failed: ${e.message}`));
    });
  },
  expect: { rule: 'cert-expired', service: 'edge', action: /certificate|warroom health --service edge\b/i },
  notBlamed: [{ rule: 'service-not-listening', service: 'edge' }, { rule: 'service-unhealthy', service: 'api' }, { rule: 'cert-expiring' }],
  // Self-signed, so also untrusted: true, but the expiry is what broke it.
  tolerate: [{ rule: 'cert-untrusted', service: 'edge' }],
};

export const dnsFailure: Scenario = {
  id: 'dns-failure',
  title: 'The payment gateway host name does not resolve',
  seedStep: 'Network 1: DNS resolution',
  rootCause: 'payments-gateway.invalid has no DNS record (NXDOMAIN); the app itself is fine',
  names: { app: 'backend', db: 'pg', cache: 'redis' },
  extraConfig: () => ({ services: { payments: { description: 'external payment gateway', dns: ['payments-gateway.invalid'] } } }),
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.orders), { seconds: 1.5, rps: 4 });
  },
  async inEffect() {
    try {
      await lookup('payments-gateway.invalid');
      return 'payments-gateway.invalid resolves';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOTFOUND'
        ? null
        : `lookup failed with ${(e as NodeJS.ErrnoException).code}, not ENOTFOUND`;
    }
  },
  expect: {
    rule: 'dns-failure',
    service: 'payments',
    action: /payments-gateway\.invalid|resolver|warroom (health|diagnose network) .*payments/,
  },
  notBlamed: [{ rule: 'service-unhealthy', service: 'backend' }, { rule: 'error-rate-high' }],
};

export const diskFull: Scenario = {
  id: 'disk-nearly-full',
  title: 'The log spool volume (an 8 MiB tmpfs) is 97 % full of old log files',
  seedStep: 'PostgreSQL 5 / Network 4: disk space',
  rootCause: 'Old rotated logs fill the spool volume to ~97 %; clean-disk on it frees them',
  names: { app: 'web-api', db: 'database', cache: 'cache' },
  async extraConfig(ctx) {
    const mnt = join(ctx.dir, 'spool');
    mkdirSync(mnt, { recursive: true });
    // A real filesystem of its own, so "free space" is honest: mount a small tmpfs (root only).
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) throw new Error(`mount tmpfs failed (the disk scenario needs root and mount): ${m.stderr.trim()}`);
    trackMount(mnt);
    ctx.onHeal(() => {
      spawnSync('umount', [mnt]);
      untrackMount(mnt);
    });
    const old = new Date(Date.now() - 10 * DAY);
    const chunk = Buffer.alloc(256 * 1024, 'log line\n');
    for (let i = 0; i < 31; i++) {
      const f = join(mnt, `app.log.${i + 1}`);
      writeFileSync(f, chunk);
      utimesSync(f, old, old);
    }
    ctx.facts.mount = mnt;
    return { services: { host: { description: 'log spool volume', disk: [mnt] } }, remediation: { clean_disk: { allowed_paths: [mnt] } } };
  },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 1.5, rps: 4 });
  },
  async inEffect(ctx) {
    const s = await statfs(ctx.facts.mount as string);
    const freePct = (s.bavail / s.blocks) * 100;
    ctx.facts.freePct = Math.round(freePct * 10) / 10;
    return freePct < 10 ? null : `the spool volume has ${freePct.toFixed(1)} % free`;
  },
  expect: {
    rule: 'disk-full',
    service: 'host',
    action: (f) =>
      new RegExp(`warroom run clean-disk --path "?${String(f.mount).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"? --older-than \\S+`),
  },
  notBlamed: [{ rule: 'service-unhealthy' }, { rule: 'postgres-down' }],
};

export const redisDownPlusLongQuery: Scenario = {
  id: 'two-faults-redis-down-long-query',
  title: 'Two independent faults: Redis killed, and an ad-hoc analytics query running for minutes',
  rootCause: 'Redis is down (explains cart errors and readiness 503) and, independently, pid N runs a long query (explains nothing yet)',
  names: { app: 'backend', db: 'database', cache: 'sessions' },
  app: { readyCacheKey: 'sessions', readyDbKey: 'db' },
  async inject(ctx) {
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 1, rps: 4 });
    ctx.facts.pid = await longQuery(ctx, 'analytics-adhoc');
    await ctx.stack.redis.kill();
    await ctx.traffic(mix(MIX.browse, MIX.cart), { seconds: 4, rps: 4 });
  },
  async inEffect(ctx) {
    const s = await probePort(ctx.stack.redis.port);
    if (s !== 'refused') return `Redis port is ${s}, not refused`;
    const a = await activity(ctx.stack, ctx.facts.pid as number);
    return a && a.state === 'active' && a.age_s >= ctx.thresholds.long_query_s
      ? null
      : `long query pid ${String(ctx.facts.pid)}: ${a ? `${a.state} ${a.age_s.toFixed(1)} s` : 'gone'}`;
  },
  expect: { rule: 'redis-down', service: 'sessions', action: /warroom (health --service|diagnose redis) sessions\b/ },
  alsoExpect: [{ rule: 'long-running-query', service: 'database' }],
  notBlamed: [
    { rule: 'service-unhealthy', service: 'backend' },
    { rule: 'dependency-failing', service: 'backend' },
    { rule: 'error-spike-after-deploy' },
  ],
};
