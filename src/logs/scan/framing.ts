// Line framing: the window of input decoded as text for the JavaScript rules, where a window
// may end, and where a line's own text starts behind a Docker, journald or Kubernetes prefix.
import { Ch } from './chars.js';

/** Bytes decoded to a string at a time (a line longer than this gets a window of its own). */
export const WINDOW_BYTES = 64 << 10;

/**
 * The bytes being scanned and the window of them decoded as latin1, so character offsets in
 * `s` are byte offsets from `base`.
 */
export class TextWindow {
  buf: Buffer = Buffer.alloc(0);
  base = 0;
  s = '';

  /** Decodes buf[a, b) as the text the JavaScript rules search (offsets relative to a). */
  open(a: number, b: number): void {
    this.base = a;
    this.s = this.buf.toString('latin1', a, b);
  }

  close(): void {
    this.s = '';
  }

  /** s[ls, le) decoded as UTF-8 (the text a person wrote, for messages and new paths). */
  utf8(ls: number, le: number): string {
    return this.buf.toString('utf8', this.base + ls, this.base + le);
  }
}

/** End of the window that starts at a in buf[a, end): WINDOW_BYTES or so, at a line end. */
export function windowEnd(buf: Buffer, a: number, end: number): number {
  const b = a + WINDOW_BYTES;
  if (b >= end) return end;
  const nl = buf.lastIndexOf(Ch.Lf, b - 1);
  if (nl >= a) return nl + 1;
  const next = buf.indexOf(Ch.Lf, b);
  return next < 0 || next >= end ? end : next + 1;
}

/**
 * Where the line s[ls, le) says its own text starts: after Docker's (timestamps=1) and
 * journald's "2026-11-27T15:01:02.123456789Z " before every line, traceback lines included,
 * and Kubernetes' (CRI) "… stdout F "; else ls.
 */
export function contentStart(s: string, ls: number, le: number): number {
  const c0 = s.charCodeAt(ls);
  if (c0 >= Ch.Digit0 && c0 <= Ch.Digit9 && s.charCodeAt(ls + 4) === Ch.Minus && s.charCodeAt(ls + 10) === Ch.UpperT) {
    const sp = s.indexOf(' ', ls + 19);
    if (sp > 0 && sp < ls + 40 && sp < le && s.charCodeAt(sp - 1) === Ch.UpperZ) return sp + 1 + criTag(s, sp + 1);
  }
  return ls;
}

/**
 * Length of the CRI stream tag at `at` ("stdout F " or "stderr P ": Kubernetes container logs
 * put it between the time and the line; P marks a part of a longer line), or 0.
 */
export function criTag(s: string, at: number): number {
  const c = s.charCodeAt(at + 7);
  if ((c !== Ch.UpperF && c !== Ch.UpperP) || s.charCodeAt(at + 8) !== Ch.Space) return 0;
  return s.startsWith('stdout ', at) || s.startsWith('stderr ', at) ? 9 : 0;
}
