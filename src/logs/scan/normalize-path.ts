/**
 * Path normalisation: /orders/123 → /orders/:id, UUIDs → :uuid, hashes → :hash, so that
 * thousands of raw URLs collapse into the endpoints a person recognises.
 *
 * Two implementations share one token classifier: normalizePath() builds the string, and
 * hashNormalizedPath() computes a hash of the *normalised* form straight from the characters
 * without building any string — the analyser calls it for every request line and only
 * builds the string the first time a hash is seen.
 */

const enum Tok { Keep = 0, Id = 1, Hash = 2 }

/** How a token (a piece of a path segment between . - _ ~ separators) is rewritten. */
function classifyToken(s: string, a: number, b: number): Tok {
  const len = b - a;
  if (len === 0) return Tok.Keep;
  let digits = 0;
  let hexLetters = 0;
  let other = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hexLetters++;
    else other++;
  }
  if (digits === len) return Tok.Id;
  // Hex runs of 8+ with at least one digit: git SHAs, content hashes, hex ids.
  if (other === 0 && len >= 8 && digits > 0) return Tok.Hash;
  // Long mixed tokens (base64/ULID/nanoid ids): 16+ chars mixing letters and digits.
  if (len >= 16 && digits >= 2 && digits + hexLetters + other === len && isAlnumToken(s, a, b)) return Tok.Hash;
  return Tok.Keep;
}

function isAlnumToken(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** 8-4-4-4-12 hex. */
function isUuid(s: string, a: number, b: number): boolean {
  if (b - a !== 36) return false;
  if (s.charCodeAt(a + 8) !== 45 || s.charCodeAt(a + 13) !== 45 || s.charCodeAt(a + 18) !== 45 || s.charCodeAt(a + 23) !== 45) return false;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    if (!isHex(s.charCodeAt(a + i))) return false;
  }
  return true;
}

const isSep = (c: number) => c === 46 || c === 45 || c === 95 || c === 126; // . - _ ~

/** Where the path part of a path-or-URL value starts (skips scheme://host). */
function pathStart(s: string, a: number, b: number): number {
  if (b - a > 8 && s.charCodeAt(a) !== 47) {
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
    if (c === 63 || c === 35) { e = i; break; }
  }
  while (e - a > 1 && s.charCodeAt(e - 1) === 47) e--;
  return e;
}

/** Normalised endpoint path of s[a, b). */
export function normalizePathRange(s: string, a: number, b: number): string {
  const start = pathStart(s, a, b);
  const end = pathEnd(s, start, b);
  if (end <= start) return '/';
  let out = '';
  let seg = start;
  while (seg <= end) {
    let segEnd = s.indexOf('/', seg);
    if (segEnd < 0 || segEnd > end) segEnd = end;
    if (isUuid(s, seg, segEnd)) out += ':uuid';
    else {
      let t = seg;
      for (let i = seg; i <= segEnd; i++) {
        if (i === segEnd || isSep(s.charCodeAt(i))) {
          const k = classifyToken(s, t, i);
          out += k === Tok.Id ? ':id' : k === Tok.Hash ? ':hash' : s.slice(t, i);
          if (i < segEnd) out += s[i];
          t = i + 1;
        }
      }
    }
    if (segEnd < end) out += '/';
    seg = segEnd + 1;
    if (segEnd === end) break;
  }
  return out.length ? out : '/';
}

export function normalizePath(path: string): string {
  return normalizePathRange(path, 0, path.length);
}

const H_ID = 0x3a6964; // ":id"
const H_HASH = 0x3a6861; // ":ha"
const H_UUID = 0x3a7575; // ":uu"

/** Character classes for the hash loop (one table load instead of a chain of range tests). */
const C_OTHER = 0, C_DIGIT = 1, C_HEX = 2, C_LETTER = 3, C_SLASH = 4, C_SEP = 5, C_END = 6;
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  CHAR_CLASS[c] = c === 63 || c === 35 ? C_END : c === 47 ? C_SLASH : isSep(c) ? C_SEP : c >= 48 && c <= 57 ? C_DIGIT : (c >= 97 && c <= 102) || (c >= 65 && c <= 70) ? C_HEX : (c >= 71 && c <= 90) || (c >= 103 && c <= 122) ? C_LETTER : C_OTHER;
}

function mix(h: number, c: number): number {
  return Math.imul(h ^ c, 16777619);
}

/**
 * A 32-bit FNV-style hash of normalizePathRange(s, a, b), computed in one pass without building
 * it, seeded so the method can be folded in. Equal normalised paths always hash equal: each
 * token's characters are hashed while it is classified, and replaced by its mask's hash when
 * classifyToken says so (the same rules as the string version).
 */
export function hashNormalizedPath(s: string, a: number, b: number, seed: number): number {
  const start = pathStart(s, a, b);
  // One pass: the loop stops at '?' or '#' itself (pathEnd's first scan). Trailing slashes
  // before the end, which pathEnd strips, are rare: those paths take the two-pass route.
  let h = seed | 0;
  let segStart = start;
  let segHash = h;
  let t = start;
  let tokHash = h;
  let digits = 0;
  let hexLetters = 0;
  let alnum = true;
  let i = start;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    const cls = c < 128 ? CHAR_CLASS[c] : C_OTHER;
    if (cls >= C_SLASH) {
      if (cls === C_END) break;
      const len = i - t;
      if (len > 0) {
        let k = Tok.Keep;
        if (digits === len) k = Tok.Id;
        else if (digits + hexLetters === len && len >= 8 && digits > 0) k = Tok.Hash;
        else if (len >= 16 && digits >= 2 && alnum) k = Tok.Hash;
        h = k === Tok.Id ? mix(tokHash, H_ID) : k === Tok.Hash ? mix(tokHash, H_HASH) : h;
      }
      if (c === 47) {
        if (i - segStart === 36 && isUuid(s, segStart, i)) h = mix(segHash, H_UUID);
        h = mix(h, 47);
        segStart = i + 1;
        segHash = h;
      } else h = mix(h, c);
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
  if (i - start > 1 && s.charCodeAt(i - 1) === 47) return hashNormalizedRange(s, start, pathEnd(s, start, b), seed);
  // The end acts as a final '/' that is not itself hashed.
  const len = i - t;
  if (len > 0) {
    let k = Tok.Keep;
    if (digits === len) k = Tok.Id;
    else if (digits + hexLetters === len && len >= 8 && digits > 0) k = Tok.Hash;
    else if (len >= 16 && digits >= 2 && alnum) k = Tok.Hash;
    h = k === Tok.Id ? mix(tokHash, H_ID) : k === Tok.Hash ? mix(tokHash, H_HASH) : h;
  }
  if (i - segStart === 36 && isUuid(s, segStart, i)) h = mix(segHash, H_UUID);
  return h >>> 0;
}

/** hashNormalizedPath over a known path range [start, end) (two-pass form, for trailing slashes). */
function hashNormalizedRange(s: string, start: number, end: number, seed: number): number {
  let h = seed | 0;
  let segStart = start;
  let segHash = h;
  let t = start;
  let tokHash = h;
  let digits = 0;
  let hexLetters = 0;
  let alnum = true;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 47;
    const cls = c < 128 ? CHAR_CLASS[c] : C_OTHER;
    if (cls === C_SLASH || cls === C_SEP) {
      const len = i - t;
      if (len > 0) {
        let k = Tok.Keep;
        if (digits === len) k = Tok.Id;
        else if (digits + hexLetters === len && len >= 8 && digits > 0) k = Tok.Hash;
        else if (len >= 16 && digits >= 2 && alnum) k = Tok.Hash;
        h = k === Tok.Id ? mix(tokHash, H_ID) : k === Tok.Hash ? mix(tokHash, H_HASH) : h;
      }
      if (c === 47) {
        if (i - segStart === 36 && isUuid(s, segStart, i)) h = mix(segHash, H_UUID);
        if (i < end) h = mix(h, 47);
        segStart = i + 1;
        segHash = h;
      } else h = mix(h, c);
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
  return h >>> 0;
}
