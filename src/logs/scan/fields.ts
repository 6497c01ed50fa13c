/**
 * Reading the fields the analyser cares about out of log text: timestamps in the shapes logs
 * really use, level names and numbers, and the JSON key aliases different loggers choose.
 */

import { readPath } from '../../core/read-path.js';

/** JSON keys tried for each field, in priority order. */
export const JSON_ALIASES = {
  ts: ['ts', 'time', 'timestamp', '@timestamp', 'asctime', 'datetime', 'date', 't', '@t'],
  level: ['level', 'levelname', 'severity', 'lvl', 'log.level', 'loglevel', '@l'],
  path: ['path', 'url', 'route', 'uri', 'request_path', 'request_uri', 'endpoint', 'url.path', 'http.path'],
  method: ['method', 'http_method', 'request_method', 'verb', 'http.method', 'http.request.method'],
  status: ['status', 'status_code', 'statusCode', 'http_status', 'response_status', 'http.status_code', 'http.response.status_code'],
  duration: [
    'duration_ms',
    'latency_ms',
    'elapsed_ms',
    'response_time_ms',
    'took_ms',
    'time_ms',
    'duration',
    'latency',
    'elapsed',
    'response_time',
    'took',
    'request_time',
    'duration_s',
    'process_time',
    'duration_seconds',
    'event.duration',
  ],
  message: ['msg', 'message', 'event', 'record.message', 'text', '@m', '@mt'],
  excType: ['exc_type', 'exception_type', 'error_type', 'error.type', 'exception.type', 'error.kind', 'record.exception.type'],
  excText: [
    'exc_info',
    'exception',
    'traceback',
    'stack_trace',
    'stacktrace',
    'stack',
    'error.stack',
    'error.stack_trace',
    'exc_text',
    'error',
  ],
} as const;

/**
 * Unit of a duration key's numbers (values with a unit suffix like "12ms" say so themselves).
 * Keys ending in _s/_seconds, and nginx's request_time and Starlette's process_time, are seconds;
 * ECS's event.duration is nanoseconds; everything else is taken as milliseconds.
 */
export function durationScale(key: string): number {
  if (key === 'event.duration') return 1e-6;
  return /(_s|_seconds|^request_time|^process_time)$/.test(key) ? 1000 : 1;
}

/** Parses "12.5", "12.5ms", "1.2s", "350us", "350µs" into ms with the key's default scale. */
export function parseDurationValue(v: unknown, scale: number): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * scale : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|us|µs|ns|m)?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms':
      return n;
    case 's':
      return n * 1000;
    case 'us':
    case 'µs':
      return n / 1000;
    case 'ns':
      return n / 1e6;
    case 'm':
      return n * 60_000;
    default:
      return n * scale;
  }
}

export type LevelClass = 'fatal' | 'critical' | 'error' | 'warning' | 'info' | 'debug' | 'trace' | 'none';

const LEVEL_WORDS: Record<string, LevelClass> = {
  fatal: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'critical',
  critical: 'critical',
  crit: 'critical',
  error: 'error',
  err: 'error',
  severe: 'error',
  warning: 'warning',
  warn: 'warning',
  notice: 'info',
  info: 'info',
  information: 'info',
  informational: 'info',
  debug: 'debug',
  trace: 'trace',
  verbose: 'trace',
  fine: 'debug',
  finer: 'trace',
  finest: 'trace',
};

/** Level name (any case) or pino/bunyan number (10..60) to its class. */
export function classifyLevel(v: unknown): LevelClass {
  if (typeof v === 'number') {
    if (v >= 60) return 'fatal';
    if (v >= 50) return 'error';
    if (v >= 40) return 'warning';
    if (v >= 30) return 'info';
    if (v >= 20) return 'debug';
    return 'trace';
  }
  if (typeof v !== 'string') return 'none';
  const w = v.trim().toLowerCase();
  if (/^\d+$/.test(w)) return classifyLevel(Number(w));
  return LEVEL_WORDS[w] ?? 'none';
}

export const isErrorLevel = (l: LevelClass) => l === 'error' || l === 'critical' || l === 'fatal';

/** journald/syslog PRIORITY 0..7. */
export function levelOfSyslogPriority(p: number): LevelClass {
  if (p <= 1) return 'fatal';
  if (p === 2) return 'critical';
  if (p === 3) return 'error';
  if (p === 4) return 'warning';
  if (p <= 6) return 'info';
  return 'debug';
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

// ISO 8601, and the same with slashes (nginx's error log: 2026/11/27 15:00:00).
const ISO_RE = /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?/;
// Common log format "27/Nov/2026:15:00:00 +0000"; Werkzeug (Flask's server) writes a space for the colon.
const CLF_RE = /^(\d{2})\/([A-Za-z]{3})\/(\d{4})[: ](\d{2}):(\d{2}):(\d{2})(?:\s*([+-]\d{4}))?/;
const SYSLOG_RE = /^([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/;

function zoneOffsetMs(z: string | undefined): number {
  if (!z || z === 'Z' || z === 'z' || z === 'UTC') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length >= 4 ? Number(digits.slice(2, 4)) : 0;
  return sign * (h * 60 + m) * 60_000;
}

/**
 * A timestamp at the start of text: ISO 8601 (T or space, optional fraction with . or ,,
 * optional zone; no zone means UTC), common log format (27/Nov/2026:15:00:00 +0000) or syslog
 * (Nov 27 15:00:00, in refYear). Returns epoch ms and how many characters it used.
 */
export function parseLeadingTimestamp(text: string, refYear = new Date().getUTCFullYear()): { ms: number; length: number } | null {
  let m = ISO_RE.exec(text);
  if (m) {
    const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0) + Math.floor(frac) - zoneOffsetMs(m[8]);
    return Number.isNaN(ms) ? null : { ms, length: m[0].length };
  }
  m = CLF_RE.exec(text);
  if (m) {
    const mon = MONTHS[m[2].toLowerCase()];
    if (mon === undefined) return null;
    const ms = Date.UTC(+m[3], mon, +m[1], +m[4], +m[5], +m[6]) - zoneOffsetMs(m[7]);
    return { ms, length: m[0].length };
  }
  m = SYSLOG_RE.exec(text);
  if (m) {
    const mon = MONTHS[m[1].toLowerCase()];
    if (mon === undefined) return null;
    return { ms: Date.UTC(refYear, mon, +m[2], +m[3], +m[4], +m[5]), length: m[0].length };
  }
  return null;
}

/** A JSON timestamp value: ISO-ish string, or epoch seconds/ms/µs/ns as a number or digits. */
export function parseTimestampValue(v: unknown): number | null {
  if (typeof v === 'number') return epochToMs(v);
  if (typeof v !== 'string') return null;
  const fast = isoUtcMs(v);
  if (fast !== null) return fast;
  if (/^\d+(\.\d+)?$/.test(v)) return epochToMs(Number(v));
  const t = parseLeadingTimestamp(v);
  return t ? t.ms : null;
}

/** Digits of v from a to b as a number, or -1 if any is not a digit. */
function digitsAt(v: string, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The most common shape, "2026-11-27T15:00:00.123Z" or without the fraction, read without a
 * regular expression (error lines and minute changes parse one each); null for any other shape.
 */
let lastSecond = '';
let lastSecondMs = 0;

function isoUtcMs(v: string): number | null {
  const n = v.length;
  // Lines come in time order: the same second as the last call needs only its fraction read.
  if (n === 24 && lastSecond && v.startsWith(lastSecond) && v.charCodeAt(19) === 46 && v.charCodeAt(23) === 90) {
    const frac = digitsAt(v, 20, 23);
    if (frac >= 0) return lastSecondMs + frac;
  }
  if (
    (n !== 24 && n !== 20) ||
    v.charCodeAt(n - 1) !== 90 ||
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58
  )
    return null;
  if (n === 24 && v.charCodeAt(19) !== 46) return null;
  const y = digitsAt(v, 0, 4),
    mo = digitsAt(v, 5, 7),
    d = digitsAt(v, 8, 10),
    h = digitsAt(v, 11, 13),
    mi = digitsAt(v, 14, 16),
    sec = digitsAt(v, 17, 19);
  const frac = n === 24 ? digitsAt(v, 20, 23) : 0;
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0 || frac < 0) return null;
  const base = Date.UTC(y, mo - 1, d, h, mi, sec);
  lastSecond = v.slice(0, 19);
  lastSecondMs = base;
  return base + frac;
}

function epochToMs(n: number): number | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1000);
  return Math.round(n / 1e6);
}

/** Dotted alias → its parts, split once (pick runs on every error line). */
const DOTTED = new Map<string, string[] | null>();

function dottedParts(k: string): string[] | null {
  let parts = DOTTED.get(k);
  if (parts === undefined) {
    parts = k.includes('.') ? k.split('.') : null;
    if (DOTTED.size < 1000) DOTTED.set(k, parts);
  }
  return parts;
}

/** Reads a dotted alias ("error.type") from a parsed JSON object, flat key first. */
export function pick(obj: Record<string, unknown>, keys: readonly string[]): { key: string; value: unknown } | null {
  for (const k of keys) {
    const v = obj[k];
    if (v !== null && v !== undefined && v !== '' && k in obj) return { key: k, value: v };
    const parts = dottedParts(k);
    if (parts) {
      const cur = readPath(obj, parts);
      if (cur !== undefined && cur !== null && cur !== '') return { key: k, value: cur };
    }
  }
  return null;
}
