import { levelOfSyslogPriority } from '../scan/fields.js';
import { childOutput } from './process.js';

export interface JournaldOptions {
  unit: string;
  since: Date;
  until: Date;
  /** journalctl binary (default: journalctl on PATH, or $WARROOM_JOURNALCTL). */
  bin?: string;
}

/** The argument array warroom runs: JSON output, one unit, the window as epoch seconds. */
export function journalctlArgs(o: JournaldOptions): string[] {
  return [
    '-o',
    'json',
    '--no-pager',
    '-u',
    o.unit,
    '--since',
    `@${Math.floor(o.since.getTime() / 1000)}`,
    '--until',
    `@${Math.ceil(o.until.getTime() / 1000)}`,
  ];
}

const HAS_LEVEL =
  /^\s*\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|CRIT|FATAL|PANIC)\b|^\s*\S+\s+(TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|\blevel=/i;

interface JournalEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
  PRIORITY?: string;
}

/**
 * Turns one `journalctl -o json` record into log text: the journal's timestamp, the level
 * from PRIORITY unless the message names its own, then the message. A JSON message keeps its
 * own fields. A multi-line message (a traceback logged in one call) stays multi-line.
 */
export function journalEntryToText(entry: JournalEntry): string | null {
  let msg = entry.MESSAGE;
  if (msg === null || msg === undefined) return null;
  // journald sends non-UTF-8 messages as arrays of bytes.
  if (Array.isArray(msg)) msg = Buffer.from(msg).toString('utf8');
  const us = Number(entry.__REALTIME_TIMESTAMP);
  const ts = Number.isFinite(us) && us > 0 ? new Date(Math.floor(us / 1000)).toISOString() : null;
  const text = msg.replace(/\n+$/, '');
  if (!ts) return text;
  if (text.startsWith('{')) return `${ts} ${text}`;
  const [first, ...rest] = text.split('\n');
  const pri = entry.PRIORITY !== undefined ? Number(entry.PRIORITY) : NaN;
  // A traceback keeps its first line intact: the analyser recognises it by that line.
  const level =
    !HAS_LEVEL.test(first) && !first.startsWith('Traceback (most recent call last):') && Number.isInteger(pri)
      ? `${levelOfSyslogPriority(pri).toUpperCase()} `
      : '';
  return [`${ts} ${level}${first}`, ...rest].join('\n');
}

/** A unit's journal for a window, as log lines. */
export async function* journaldLogLines(o: JournaldOptions): AsyncGenerator<Buffer> {
  const bin = o.bin ?? process.env.WARROOM_JOURNALCTL ?? 'journalctl';
  let carry = '';
  for await (const chunk of childOutput([bin, ...journalctlArgs(o)], `journald unit ${o.unit}`)) {
    const text = carry + chunk.toString('utf8');
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    const out: string[] = [];
    for (const l of lines) {
      const t = convert(l);
      if (t !== null) out.push(t);
    }
    if (out.length) yield Buffer.from(`${out.join('\n')}\n`);
  }
  const t = convert(carry);
  if (t !== null) yield Buffer.from(`${t}\n`);
}

function convert(line: string): string | null {
  if (!line.trim()) return null;
  try {
    return journalEntryToText(JSON.parse(line) as JournalEntry);
  } catch {
    // Not a JSON record (a journalctl notice such as "-- No entries --"): not a log line.
    return null;
  }
}
