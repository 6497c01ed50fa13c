/**
 * Path normalisation: /orders/123 → /orders/:id, UUIDs → :uuid, hashes → :hash, so that
 * thousands of raw URLs collapse into the endpoints a person recognises.
 *
 * One tokenizer does both jobs: normalizePath() has it build the string, and
 * hashNormalizedPath() has it compute a hash of the *normalised* form straight from the
 * characters without building any string — the analyser calls it for every request line and
 * only builds the string the first time a hash is seen.
 */
import { Ch } from './chars.js';

const enum Tok {
  Keep = 0,
  Id = 1,
  Hash = 2,
}

/** Length of a UUID, 8-4-4-4-12 hex. */
const UUID_LENGTH = 36;

/**
 * How a token (a piece of a path segment between . - _ ~ separators) of `len` > 0 characters is
 * rewritten, from how many of them are digits and other hex letters, and whether all are letters or digits.
 */
function tokenKind(len: number, digits: number, hexLetters: number, alnum: boolean): Tok {
  if (digits === len) return Tok.Id;
  // Hex runs of 8+ with at least one digit: git SHAs, content hashes, hex ids.
  if (digits + hexLetters === len && len >= 8 && digits > 0) return Tok.Hash;
  // Long mixed tokens (base64/ULID/nanoid ids): 16+ chars mixing letters and digits.
  if (len >= 16 && digits >= 2 && alnum) return Tok.Hash;
  return Tok.Keep;
}

function isHex(c: number): boolean {
  return (c >= Ch.Digit0 && c <= Ch.Digit9) || (c >= Ch.LowerA && c <= Ch.LowerF) || (c >= Ch.UpperA && c <= Ch.UpperF);
}

/** 8-4-4-4-12 hex. */
function isUuid(s: string, a: number, b: number): boolean {
  if (b - a !== UUID_LENGTH) return false;
  if (
    s.charCodeAt(a + 8) !== Ch.Minus ||
    s.charCodeAt(a + 13) !== Ch.Minus ||
    s.charCodeAt(a + 18) !== Ch.Minus ||
    s.charCodeAt(a + 23) !== Ch.Minus
  )
    return false;
  for (let i = 0; i < UUID_LENGTH; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    if (!isHex(s.charCodeAt(a + i))) return false;
  }
  return true;
}

const isSep = (c: number) => c === Ch.Dot || c === Ch.Minus || c === Ch.Underscore || c === Ch.Tilde;

/** Where the path part of a path-or-URL value starts (skips scheme://host). */
function pathStart(s: string, a: number, b: number): number {
  if (b - a > 8 && s.charCodeAt(a) !== Ch.Slash) {
    const scheme = s.indexOf('://', a);
    if (scheme > 0 && scheme < b && scheme - a < 12) {
      const slash = s.indexOf('/', scheme + 3);
      return slash < 0 || slash >= b ? b : slash;
    }
  }
  return a;
}

/** Where the path ends: before ?query or #fragment, without a trailing slash. */
function pathEnd(s: string, a: number, b: number): number {
  let e = b;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.Question || c === Ch.Hash) {
      e = i;
      break;
    }
  }
  while (e - a > 1 && s.charCodeAt(e - 1) === Ch.Slash) e--;
  return e;
}

const H_ID = 0x3a6964; // ":id"
const H_HASH = 0x3a6861; // ":ha"
const H_UUID = 0x3a7575; // ":uu"

/** Character classes for the hash loop (one table load instead of a chain of range tests). */
const C_OTHER = 0,
  C_DIGIT = 1,
  C_HEX = 2,
  C_LETTER = 3,
  C_SLASH = 4,
  C_SEP = 5,
  C_END = 6;
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  CHAR_CLASS[c] =
    c === Ch.Question || c === Ch.Hash
      ? C_END
      : c === Ch.Slash
        ? C_SLASH
        : isSep(c)
          ? C_SEP
          : c >= Ch.Digit0 && c <= Ch.Digit9
            ? C_DIGIT
            : isHex(c)
              ? C_HEX
              : (c >= Ch.UpperG && c <= Ch.UpperZ) || (c >= Ch.LowerG && c <= Ch.LowerZ)
                ? C_LETTER
                : C_OTHER;
}

function mix(h: number, c: number): number {
  return Math.imul(h ^ c, 16777619);
}

/** Where the last tokenize() stopped ('?', '#' or b), and the normalised text it built (when asked to). */
let tokensEnd = 0;
let built = '';

/**
 * The one path tokenizer: walks s[start, b) (stopping at '?' or '#') segment by segment and, in
 * each, token by token, classifying each token as it goes. It returns a 32-bit FNV-style hash of
 * the normalised form, seeded so the method can be folded in: each token's characters are hashed
 * while it is classified, and replaced by its mask's hash when tokenKind says so, a UUID segment
 * by the hash of ':uuid'; the end acts as a final '/' that is not itself hashed. With `build` it
 * also writes the normalised text into `built`, so equal normalised paths always hash equal.
 */
function tokenize(s: string, start: number, b: number, seed: number, build: boolean): number {
  let h = seed | 0;
  let segStart = start;
  let segHash = h;
  let segOut = 0;
  let t = start;
  let tokHash = h;
  let digits = 0;
  let hexLetters = 0;
  let alnum = true;
  let out = '';
  let i = start;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    const cls = c < 128 ? CHAR_CLASS[c] : C_OTHER;
    if (cls >= C_SLASH) {
      if (cls === C_END) break;
      const len = i - t;
      if (len > 0) {
        const k = tokenKind(len, digits, hexLetters, alnum);
        h = k === Tok.Id ? mix(tokHash, H_ID) : k === Tok.Hash ? mix(tokHash, H_HASH) : h;
        if (build) out += k === Tok.Id ? ':id' : k === Tok.Hash ? ':hash' : s.slice(t, i);
      }
      if (c === Ch.Slash) {
        if (i - segStart === UUID_LENGTH && isUuid(s, segStart, i)) {
          h = mix(segHash, H_UUID);
          if (build) out = `${out.slice(0, segOut)}:uuid`;
        }
        h = mix(h, Ch.Slash);
        segStart = i + 1;
        segHash = h;
        if (build) {
          out += '/';
          segOut = out.length;
        }
      } else {
        h = mix(h, c);
        if (build) out += s[i];
      }
      t = i + 1;
      tokHash = h;
      digits = 0;
      hexLetters = 0;
      alnum = true;
    } else {
      h = mix(h, c);
      if (cls === C_DIGIT) digits++;
      else if (cls === C_HEX) hexLetters++;
      else if (cls === C_OTHER) alnum = false;
    }
  }
  tokensEnd = i;
  const len = i - t;
  if (len > 0) {
    const k = tokenKind(len, digits, hexLetters, alnum);
    h = k === Tok.Id ? mix(tokHash, H_ID) : k === Tok.Hash ? mix(tokHash, H_HASH) : h;
    if (build) out += k === Tok.Id ? ':id' : k === Tok.Hash ? ':hash' : s.slice(t, i);
  }
  if (i - segStart === UUID_LENGTH && isUuid(s, segStart, i)) {
    h = mix(segHash, H_UUID);
    if (build) out = `${out.slice(0, segOut)}:uuid`;
  }
  if (build) built = out;
  return h >>> 0;
}

/** Normalised endpoint path of s[a, b). */
export function normalizePathRange(s: string, a: number, b: number): string {
  const start = pathStart(s, a, b);
  const end = pathEnd(s, start, b);
  if (end <= start) return '/';
  tokenize(s, start, end, 0, true);
  return built.length ? built : '/';
}

export function normalizePath(path: string): string {
  return normalizePathRange(path, 0, path.length);
}

/**
 * A 32-bit hash of normalizePathRange(s, a, b), computed in one pass without building it,
 * seeded so the method can be folded in. Equal normalised paths always hash equal.
 */
export function hashNormalizedPath(s: string, a: number, b: number, seed: number): number {
  const start = pathStart(s, a, b);
  // One pass: the tokenizer stops at '?' or '#' itself (pathEnd's first scan). Trailing slashes
  // before the end, which pathEnd strips, are rare: those paths take a second pass, to pathEnd.
  const h = tokenize(s, start, b, seed, false);
  const i = tokensEnd;
  if (i - start > 1 && s.charCodeAt(i - 1) === Ch.Slash) return tokenize(s, start, pathEnd(s, start, b), seed, false);
  return h;
}
