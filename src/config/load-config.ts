import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { findConfigPath } from './find-config-path.js';
import { FAILSAFE_SCHEMA, load as loadYaml, Type, types as yamlTypes } from 'js-yaml';
import type * as Yaml from 'yaml';
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
  /** A key the schema does not know (the path ends with it); read-only commands ignore it with a warning. */
  unknownKey?: boolean;
  /** For an unknown key: the known key at the same level it is probably a typo of. */
  suggestion?: string;
}

export { findConfigPath };

export function loadConfig(
  opts: {
    path?: string;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Unknown keys alone (every other value valid) are ignored and returned in `ignored` instead of failing. */
    allowUnknownKeys?: boolean;
    /** Appended to the error when unknown keys alone are refused (says why this command refuses them). */
    unknownKeysRefusal?: string;
  } = {},
): LoadedConfig & { ignored?: ConfigProblem[] } {
  const env = opts.env ?? process.env;
  const path = findConfigPath(opts.path, opts.cwd, env);
  if (!path) return { path: null, config: {}, policy: buildSeverityPolicy() };
  const text = readFileSync(path, 'utf8');
  const { config, problems, withoutUnknownKeys } = parseConfigText(text, env);
  if (withoutUnknownKeys && opts.allowUnknownKeys)
    return { path, config: withoutUnknownKeys, policy: policyFromConfig(withoutUnknownKeys), ignored: problems };
  if (problems.length) {
    const refusal = withoutUnknownKeys && opts.unknownKeysRefusal ? `\n${opts.unknownKeysRefusal}` : '';
    throw new WarroomError(
      'VALIDATION',
      `${path}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map(formatProblem).join('\n')}${refusal}`,
      {
        field: problems[0].path,
        details: { problems },
      },
    );
  }
  return { path, config: config!, policy: policyFromConfig(config!) };
}

export const formatProblem = (p: ConfigProblem) => `  ${p.path || '(root)'}: ${p.message}${p.line ? `, line ${p.line}` : ''}`;

type ParsedConfig = {
  config: WarroomConfig | null;
  problems: ConfigProblem[];
  /** Set when every problem is an unknown key: the config with those keys left out. */
  withoutUnknownKeys?: WarroomConfig;
};

/**
 * Parses and validates YAML text; returns every problem with its key path and line.
 *
 * Two YAML readers: `yaml` keeps every node's position, so a problem can name its line; js-yaml
 * reads the same YAML several times faster but knows no lines. A file is read with js-yaml
 * first; when anything is wrong with it, it is read again with `yaml` to report the problems
 * with their lines. `yaml` is loaded only then: loading it and reading 200 services with it
 * took a quarter of a `warroom health` start-up.
 */
export function parseConfigText(text: string, env: NodeJS.ProcessEnv = process.env): ParsedConfig {
  return parseQuickly(text, env) ?? parseConfigWithLines(text, env);
}

/**
 * What js-yaml reads differently from `yaml` is left to `yaml`: anchors, aliases and tags (js-yaml
 * shares an aliased object), directives, a byte order mark, keys that are no plain string (null, an explicit
 * `? key`, a collection) and an empty item of a sequence in a sequence ("- -", where js-yaml
 * puts the next item in the inner sequence). Some ordinary text matches too (" & ", " : " in a
 * sentence): such a file is merely read the slower way.
 */
const LEFT_TO_YAML = new RegExp(
  [
    /(?:^|[\s[\]{},])[&*!]/, // anchor, alias, tag
    /^[%\ufeff]/, // directive, byte order mark
    /(?:^|[\s{,])(?:~|null|Null|NULL)?[ \t]*:(?=\s|$)/, // null key
    /(?:^|[\s{,[])\?(?=\s|$)/, // explicit key
    /[\]}][ \t]*:(?=\s|$)/, // collection as key
    /(?:^|[ \t])-[ \t]+-[ \t]*(?:#.*)?$/, // empty item of a sequence in a sequence
  ]
    .map((r) => r.source)
    .join('|'),
  'm',
);

/** js-yaml with the scalars of the YAML 1.2 core schema exactly as `yaml` reads them (js-yaml's own also reads 0b101 and -0x1F as numbers). */
const CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    yamlTypes.null,
    yamlTypes.bool,
    new Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      resolve: (s: string) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s),
      construct: (s: string) =>
        s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (s: string) =>
        /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/.test(s),
      construct: (s: string) => (/nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : parseFloat(s)),
    }),
  ],
});

/** The valid file, read with js-yaml; null when anything is wrong (or unusual) with it. */
function parseQuickly(text: string, env: NodeJS.ProcessEnv): ParsedConfig | null {
  if (LEFT_TO_YAML.test(text)) return null;
  let raw: unknown;
  try {
    raw = loadYaml(text, { schema: CORE_SCHEMA }) ?? {};
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || !substituteEnvInValue(raw, env)) return null;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success || checkDependsOn(parsed.data).length || checkCoordinationConfig(parsed.data).length) return null;
  return { config: parsed.data, problems: [] };
}

/** `yaml`, loaded on first use (synchronously: it is CommonJS), for files with problems or unusual YAML. */
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** Parses and validates with `yaml`, which knows the line of every node (exported for tests). */
export function parseConfigWithLines(text: string, env: NodeJS.ProcessEnv = process.env): ParsedConfig {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  if (doc.errors.length) {
    // One syntax error cascades into dozens; the first few say where to look.
    return {
      config: null,
      problems: doc.errors
        .slice(0, 3)
        .map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: lineOf(e.pos[0]) })),
    };
  }
  const envProblems: ConfigProblem[] = [];
  // ${ENV} substitution happens on parsed scalars, never on the raw text, so a value cannot inject YAML.
  substituteEnv(doc.contents as Yaml.Node | null, [], env, envProblems, lineOf);
  if (envProblems.length) return { config: null, problems: envProblems };
  const raw = (doc.toJS() ?? {}) as unknown;
  const root = doc.contents as Yaml.Node;
  // Every problem in one pass: unknown keys are reported and left out, and the rest is validated
  // again (a few rounds at most), so invalid values and the checks that need a valid config
  // (depends_on, coordination) are reported beside them.
  const unknown: ConfigProblem[] = [];
  let parsed = configSchema.safeParse(raw);
  for (let round = 0; !parsed.success && round < 8; round++) {
    const found = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys');
    if (!found.length) break;
    for (const issue of found) {
      const segs = issue.path.map(String);
      const holder = valueAt(raw, segs);
      for (const key of (issue as { keys: string[] }).keys) {
        unknown.push(unknownKeyProblem(segs, key, root, lineOf));
        if (holder && typeof holder === 'object') delete (holder as Record<string, unknown>)[key];
      }
    }
    parsed = configSchema.safeParse(raw);
  }
  let invalid: ConfigProblem[];
  if (parsed.success)
    invalid = [...checkDependsOn(parsed.data), ...checkCoordinationConfig(parsed.data)].map((p) => ({
      ...p,
      line: lineOf(nodeAt(root, p.path.split('.'))?.range?.[0]),
    }));
  else invalid = parsed.error.issues.filter((i) => i.code !== 'unrecognized_keys').map((i) => toProblem(i, root, lineOf));
  if (!unknown.length && !invalid.length && parsed.success) return { config: parsed.data, problems: [] };
  const problems = [...unknown, ...invalid]
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map(({ p }) => p);
  return {
    config: null,
    problems,
    ...(parsed.success && !invalid.length && { withoutUnknownKeys: parsed.data }),
  };
}

/** The plain value at a key path of what `yaml` read. */
function valueAt(value: unknown, segs: string[]): unknown {
  let cur = value;
  for (const s of segs) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function unknownKeyProblem(
  segs: string[],
  key: string,
  root: Yaml.Node,
  lineOf: (o: number | undefined) => number | undefined,
): ConfigProblem {
  const { isMap, isScalar } = yaml();
  const target = nodeAt(root, segs);
  let line: number | undefined;
  if (target && isMap(target)) {
    const pair = target.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    line = lineOf((pair?.key as Yaml.Node | undefined)?.range?.[0]);
  }
  const suggestion = suggestKey(key, knownKeysAt(configSchema, segs));
  return {
    path: [...segs, key].join('.'),
    message: `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    line,
    unknownKey: true,
    ...(suggestion && { suggestion }),
  };
}

/** What a zod schema's definition holds, as far as finding the keys of an object goes. */
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
}
const defOf = (s: z.ZodType): SchemaDef => (s as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The object schemas a value at `segs` is read with (record keys and array indexes match anything). */
function objectsAt(schema: z.ZodType, segs: string[], depth = 0): SchemaDef[] {
  if (depth > 64) return [];
  const def = defOf(schema);
  const next = (s: z.ZodType | undefined, rest: string[]) => (s ? objectsAt(s, rest, depth + 1) : []);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return next(def.innerType, segs);
    case 'pipe':
      return next(def.in, segs);
    case 'union':
      return (def.options ?? []).flatMap((o) => next(o, segs));
    case 'intersection':
      return [...next(def.left, segs), ...next(def.right, segs)];
    case 'object':
      return segs.length ? next(def.shape?.[segs[0]], segs.slice(1)) : [def];
    case 'record':
      return segs.length ? next(def.valueType, segs.slice(1)) : [];
    case 'array':
      return segs.length ? next(def.element, segs.slice(1)) : [];
    default:
      return [];
  }
}

/** The keys the schema knows at a key path (exported for tests). */
export function knownKeysAt(schema: z.ZodType, segs: string[]): string[] {
  return [...new Set(objectsAt(schema, segs).flatMap((d) => Object.keys(d.shape ?? {})))];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/**
 * The known key an unknown one is probably a typo of: within two edits (case aside), or sharing a
 * prefix (one starts with the other, or the first four characters agree); the closest wins.
 */
export function suggestKey(key: string, known: string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const d = editDistance(k, c);
    let score = Infinity;
    if (d <= 2 && d < Math.max(k.length, c.length)) score = d;
    else if (Math.min(k.length, c.length) >= 3 && (c.startsWith(k) || k.startsWith(c))) score = 3 + Math.abs(c.length - k.length) / 100;
    else if (commonPrefix(k, c) >= 4) score = 4 + d / 100;
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function toProblem(issue: z.core.$ZodIssue, root: Yaml.Node, lineOf: (o: number | undefined) => number | undefined): ConfigProblem {
  const { isMap, isScalar } = yaml();
  const segs = issue.path.map(String);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    const target = nodeAt(root, segs);
    let line: number | undefined;
    if (target && isMap(target)) {
      const pair = target.items.find((p) => isScalar(p.key) && keys.includes(String(p.key.value)));
      line = lineOf((pair?.key as Yaml.Node | undefined)?.range?.[0]);
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

function nodeAt(root: Yaml.Node | null, segs: string[]): Yaml.Node | null {
  const { isMap, isScalar, isSeq } = yaml();
  let cur: Yaml.Node | null = root;
  for (const s of segs) {
    if (!cur) return null;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === s);
      cur = (pair?.value as Yaml.Node | null) ?? (pair?.key as Yaml.Node | null) ?? null;
    } else if (isSeq(cur)) {
      cur = (cur.items[Number(s)] as Yaml.Node | undefined) ?? null;
    } else return null;
  }
  return cur;
}

const ENV_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** ${NAME} and ${NAME:-default} in one string value; `unset` is told each unset name without a default. */
function expandEnv(value: string, env: NodeJS.ProcessEnv, unset: (name: string) => void): string {
  return value.replace(ENV_RE, (_m, name: string, def: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    unset(name);
    return '';
  });
}

/** substituteEnv on the plain object or array js-yaml returns, in place; false when a variable is unset. */
function substituteEnvInValue(value: object, env: NodeJS.ProcessEnv): boolean {
  let ok = true;
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'string' && v.includes('${'))
      o[k] = expandEnv(v, env, () => {
        ok = false;
      });
    else if (v && typeof v === 'object' && !substituteEnvInValue(v, env)) ok = false;
  }
  return ok;
}

function substituteEnv(
  node: Yaml.Node | null,
  path: string[],
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
  lineOf: (o: number | undefined) => number | undefined,
): void {
  const { isMap, isScalar, isSeq } = yaml();
  if (!node) return;
  if (isScalar(node)) {
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    node.value = expandEnv(node.value, env, (name) => {
      problems.push({
        path: path.join('.'),
        message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)`,
        line: lineOf(node.range?.[0]),
      });
    });
    return;
  }
  if (isMap(node))
    for (const p of node.items)
      substituteEnv(p.value as Yaml.Node | null, [...path, isScalar(p.key) ? String(p.key.value) : '?'], env, problems, lineOf);
  else if (isSeq(node)) node.items.forEach((it, i) => substituteEnv(it as Yaml.Node, [...path, String(i)], env, problems, lineOf));
}

function checkDependsOn(cfg: WarroomConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const names = new Set(Object.keys(cfg.services ?? {}));
  for (const [name, svc] of Object.entries(cfg.services ?? {})) {
    (svc.depends_on ?? []).forEach((d, i) => {
      if (!names.has(d))
        out.push({
          path: `services.${name}.depends_on.${i}`,
          message: `unknown service "${d}" (known: ${[...names].join(', ') || 'none'})`,
        });
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
