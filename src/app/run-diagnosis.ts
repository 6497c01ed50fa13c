import type { ServiceConfig } from '../config/schema.js';
import { notFound, validation } from '../core/errors.js';
import { checkContainer } from '../checks/container.js';
import { checkDisk } from '../checks/disk.js';
import { checkDns } from '../checks/dns.js';
import { checkHttp } from '../checks/http.js';
import { checkTcp } from '../checks/tcp.js';
import { checkTls } from '../checks/tls.js';
import { diagnosePostgres, type PostgresDiagnosis } from '../checks/diagnose-postgres.js';
import { diagnoseRedis, type RedisDiagnosis } from '../checks/diagnose-redis.js';
import { postgresUrl, redisUrl } from '../config/schema.js';
import { worstState, type CheckResult, type CheckState } from '../checks/types.js';
import { analyzeServiceLogs, type ServiceLogSummary } from '../checks/service-logs.js';
import { requireRole, type AppContext } from './context.js';
import { listDeploys } from './record-deploy.js';
import { healthThresholdsOf, thresholdsOf } from './run-health.js';

export interface DiagnoseTarget {
  /** A configured service. */
  service?: string;
  /** Or a URL given directly (no config needed). */
  url?: string;
  timeoutMs?: number;
}

/** Picks the URL of `kind` from the flag, the named service, or the only service that has one. */
function pickUrl(ctx: AppContext, kind: 'postgres' | 'redis', t: DiagnoseTarget): { service: string | null; url: string } {
  if (t.url) {
    const r = (kind === 'postgres' ? postgresUrl : redisUrl).safeParse(t.url);
    if (!r.success) throw validation(`--url: ${r.error.issues[0].message}`, 'url');
    return { service: t.service ?? null, url: t.url };
  }
  const services = ctx.config.services ?? {};
  if (t.service) {
    const svc = services[t.service];
    if (!svc) throw notFound(`no service "${t.service}" in warroom.yaml (known: ${Object.keys(services).join(', ') || 'none'})`);
    if (!svc[kind])
      throw validation(
        `service "${t.service}" has no ${kind} URL in warroom.yaml (add services.${t.service}.${kind}, or pass --url)`,
        'service',
      );
    return { service: t.service, url: svc[kind]! };
  }
  const withKind = Object.entries(services).filter(([, s]) => s[kind]);
  if (withKind.length === 1) return { service: withKind[0][0], url: withKind[0][1][kind]! };
  if (!withKind.length)
    throw validation(
      `no service in warroom.yaml has a ${kind} URL: pass --url ${kind === 'postgres' ? 'postgres://user@host:5432/db' : 'redis://host:6379/0'}`,
      'url',
    );
  throw validation(`several services have a ${kind} URL (${withKind.map(([n]) => n).join(', ')}): choose one with --service`, 'service');
}

export async function runPostgresDiagnosis(
  ctx: AppContext,
  t: DiagnoseTarget & { longQueryMs?: number; idleInTransactionMs?: number },
): Promise<PostgresDiagnosis & { service: string | null }> {
  requireRole(ctx, 'viewer', 'diagnosing PostgreSQL');
  const { service, url } = pickUrl(ctx, 'postgres', t);
  const th = thresholdsOf(ctx.config);
  const d = await diagnosePostgres(url, {
    timeoutMs: t.timeoutMs,
    longQueryMs: t.longQueryMs ?? th.long_query_s * 1000,
    idleInTransactionMs: t.idleInTransactionMs,
  });
  return { service, ...d };
}

export async function runRedisDiagnosis(ctx: AppContext, t: DiagnoseTarget): Promise<RedisDiagnosis & { service: string | null }> {
  requireRole(ctx, 'viewer', 'diagnosing Redis');
  const { service, url } = pickUrl(ctx, 'redis', t);
  return { service, ...(await diagnoseRedis(url, { timeoutMs: t.timeoutMs })) };
}

export interface AppDiagnosis {
  kind: 'app';
  service: string;
  target: string | null;
  state: CheckState;
  facts: {
    http_status?: number | null;
    latency_ms?: number;
    readiness_status?: string | null;
    failing_dependencies?: string[];
    container_status?: string | null;
    container_health?: string | null;
    restart_count?: number;
    oom_killed?: boolean;
    logs_error_rate_pct?: number | null;
  };
  /** The /health/ready payload as the app returned it (secrets redacted). */
  payload: unknown;
  checks: CheckResult[];
  logs: ServiceLogSummary | null;
  summary: string[];
  durationMs: number;
}

/** The seed's "Application Errors" steps: the readiness payload, the container, the error rate from logs. */
export async function runAppDiagnosis(ctx: AppContext, t: DiagnoseTarget & { since?: string }): Promise<AppDiagnosis> {
  requireRole(ctx, 'viewer', 'diagnosing an app');
  const t0 = performance.now();
  const services = ctx.config.services ?? {};
  let name: string;
  let svc: ServiceConfig;
  if (t.url) {
    const r = checkUrl(t.url);
    name = t.service ?? r.host;
    svc = { ...(t.service ? services[t.service] : {}), health: { url: t.url } };
  } else {
    const withHealth = Object.entries(services).filter(([, s]) => s.health || s.container);
    if (t.service) {
      if (!services[t.service])
        throw notFound(`no service "${t.service}" in warroom.yaml (known: ${Object.keys(services).join(', ') || 'none'})`);
      name = t.service;
    } else if (withHealth.length === 1) {
      name = withHealth[0][0];
    } else {
      throw validation(
        withHealth.length
          ? `choose a service: ${withHealth.map(([n]) => n).join(', ')} (diagnose app SERVICE)`
          : 'no service with a health URL or container in warroom.yaml: pass --url http://host/health/ready',
        'service',
      );
    }
    svc = services[name];
  }
  const timeoutMs = t.timeoutMs ?? svc.timeout ?? 5000;
  const [http, container, logs] = await Promise.all([
    svc.health ? checkHttp(name, svc.health, { timeoutMs }) : null,
    svc.container ? checkContainer(name, svc.container, { timeoutMs }) : null,
    svc.logs
      ? analyzeServiceLogs(name, svc, {
          since: t.since ?? '15m',
          now: ctx.now(),
          redact: ctx.config.redact,
          timeoutMs: Math.max(timeoutMs * 2, 5000),
          deploys: await listDeploys(ctx, { service: name, limit: 50 }),
        })
      : null,
  ]);
  const checks = [http, container].filter((c): c is CheckResult => !!c);
  const ev = (c: CheckResult | null) => (c?.evidence ?? {}) as Record<string, unknown>;
  const readiness = ev(http).readiness as { status: string | null; dependencies: Record<string, string> } | undefined;
  const d: AppDiagnosis = {
    kind: 'app',
    service: name,
    target: http?.target ?? container?.target ?? null,
    state: checks.length ? worstState(checks.map((c) => c.state)) : 'degraded',
    facts: {
      http_status: (ev(http).status as number | undefined) ?? null,
      latency_ms: http?.latencyMs,
      readiness_status: readiness?.status ?? null,
      failing_dependencies: (ev(http).failingDependencies as string[] | undefined) ?? [],
      container_status: (ev(container).status as string | undefined) ?? null,
      container_health: (ev(container).health as string | undefined) ?? null,
      restart_count: ev(container).restartCount as number | undefined,
      oom_killed: ev(container).oomKilled as boolean | undefined,
      logs_error_rate_pct: logs?.available ? logs.errorRatePct : null,
    },
    payload: ev(http).body ?? null,
    checks,
    logs,
    summary: [],
    durationMs: 0,
  };
  const s = d.summary;
  if (http)
    s.push(
      http.state === 'up'
        ? `${http.target} answered ${d.facts.http_status} in ${http.latencyMs} ms${readiness?.status ? ` (status ${readiness.status})` : ''}`
        : `${http.target}: ${http.error}`,
    );
  if (readiness && Object.keys(readiness.dependencies).length)
    s.push(
      `dependencies: ${Object.entries(readiness.dependencies)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  if (container)
    s.push(
      container.state === 'up'
        ? `container ${container.target} ${d.facts.container_status}${d.facts.container_health ? ` (${d.facts.container_health})` : ''}, ${d.facts.restart_count} restart(s)`
        : `container ${container.target}: ${container.error}`,
    );
  else s.push('no container configured: process status not checked (add services.NAME.container)');
  if (logs) s.push(...logs.summary);
  else s.push('no logs configured for this service (add services.NAME.logs) — error rate not measured');
  if (!checks.length) s.push('nothing to probe: add a health URL or container');
  d.durationMs = Math.round(performance.now() - t0);
  return d;
}

function checkUrl(u: string): URL {
  try {
    const url = new URL(u);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    /* fall through */
  }
  throw validation(`--url: expected an http(s) URL, e.g. http://127.0.0.1:8000/health/ready, got "${u}"`, 'url');
}

export interface NetworkDiagnosis {
  kind: 'network';
  state: CheckState;
  facts: { dns_failures: number; tls_min_days_left: number | null; unreachable: number; disk_min_free_pct: number | null };
  dns: CheckResult[];
  tls: CheckResult[];
  reachability: CheckResult[];
  disk: CheckResult[];
  summary: string[];
  durationMs: number;
}

/** Hosts and ports a service talks to, derived from every URL in its config. */
function endpointsOf(svc: ServiceConfig): { hosts: string[]; tls: string[]; tcp: string[] } {
  const hosts = new Set<string>(svc.dns ?? []);
  const tls = new Set<string>(svc.tls ?? []);
  const tcp = new Set<string>(svc.tcp ?? []);
  const fromUrl = (u: string | undefined, defaultPort: number) => {
    if (!u) return;
    try {
      const url = new URL(u);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!host) return;
      hosts.add(host);
      const port = url.port || String(url.protocol === 'https:' ? 443 : defaultPort);
      tcp.add(`${host.includes(':') ? `[${host}]` : host}:${port}`);
      if (url.protocol === 'https:' || url.protocol === 'rediss:') tls.add(`${host}:${port}`);
    } catch {
      /* config validation already rejected malformed URLs */
    }
  };
  fromUrl(svc.health?.url, 80);
  fromUrl(svc.postgres, 5432);
  fromUrl(svc.redis, 6379);
  for (const t of svc.tls ?? []) hosts.add(t.replace(/:\d+$/, ''));
  for (const t of svc.tcp ?? []) hosts.add(t.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
  return { hosts: [...hosts], tls: [...tls], tcp: [...tcp] };
}

const isIpLiteral = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');

/** The seed's "Network and Infrastructure" steps: DNS, TLS expiry, reachability, disk. */
export async function runNetworkDiagnosis(
  ctx: AppContext,
  t: { services?: string[]; hosts?: string[]; disks?: string[]; timeoutMs?: number },
): Promise<NetworkDiagnosis> {
  requireRole(ctx, 'viewer', 'diagnosing the network');
  const t0 = performance.now();
  const services = ctx.config.services ?? {};
  for (const n of t.services ?? [])
    if (!services[n]) throw notFound(`no service "${n}" in warroom.yaml (known: ${Object.keys(services).join(', ') || 'none'})`);
  const chosen = t.services?.length ? t.services : t.hosts?.length || t.disks?.length ? [] : Object.keys(services);
  const jobs = {
    dns: [] as Promise<CheckResult>[],
    tls: [] as Promise<CheckResult>[],
    tcp: [] as Promise<CheckResult>[],
    disk: [] as Promise<CheckResult>[],
  };
  const seen = new Set<string>();
  const once = (k: string) => (seen.has(k) ? false : (seen.add(k), true));
  const timeoutMs = t.timeoutMs ?? 3000;
  const th = healthThresholdsOf(thresholdsOf(ctx.config));
  const add = (name: string, e: { hosts: string[]; tls: string[]; tcp: string[] }, disks: string[]) => {
    for (const h of e.hosts) if (!isIpLiteral(h) && once(`dns ${h}`)) jobs.dns.push(checkDns(name, h, { timeoutMs }));
    for (const h of e.tls) if (once(`tls ${h}`)) jobs.tls.push(checkTls(name, h, { timeoutMs, warnDays: th.tlsWarnDays }));
    for (const h of e.tcp) if (once(`tcp ${h}`)) jobs.tcp.push(checkTcp(name, h, { timeoutMs }));
    for (const p of disks)
      if (once(`disk ${p}`))
        jobs.disk.push(checkDisk(name, p, { timeoutMs, warnFreePct: th.diskWarnFreePct, criticalFreePct: th.diskCriticalFreePct }));
  };
  for (const n of chosen) add(n, endpointsOf(services[n]), services[n].disk ?? []);
  for (const h of t.hosts ?? []) {
    const hasPort = /:\d+$/.test(h);
    const host = h.replace(/:\d+$/, '');
    add(h, { hosts: isIpLiteral(host) ? [] : [host], tls: [hasPort ? h : `${host}:443`], tcp: [hasPort ? h : `${host}:443`] }, []);
  }
  if (t.disks?.length) add('disk', { hosts: [], tls: [], tcp: [] }, t.disks);
  else if (!seen.size || [...seen].every((k) => !k.startsWith('disk '))) add('host', { hosts: [], tls: [], tcp: [] }, ['/']);
  const [dns, tls, reach, disk] = await Promise.all([
    Promise.all(jobs.dns),
    Promise.all(jobs.tls),
    Promise.all(jobs.tcp),
    Promise.all(jobs.disk),
  ]);
  const all = [...dns, ...tls, ...reach, ...disk];
  const days = tls.map((c) => c.evidence.daysLeft).filter((x): x is number => typeof x === 'number');
  const free = disk.map((c) => c.evidence.freePct).filter((x): x is number => typeof x === 'number');
  const d: NetworkDiagnosis = {
    kind: 'network',
    state: all.length ? worstState(all.map((c) => c.state)) : 'up',
    facts: {
      dns_failures: dns.filter((c) => c.state === 'down').length,
      tls_min_days_left: days.length ? Math.min(...days) : null,
      unreachable: reach.filter((c) => c.state === 'down').length,
      disk_min_free_pct: free.length ? Math.min(...free) : null,
    },
    dns,
    tls,
    reachability: reach,
    disk,
    summary: [],
    durationMs: 0,
  };
  const line = (c: CheckResult, ok: string) =>
    `${c.state === 'up' ? 'ok  ' : c.state === 'degraded' ? 'warn' : 'FAIL'} ${c.kind} ${c.target}: ${c.error ?? ok}`;
  for (const c of dns) d.summary.push(line(c, `resolves to ${(c.evidence.addresses as string[] | undefined)?.join(', ')}`));
  for (const c of tls) d.summary.push(line(c, `certificate valid for ${c.evidence.daysLeft} more days (issuer ${c.evidence.issuer})`));
  for (const c of reach) d.summary.push(line(c, `reachable in ${c.latencyMs} ms`));
  for (const c of disk) d.summary.push(line(c, `${c.evidence.freePct}% free, ${c.evidence.inodesFreePct ?? '?'}% inodes free`));
  d.durationMs = Math.round(performance.now() - t0);
  return d;
}
