/**
 * Error signatures: an exception type plus its message with the variable parts masked, so
 * "KeyError: 'order_123'" and "KeyError: 'order_456'" are one row with a count.
 */

const MASKS: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b(?:0x)?[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b|\b(?:0x)?[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]*\b/gi, '<hex>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

/**
 * Recent messages and their masks: error messages repeat, and the regexes cost more than a
 * lookup. The key has every digit replaced by 0: the masks match on character classes and
 * lengths only, so messages that differ only in their digits ("order_123" and "order_456")
 * always mask alike and share one entry.
 */
const MASK_CACHE = new Map<string, string>();
const MASK_CACHE_MAX = 4096;
const DIGITS = /\d/g;

/** Masks numbers, ids, hashes and IPs; collapses whitespace; caps the length. */
export function maskMessage(message: string): string {
  if (message.length > 1000) return maskUncached(message);
  const key = message.replace(DIGITS, '0');
  const hit = MASK_CACHE.get(key);
  if (hit !== undefined) return hit;
  const out = maskUncached(message);
  if (MASK_CACHE.size >= MASK_CACHE_MAX) MASK_CACHE.clear();
  MASK_CACHE.set(key, out);
  return out;
}

function maskUncached(message: string): string {
  let out = message.length > 500 ? message.slice(0, 500) : message;
  for (const [re, rep] of MASKS) {
    out = out.replace(re, (m) => (rep === '<hex>' && m.length < 6 ? m : rep));
  }
  return out.replace(/\s+/g, ' ').trim();
}

const EXC_LINE =
  /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Timeout|Failure|Fault|Refused|Denied)|[A-Za-z_][\w]*\.[\w.]*[A-Z]\w*)(?::\s*(.*))?$/;

/**
 * Reads "ExcType: message" — the last line of a Python traceback, or an exc_info field —
 * returning null when the text does not look like one.
 */
export function parseExceptionLine(line: string): { type: string; message: string } | null {
  const m = EXC_LINE.exec(line.trim());
  if (!m) return null;
  return { type: m[1], message: m[2] ?? '' };
}

/** The exception of a traceback text: its last "Type: message" line. */
export function exceptionOfTraceback(text: string): { type: string; message: string } | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (!l.trim() || /^\s/.test(l)) continue;
    const e = parseExceptionLine(l);
    if (e) return e;
  }
  return null;
}
