import { readFileSync } from 'node:fs';
import { findConfigPath } from './find-config-path.js';
import { LineCounter, parseDocument, isScalar, isMap, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { WarroomError } from '../core/errors.js';
import { buildSeverityPolicy, SEVERITIES, type SeverityPolicy } from '../core/severity.js';
import { configSchema, type WarroomConfig } from './schema.js';
import { checkCoordinationConfig } from './coordination-schema.js';

export interface LoadedConfig {
  /** The file it came from, or null when none exists (zero set-up). */
  path: string | null;
  config: WarroomConfig;
  policy: SeverityPolicy;
}

export interface ConfigProblem {
  path: string;
  message: string;
  line?: number;
}

export { findConfigPath };

export function loadConfig(opts: { path?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const path = findConfigPath(opts.path, opts.cwd, env);
  if (!path) return { path: null, config: {}, policy: buildSeverityPolicy() };
  const text = readFileSync(path, 'utf8');
  const { config, problems } = parseConfigText(text, env);
  if (problems.length) {
    throw new WarroomError('VALIDATION', `${path}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map(formatProblem).join('\n')}`, {
      field: problems[0].path, details: { problems },
    });
  }
  return { path, config: config!, policy: policyFromConfig(config!) };
}

export const formatProblem = (p: ConfigProblem) => `  ${p.path || '(root)'}: ${p.message}${p.line ? `, line ${p.line}` : ''}`;

/** Parses and validates YAML text; returns every problem with its key path and line. */
export function parseConfigText(text: string, env: NodeJS.ProcessEnv = process.env): { config: WarroomConfig | null; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length) {
    // One syntax error cascades into dozens; the first few say where to look.
    return { config: null, problems: doc.errors.slice(0, 3).map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: lineOf(e.pos[0]) })) };
  }
  const problems: ConfigProblem[] = [];
  // ${ENV} substitution happens on parsed scalars, never on the raw text, so a value cannot inject YAML.
  substituteEnv(doc.contents as Node | null, [], env, problems, lineOf);
  if (problems.length) return { config: null, problems };
  const raw = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) {
    const deps = [...checkDependsOn(parsed.data), ...checkCoordinationConfig(parsed.data)];
    if (deps.length) return { config: null, problems: deps.map((p) => ({ ...p, line: lineOf(nodeAt(doc.contents as Node, p.path.split('.'))?.range?.[0]) })) };
    return { config: parsed.data, problems: [] };
  }
  for (const issue of parsed.error.issues) problems.push(toProblem(issue, doc.contents as Node, lineOf));
  return { config: null, problems };
}

function toProblem(issue: z.core.$ZodIssue, root: Node, lineOf: (o: number | undefined) => number | undefined): ConfigProblem {
  const segs = issue.path.map(String);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    const target = nodeAt(root, segs);
    let line: number | undefined;
    if (target && isMap(target)) {
      const pair = target.items.find((p) => isScalar(p.key) && keys.includes(String(p.key.value)));
      line = lineOf((pair?.key as Node | undefined)?.range?.[0]);
    }
    return { path: segs.join('.'), message: `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`, line };
  }
  if (issue.code === 'invalid_union') message = pickUnionMessage(issue) ?? message;
  // Walk up to the nearest node that exists to report a line.
  let line: number | undefined;
  for (let n = segs.length; n >= 0 && line === undefined; n--) line = lineOf(nodeAt(root, segs.slice(0, n))?.range?.[0]);
  return { path: segs.join('.'), message, line };
}

function pickUnionMessage(issue: z.core.$ZodIssue): string | undefined {
  const errors = (issue as unknown as { errors?: z.core.$ZodIssue[][] }).errors;
  if (!errors?.length) return undefined;
  // Prefer the branch that got furthest (a custom/refine message beats "expected object").
  const flat = errors.flat();
  const custom = flat.find((e) => e.code === 'custom');
  const chosen = custom ?? flat[0];
  return chosen ? chosen.message : undefined;
}

function nodeAt(root: Node | null, segs: string[]): Node | null {
  let cur: Node | null = root;
  for (const s of segs) {
    if (!cur) return null;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === s);
      cur = (pair?.value as Node | null) ?? (pair?.key as Node | null) ?? null;
    } else if (isSeq(cur)) {
      cur = (cur.items[Number(s)] as Node | undefined) ?? null;
    } else return null;
  }
  return cur;
}

const ENV_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function substituteEnv(node: Node | null, path: string[], env: NodeJS.ProcessEnv, problems: ConfigProblem[], lineOf: (o: number | undefined) => number | undefined): void {
  if (!node) return;
  if (isScalar(node)) {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    node.value = node.value.replace(ENV_RE, (_m, name: string, def: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (def !== undefined) return def;
      problems.push({ path: path.join('.'), message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)`, line: lineOf(node.range?.[0]) });
      return '';
    });
    return;
  }
  if (isMap(node)) for (const p of node.items) substituteEnv(p.value as Node | null, [...path, isScalar(p.key) ? String(p.key.value) : '?'], env, problems, lineOf);
  else if (isSeq(node)) node.items.forEach((it, i) => substituteEnv(it as Node, [...path, String(i)], env, problems, lineOf));
}

function checkDependsOn(cfg: WarroomConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const names = new Set(Object.keys(cfg.services ?? {}));
  for (const [name, svc] of Object.entries(cfg.services ?? {})) {
    (svc.depends_on ?? []).forEach((d, i) => {
      if (!names.has(d)) out.push({ path: `services.${name}.depends_on.${i}`, message: `unknown service "${d}" (known: ${[...names].join(', ') || 'none'})` });
    });
  }
  return out;
}

export function policyFromConfig(cfg: WarroomConfig): SeverityPolicy {
  const o: Parameters<typeof buildSeverityPolicy>[0] = {};
  for (const s of SEVERITIES) {
    const v = cfg.severities?.[s];
    if (!v) continue;
    o[s] = {
      ...(v.impact !== undefined && { impact: v.impact }),
      ...(v.examples !== undefined && { examples: v.examples }),
      ...(v.response_time !== undefined && { responseTimeMs: v.response_time }),
      ...(v.update_cadence !== undefined && { updateCadenceMs: v.update_cadence }),
      ...(v.escalation !== undefined && { escalation: v.escalation }),
      ...(v.public_updates !== undefined && { publicUpdates: v.public_updates }),
    };
  }
  return buildSeverityPolicy(o);
}
