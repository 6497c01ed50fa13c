import { z } from 'zod';
import { validation } from '../core/errors.js';
import { parseDuration, parseTimePoint } from '../core/time.js';

/**
 * The CLI's edge: commander hands a command its options as strings (and booleans, and
 * arrays for repeatable flags); each command parses them with its own small zod schema
 * before anything reaches a backend, so the backend receives typed input. A problem names
 * the option: `--severity: expected SEV1, SEV2, SEV3 or SEV4`. Where a core parser already
 * words the problem (parseSeverity, parseStatus, parseTimePoint…), the schema calls it, and
 * its WarroomError is what the engineer reads.
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) : 'options';
  throw validation(`--${field}: ${issue.message}`, field);
}

/** "a, b or c" */
const orList = (values: readonly string[]) =>
  values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}` : values.join('');

/** One of a core constant's values: the same list commander offers as .choices(). */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: () => `expected ${orList(values)}` });

/** A time point ("10 minutes ago", ISO 8601) as ISO 8601, the option named in the problem. */
export const timePoint = (field: string) => z.string().transform((v) => parseTimePoint(v, new Date(), field).toISOString());

/** A whole number within bounds, given as text; `problem` words the refusal. */
export const wholeNumber = (
  field: string,
  min: number,
  max: number,
  problem = (v: string) => `--${field}: expected a whole number from ${min} to ${max}, got "${v}"`,
) =>
  z.string().transform((v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw validation(problem(v), field);
    return n;
  });

/** An optional duration ("2s", "1m30s") in milliseconds (empty is not given); parseDuration words the refusal with the option's name. */
export const duration = (field: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v ? parseDuration(v, field) : undefined));

/** A repeatable option (commander collects each use into an array). */
export const repeatable = () => z.array(z.string()).optional();

/** The ad hoc targets health and triage check without a config (program.ts declares them once, in adHoc). */
export const adHocTargets = {
  url: repeatable(),
  tcp: repeatable(),
  postgres: repeatable(),
  redis: repeatable(),
  tls: repeatable(),
  dns: repeatable(),
  disk: repeatable(),
};
