import { dirname } from 'node:path';
import {
  buildPostmortemModel,
  buildReportModel,
  isReviewOverdue,
  POSTMORTEM_STATES,
  startPostmortem,
  type PostmortemModel,
  type PostmortemRecord,
  type PostmortemRules,
  type PostmortemState,
} from '../core/postmortem.js';
import { validation } from '../core/errors.js';
import { parseIncidentId } from '../core/incident.js';
import { parseSeverity, type SeverityPolicy } from '../core/severity.js';
import { redactWith } from '../core/redact.js';
import { checkPerson } from '../core/incident.js';
import type { WarroomConfig } from '../config/schema.js';
import { getIncident, listIncidents, listTimeline } from '../store/incident.repository.js';
import { findPostmortem, insertPostmortem, listActionItems, listPostmortems } from '../store/postmortem.repository.js';
import { loadTemplate } from '../postmortem/template.js';
import { parseFormats, slugify, writeOutputs, type WrittenFile } from '../postmortem/write-outputs.js';
import { requireRole, type AppContext } from './context.js';

export function rulesFromConfig(config: WarroomConfig): PostmortemRules {
  return { dueAfterMs: config.postmortem?.due_after, lightweightDueAfterMs: config.postmortem?.lightweight_due_after ?? null };
}

/** The draft model of an incident's review, read-only (a viewer may read it). */
export async function loadPostmortemModel(ctx: AppContext, id: string): Promise<PostmortemModel> {
  requireRole(ctx, 'viewer', 'reading a post-mortem');
  const incidentId = parseIncidentId(id);
  const incident = await getIncident(ctx.store.db, incidentId);
  const [timeline, record, actionItems] = await Promise.all([
    listTimeline(ctx.store.db, incidentId),
    findPostmortem(ctx.store.db, incidentId),
    listActionItems(ctx.store.db, { incidentId }),
  ]);
  return buildPostmortemModel({
    incident,
    timeline,
    record,
    actionItems,
    policy: ctx.policy,
    rules: rulesFromConfig(ctx.config),
    now: ctx.now().toISOString(),
    redact: redactWith(ctx.config.redact),
  });
}

/**
 * Starts the review of a resolved incident (idempotent): the draft row with its level and
 * deadline. An unresolved incident is refused with a message saying what to do.
 */
export async function ensurePostmortem(ctx: AppContext, id: string): Promise<{ record: PostmortemRecord; created: boolean }> {
  requireRole(ctx, 'responder', 'starting a post-mortem');
  const incidentId = parseIncidentId(id);
  return ctx.store.writeTx(async (trx) => {
    const existing = await findPostmortem(trx, incidentId, { lock: ctx.store.dialect });
    if (existing) return { record: existing, created: false };
    const incident = await getIncident(trx, incidentId);
    const timeline = await listTimeline(trx, incidentId, { kinds: ['severity_change'] });
    const record = startPostmortem(incident, timeline, ctx.policy, rulesFromConfig(ctx.config), ctx.actor.name, ctx.now().toISOString());
    await insertPostmortem(trx, record);
    return { record: (await findPostmortem(trx, incidentId))!, created: true };
  });
}

export interface GenerateOptions {
  outputDir: string;
  /** "md,html,json,pdf" (default md). */
  format?: string;
  /** Folder the config file lives in: relative template paths are read from there. */
  baseDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface GenerateResult {
  incidentId: string | null;
  state: string;
  level: string;
  created: boolean;
  dueAt: string | null;
  template: string;
  files: WrittenFile[];
  warnings: PostmortemModel['warnings'];
  model: PostmortemModel;
}

/** `warroom postmortem INC-1`: starts the review if needed and writes the draft in each format. */
export async function generatePostmortem(ctx: AppContext, id: string, o: GenerateOptions): Promise<GenerateResult> {
  const formats = parseFormats(o.format);
  const { created } = await ensurePostmortem(ctx, id);
  const model = await loadPostmortemModel(ctx, id);
  const template = loadTemplate(model.postmortem.level, ctx.config, o.baseDir ?? process.cwd());
  const files = await writeOutputs(model, {
    dir: o.outputDir,
    stem: `${model.incident.id}-post-mortem`,
    formats,
    template: template.text,
    env: o.env,
  });
  return {
    incidentId: model.incident.id,
    state: model.postmortem.state,
    level: model.postmortem.level,
    created,
    dueAt: model.postmortem.dueAt,
    template: template.path,
    files,
    warnings: model.warnings,
    model,
  };
}

export interface ReportOptions {
  title: string;
  severity: string;
  startTime: string;
  endTime: string;
  impact?: string;
  services?: string[];
  commander?: string;
  outputDir: string;
  format?: string;
}

/** The seed's generate-incident-report script: the same sections for an incident warroom never stored. */
export async function generateReport(
  env: { config: WarroomConfig; policy: SeverityPolicy; now: Date; baseDir?: string; processEnv?: NodeJS.ProcessEnv },
  o: ReportOptions,
): Promise<Omit<GenerateResult, 'created' | 'state'>> {
  const formats = parseFormats(o.format);
  const severity = parseSeverity(o.severity);
  const commander = o.commander ? checkPerson(o.commander, 'commander') : null;
  const services = (o.services ?? []).map((s, i) => checkPerson(s, `service[${i}]`));
  const model = buildReportModel(
    { title: o.title, severity, startTime: o.startTime, endTime: o.endTime, impact: o.impact, services, commander },
    env.policy,
    env.now.toISOString(),
    redactWith(env.config.redact),
  );
  const template = loadTemplate(model.postmortem.level, env.config, env.baseDir ?? process.cwd());
  const stem = `${model.incident.declaredAt.slice(0, 10)}-${slugify(model.incident.title)}`;
  const files = await writeOutputs(model, { dir: o.outputDir, stem, formats, template: template.text, env: env.processEnv });
  return { incidentId: null, level: model.postmortem.level, dueAt: null, template: template.path, files, warnings: model.warnings, model };
}

export const configDir = (configPath: string | null, cwd: string) => (configPath ? dirname(configPath) : cwd);

export interface PostmortemSummary {
  incidentId: string;
  title: string;
  severity: string | null;
  state: string;
  level: string;
  dueAt: string | null;
  overdue: boolean;
  publishedAt: string | null;
}

/** Every review with its deadline; overdue=true keeps the unpublished ones past due. */
export async function listPostmortemReviews(ctx: AppContext, o: { overdue?: boolean; state?: string } = {}): Promise<PostmortemSummary[]> {
  requireRole(ctx, 'viewer', 'listing post-mortems');
  const now = ctx.now().toISOString();
  if (o.state !== undefined && !(POSTMORTEM_STATES as readonly string[]).includes(o.state))
    throw validation(`state: unknown state "${o.state}" (expected one of ${POSTMORTEM_STATES.join(', ')})`, 'state');
  const records = await listPostmortems(ctx.store.db, {
    ...(o.overdue && { dueBefore: now }),
    ...(o.state && { state: [o.state as PostmortemState] }),
  });
  const incidents = new Map((await listIncidents(ctx.store.db, { all: true })).map((i) => [i.id, i]));
  return records.map((pm) => {
    const inc = incidents.get(pm.incidentId);
    return {
      incidentId: pm.incidentId,
      title: inc?.title ?? '',
      severity: inc?.severity ?? null,
      state: pm.state,
      level: pm.level,
      dueAt: pm.dueAt,
      overdue: isReviewOverdue(pm, now),
      publishedAt: pm.publishedAt,
    };
  });
}
