import { createHash } from 'node:crypto';
import { z } from 'zod';
import { validation } from '../core/errors.js';
import type { Incident } from '../core/incident.js';
import { parseSeverity, compareSeverity, type Severity } from '../core/severity.js';
import { redactWith } from '../core/redact.js';
import * as alerts from '../store/alert.repository.js';
import { findIncident, listIncidents } from '../store/incident.repository.js';
import { composeMessage, templateView } from '../notify/compose.js';
import { enqueueDrafts } from '../notify/outbox.js';
import { planRouteDrafts, slackMentions } from '../notify/routing.js';
import { addTimelineEntry } from './add-timeline-entry.js';
import { declareIncident } from './declare-incident.js';
import { parseInput, requireRole, type AppContext } from './context.js';

const labels = z.record(z.string(), z.string());
const isoOrZero = z.string().max(64).optional();

const alertSchema = z
  .object({
    status: z.enum(['firing', 'resolved']),
    labels,
    annotations: labels.optional(),
    startsAt: isoOrZero,
    endsAt: isoOrZero,
    generatorURL: z.string().max(4000).optional(),
    fingerprint: z.string().max(200).optional(),
  })
  .loose();

/** Prometheus Alertmanager webhook, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export const alertmanagerPayloadSchema = z
  .object({
    version: z.literal('4', { message: 'expected "4" (the Alertmanager webhook payload version warroom reads)' }),
    groupKey: z.string().max(2000),
    truncatedAlerts: z.number().int().nonnegative().optional(),
    status: z.enum(['firing', 'resolved']),
    receiver: z.string().max(500),
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: labels,
    externalURL: z.string().max(4000),
    alerts: z.array(alertSchema).min(1, 'must contain at least one alert').max(1000),
  })
  .loose();

/** Grafana alerting webhook (https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/). */
export const grafanaPayloadSchema = z
  .object({
    receiver: z.string().max(500).optional(),
    status: z.enum(['firing', 'resolved']),
    orgId: z.number().optional(),
    groupKey: z.string().max(2000).optional(),
    groupLabels: labels.optional(),
    commonLabels: labels.optional(),
    commonAnnotations: labels.optional(),
    externalURL: z.string().max(4000).optional(),
    title: z.string().max(2000).optional(),
    message: z.string().max(20_000).optional(),
    alerts: z.array(alertSchema).min(1, 'must contain at least one alert').max(1000),
  })
  .loose();

export type AlertSource = 'alertmanager' | 'grafana';

export interface IngestResult {
  source: AlertSource;
  incidents: { id: string; action: 'declared' | 'attached' }[];
  alerts: { new: number; duplicate: number; resolved: number; refired: number; ignored: number };
  /** Labels warroom could not use, explained (unknown severity value, unknown service). */
  notes: string[];
}

const DEFAULT_SEVERITY_MAP: Record<string, Severity> = {
  critical: 'SEV1',
  page: 'SEV1',
  high: 'SEV2',
  error: 'SEV2',
  major: 'SEV2',
  warning: 'SEV3',
  minor: 'SEV3',
  info: 'SEV4',
  low: 'SEV4',
};

// Deliveries are serialised within a process: two concurrent deliveries of one group must not both declare.
let chain: Promise<unknown> = Promise.resolve();

/**
 * A firing alert opens an incident (severity from labels) or attaches to the open incident
 * that already has its fingerprint or its service; repeats are deduplicated by fingerprint;
 * resolved alerts go on the timeline, and when all of an incident's alerts have resolved the
 * commander is told — the incident is not resolved automatically (a human confirms recovery).
 */
export function ingestAlerts(ctx: AppContext, source: AlertSource, body: unknown): Promise<IngestResult> {
  requireRole(ctx, 'responder', 'sending alerts');
  const payload = parseInput(source === 'alertmanager' ? alertmanagerPayloadSchema : grafanaPayloadSchema, body);
  const run = chain.then(() => ingest(ctx, source, payload));
  chain = run.catch(() => {});
  return run;
}

type Payload = z.infer<typeof alertmanagerPayloadSchema> | z.infer<typeof grafanaPayloadSchema>;
type Alert = z.infer<typeof alertSchema>;

function fingerprintOf(a: Alert): string {
  if (a.fingerprint) return a.fingerprint;
  const sorted = Object.keys(a.labels)
    .sort()
    .map((k) => `${k}=${a.labels[k]}`)
    .join('\u0000');
  return createHash('sha256').update(sorted).digest('hex').slice(0, 16);
}

async function ingest(ctx: AppContext, source: AlertSource, p: Payload): Promise<IngestResult> {
  const cfg = ctx.config.alerts ?? {};
  const sevLabel = cfg.severity_label ?? 'severity';
  const svcLabel = cfg.service_label ?? 'service';
  const map = { ...DEFAULT_SEVERITY_MAP, ...(cfg.severity_map ?? {}) };
  const known = Object.keys(ctx.config.services ?? {});
  const redact = redactWith(ctx.config.redact ?? []);
  const result: IngestResult = { source, incidents: [], alerts: { new: 0, duplicate: 0, resolved: 0, refired: 0, ignored: 0 }, notes: [] };
  const db = ctx.store.db;
  const now = () => ctx.now().toISOString();
  const touched = new Set<string>();
  let groupIncident: Incident | null = null;

  const severityOf = (a: Alert): Severity => {
    const v = a.labels[sevLabel] ?? p.commonLabels?.[sevLabel];
    if (v === undefined) return cfg.default_severity ?? 'SEV3';
    const mapped = map[v.toLowerCase()];
    if (mapped) return mapped;
    try {
      return parseSeverity(v, sevLabel);
    } catch {
      const d = cfg.default_severity ?? 'SEV3';
      result.notes.push(`label ${sevLabel}="${v}" is not mapped (alerts.severity_map); used ${d}`);
      return d;
    }
  };
  const serviceOf = (a: Alert): string | null => {
    const s = a.labels[svcLabel] ?? p.commonLabels?.[svcLabel];
    if (!s) return null;
    if (known.length && !known.includes(s)) {
      result.notes.push(`label ${svcLabel}="${s}" is not a configured service; the incident names no service for it`);
      return null;
    }
    return s;
  };
  const nameOf = (a: Alert) => a.labels.alertname ?? a.labels.__alert_rule_title__ ?? 'alert';
  const describe = (a: Alert) =>
    redact(
      `${nameOf(a)}${a.annotations?.summary ? `: ${a.annotations.summary}` : a.annotations?.description ? `: ${a.annotations.description}` : ''}`,
    ).slice(0, 1000);

  const firing = p.alerts.filter((a) => a.status === 'firing');
  const groupSeverity = firing.map(severityOf).sort(compareSeverity)[0] ?? null;

  for (const a of p.alerts) {
    const fp = fingerprintOf(a);
    const existing = await alerts.findOpenIncidentAlert(db, source, fp);
    if (a.status === 'firing') {
      if (existing && existing.status === 'firing') {
        result.alerts.duplicate++;
        await alerts.touchAlert(db, existing.id, now());
        continue;
      }
      if (existing) {
        result.alerts.refired++;
        await alerts.refireAlert(db, existing.id, now());
        await addTimelineEntry(
          ctx,
          existing.incidentId,
          { kind: 'detection', text: `Alert firing again (${source}): ${describe(a)}` },
          { data: { alert: { source, fingerprint: fp, status: 'firing' } } },
        );
        touched.add(existing.incidentId);
        continue;
      }
      const service = serviceOf(a);
      let inc: Incident | null = groupIncident;
      let action: 'declared' | 'attached' = 'attached';
      if (!inc && service) inc = (await listIncidents(db, { service, limit: 1 }))[0] ?? null;
      if (!inc) {
        const title = (
          p.commonAnnotations?.summary ??
          (firing.length > 1 ? `${nameOf(a)} and ${firing.length - 1} more alert${firing.length > 2 ? 's' : ''}` : describe(a))
        )
          .replace(/[\r\n]+/g, ' ')
          .slice(0, 200);
        const ev = await declareIncident(ctx, {
          title: redact(title),
          severity: groupSeverity ?? severityOf(a),
          services: service ? [service] : [],
          impact: a.annotations?.description ? redact(a.annotations.description).slice(0, 2000) : null,
        });
        inc = ev.incident;
        action = 'declared';
      }
      groupIncident = inc;
      if (!result.incidents.some((x) => x.id === inc!.id)) result.incidents.push({ id: inc.id, action });
      const t = now();
      const ins = await alerts.insertAlert(db, {
        source,
        fingerprint: fp,
        incidentId: inc.id,
        status: 'firing',
        name: nameOf(a).slice(0, 200),
        service,
        labels: redact(JSON.stringify(a.labels)),
        summary: a.annotations?.summary ? redact(a.annotations.summary).slice(0, 2000) : null,
        startsAt: a.startsAt ?? null,
        endsAt: null,
        firstSeenAt: t,
        lastSeenAt: t,
      });
      if (ins === undefined) {
        result.alerts.duplicate++;
        continue;
      }
      result.alerts.new++;
      await addTimelineEntry(
        ctx,
        inc.id,
        { kind: 'detection', text: `Alert firing (${source}): ${describe(a)}` },
        { data: { alert: { source, fingerprint: fp, status: 'firing', labels: JSON.parse(redact(JSON.stringify(a.labels))) } } },
      );
      touched.add(inc.id);
    } else {
      if (!existing) {
        result.alerts.ignored++;
        continue;
      }
      if (existing.status === 'resolved') {
        result.alerts.duplicate++;
        continue;
      }
      result.alerts.resolved++;
      await alerts.resolveAlert(db, existing.id, a.endsAt ?? now(), now());
      await addTimelineEntry(
        ctx,
        existing.incidentId,
        { kind: 'detection', text: `Alert resolved (${source}): ${describe(a)}` },
        { data: { alert: { source, fingerprint: fp, status: 'resolved' } } },
      );
      touched.add(existing.incidentId);
      if (!result.incidents.some((x) => x.id === existing.incidentId))
        result.incidents.push({ id: existing.incidentId, action: 'attached' });
    }
  }
  for (const id of touched) await tellIfAllResolved(ctx, id);
  return result;
}

/** When every alert of an open incident has resolved, the commander hears it once (per last resolution). */
async function tellIfAllResolved(ctx: AppContext, incidentId: string): Promise<void> {
  const rows = await alerts.listIncidentAlerts(ctx.store.db, incidentId);
  if (!rows.length || rows.some((r) => r.status === 'firing')) return;
  const inc = await findIncident(ctx.store.db, incidentId);
  if (!inc || inc.status === 'resolved') return;
  const now = ctx.now().toISOString();
  const names = [...new Set(rows.map((r) => r.name))].join(', ');
  const lastEnd = rows
    .map((r) => r.endsAt ?? '')
    .sort()
    .pop();
  await ctx.store.writeTx(async (trx) => {
    const view = templateView(ctx.config, ctx.policy, inc, now, null, { alerts: names });
    const msg = composeMessage(
      ctx.config,
      'alerts_resolved',
      'alerts_resolved',
      `All alerts resolved: ${inc.id} ${inc.title}`,
      view,
      inc,
      now,
      { mentions: slackMentions(ctx.config, [inc.roles.commander]) },
    );
    await enqueueDrafts(trx, planRouteDrafts(ctx.config, 'incident', msg, `alerts_resolved:${inc.id}:${rows.length}:${lastEnd}`), now);
  });
  await addTimelineEntry(ctx, incidentId, {
    kind: 'note',
    text: `All ${rows.length} alert${rows.length > 1 ? 's' : ''} resolved (${names}); the incident stays open until the commander confirms recovery.`,
  });
}

/** Validates a payload without ingesting (config check and tests). */
export function checkAlertPayload(source: AlertSource, body: unknown): void {
  const r = (source === 'alertmanager' ? alertmanagerPayloadSchema : grafanaPayloadSchema).safeParse(body);
  if (!r.success) throw validation(`${source} payload: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
}
