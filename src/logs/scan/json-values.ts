// Readers of one JSON value in the scanner's latin1 text, in place (no slicing for the common
// cases): a level, a status, a number, where a string or a number ends.
import { Case, Ch } from './chars.js';
import { classifyLevel, type LevelClass } from './fields.js';

const LEVEL_CACHE = new Map<string, LevelClass>();

/** The level class of the quoted JSON string starting at q, without slicing the common ones. */
export function levelAt(s: string, q: number): LevelClass {
  const c = s.charCodeAt(q) | Case.Lower;
  const c1 = s.charCodeAt(q + 1) | Case.Lower;
  // INFO/info, DEBUG/debug, WARN(ING), ERROR: decided by the first two letters and the length.
  if (c === Ch.LowerI && c1 === Ch.LowerN && s.charCodeAt(q + 4) === Ch.Quote) return 'info';
  if (c === Ch.LowerD && c1 === Ch.LowerE && s.charCodeAt(q + 5) === Ch.Quote) return 'debug';
  if (c === Ch.LowerE && c1 === Ch.LowerR && s.charCodeAt(q + 5) === Ch.Quote) return 'error';
  if (c === Ch.LowerW && c1 === Ch.LowerA && (s.charCodeAt(q + 7) === Ch.Quote || s.charCodeAt(q + 4) === Ch.Quote)) return 'warning';
  const e = s.indexOf('"', q);
  if (e < 0 || e - q > 20) return 'none';
  const w = s.slice(q, e);
  let k = LEVEL_CACHE.get(w);
  if (k === undefined) {
    k = classifyLevel(w);
    if (LEVEL_CACHE.size < 1000) LEVEL_CACHE.set(w, k);
  }
  return k;
}

/** The level class of a level value at lv: a string, a number, or loguru's {"name": "ERROR", …}. */
export function levelValueAt(s: string, lv: number): LevelClass {
  const c = s.charCodeAt(lv);
  if (c === Ch.Quote) return levelAt(s, lv + 1);
  if (c === Ch.LeftBrace) {
    // An object, as loguru's serialised records hold it: {"icon": "…", "name": "ERROR", "no": 40}.
    const n = s.indexOf('"name":', lv);
    const end = s.indexOf('}', lv);
    if (n > 0 && (end < 0 || n < end)) {
      let q = n + 7;
      while (s.charCodeAt(q) === Ch.Space) q++;
      if (s.charCodeAt(q) === Ch.Quote) return levelAt(s, q + 1);
    }
    return 'none';
  }
  const ne = readNumberEnd(s, lv);
  return ne > lv ? classifyLevel(Number(s.slice(lv, ne))) : 'none';
}

/** An HTTP status at sv (a number or a quoted one), or 0 when it is not one of 100–999. */
export function statusAt(s: string, sv: number): number {
  let status = 0;
  let i = s.charCodeAt(sv) === Ch.Quote ? sv + 1 : sv;
  let c = s.charCodeAt(i);
  while (c >= Ch.Digit0 && c <= Ch.Digit9) {
    status = status * 10 + c - Ch.Digit0;
    c = s.charCodeAt(++i);
  }
  return status < 100 || status > 999 ? 0 : status;
}

/** A JSON number starting at v (digits, one fraction), without slicing; NaN when there is none. */
export function numberAt(s: string, v: number): number {
  let i = v;
  let n = 0;
  let c = s.charCodeAt(i);
  if (c < Ch.Digit0 || c > Ch.Digit9) return NaN;
  while (c >= Ch.Digit0 && c <= Ch.Digit9) {
    n = n * 10 + (c - Ch.Digit0);
    c = s.charCodeAt(++i);
  }
  if (c === Ch.Dot) {
    let scale = 0.1;
    c = s.charCodeAt(++i);
    while (c >= Ch.Digit0 && c <= Ch.Digit9) {
      n += (c - Ch.Digit0) * scale;
      scale *= 0.1;
      c = s.charCodeAt(++i);
    }
  }
  // Exponents and other rarities take the exact path.
  if (c === Ch.LowerE || c === Ch.UpperE) return Number(s.slice(v, readNumberEnd(s, v)));
  return n;
}

/** Where the JSON string whose text starts at q ends (its closing quote), or -1. */
export function readQuotedEnd(s: string, q: number): number {
  let e = s.indexOf('"', q);
  while (e > 0 && s.charCodeAt(e - 1) === Ch.Backslash) {
    // An escaped quote ends the value only if the backslashes before it are themselves paired.
    let bs = 0;
    for (let i = e - 1; s.charCodeAt(i) === Ch.Backslash; i--) bs++;
    if (bs % 2 === 0) break;
    e = s.indexOf('"', e + 1);
  }
  return e;
}

/** Where the number-like run (digits, '.', signs, exponent) starting at v ends. */
export function readNumberEnd(s: string, v: number): number {
  let i = v;
  for (;;) {
    const c = s.charCodeAt(i);
    if ((c >= Ch.Digit0 && c <= Ch.Digit9) || c === Ch.Dot || c === Ch.Minus || c === Ch.Plus || c === Ch.LowerE || c === Ch.UpperE) i++;
    else return i;
  }
}
