import { validation } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** Parses "15m", "2h", "1d", "90s", "500ms", "15 minutes", "1h30m" into milliseconds. */
export function parseDuration(text: string, field = 'duration'): number {
  const s = text.trim().toLowerCase();
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
  let total = 0;
  let matched = false;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(s))) {
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) throw validation(`${field}: unknown unit "${m[2]}" in "${text}" (use ms, s, m, h, d or w)`, field);
    total += Number(m[1]) * unit;
    matched = true;
    pos = re.lastIndex;
    while (s[pos] === ' ') pos++;
    re.lastIndex = pos;
  }
  if (!matched || pos !== s.length) throw validation(`${field}: cannot read "${text}" as a duration (examples: 30s, 15m, 2h, 1d)`, field);
  return Math.round(total);
}

/**
 * Parses a point in time: ISO 8601, "now", "15 minutes ago", or a bare duration ("15m",
 * meaning 15 minutes before now).
 */
export function parseTimePoint(text: string, now: Date, field = 'time'): Date {
  const s = text.trim();
  if (s.toLowerCase() === 'now') return new Date(now.getTime());
  const ago = /^(.*\S)\s+ago$/i.exec(s);
  if (ago) return new Date(now.getTime() - parseDuration(ago[1], field));
  if (/^\d+(?:\.\d+)?\s*[a-z]+/i.test(s) && !/^\d{4}-\d{2}/.test(s)) {
    return new Date(now.getTime() - parseDuration(s, field));
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw validation(`${field}: cannot read "${text}" as a time (use ISO 8601 like 2024-01-15T14:30:00Z, or "15 minutes ago", "2h")`, field);
}

/** Human duration: 45s, 12m, 1h 05m, 2d 3h. */
export function formatDuration(ms: number): string {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out: string;
  if (d > 0) out = `${d}d ${h}h`;
  else if (h > 0) out = `${h}h ${String(m).padStart(2, '0')}m`;
  else if (m > 0) out = `${m}m ${String(s).padStart(2, '0')}s`;
  else out = `${s}s`;
  return neg ? `-${out}` : out;
}
