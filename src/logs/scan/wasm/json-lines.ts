// AssemblyScript, compiled to dist/logs-json-lines.wasm by scripts/build.mjs (not TypeScript:
// excluded from tsc and eslint). The fast path of the log analyser for JSON lines.
//
// It takes the common lines off the JavaScript scanner's hands: JSON objects of the current
// minute whose endpoint is already known, and error lines (with their tracebacks) whose
// signature is already known. For such a line it counts the level, the request and its
// duration straight into per-endpoint slots, and an error as an event record, reading bytes in
// linear memory (no strings, no JSON.parse). Any other line (a new minute, endpoint or
// signature, text, an escape in the path, a string duration...) stops the scan and the
// JavaScript scanner handles that line with the full rules, then resumes this one. Both must
// agree on every line they both understand; test/logs/json-lines-wasm.test.ts checks the two
// paths give the same analysis.
//
// The rules mirror the JavaScript scanner in src/logs/scan/ (json-fields.ts: field search;
// json-values.ts: level, status, duration; json-line.ts and error-events.ts: the traceback
// states), normalize-path.ts (endpoint normalisation) and signature.ts (masks): change them together.

// ── names of bytes and states ────────────────────────────────────────────────
// @inline constants: the compiler writes each use as its number, so the module is what the
// literals made.
@inline const CH_TAB: i32 = 9; // '\t'
@inline const CH_LF: i32 = 10; // '\n'
@inline const CH_VT: i32 = 11; // vertical tab
@inline const CH_FF: i32 = 12; // form feed
@inline const CH_CR: i32 = 13; // '\r'
@inline const CH_SPACE: i32 = 32; // ' '
@inline const CH_QUOTE: i32 = 34; // '"'
@inline const CH_HASH: i32 = 35; // '#'
@inline const CH_PLUS: i32 = 43; // '+'
@inline const CH_COMMA: i32 = 44; // ','
@inline const CH_MINUS: i32 = 45; // '-'
@inline const CH_DOT: i32 = 46; // '.'
@inline const CH_SLASH: i32 = 47; // '/'
@inline const CH_0: i32 = 48; // '0'
@inline const CH_1: i32 = 49; // '1'
@inline const CH_9: i32 = 57; // '9'
@inline const CH_COLON: i32 = 58; // ':'
@inline const CH_QUESTION: i32 = 63; // '?'
@inline const CH_A: i32 = 65; // 'A'
@inline const CH_E: i32 = 69; // 'E'
@inline const CH_F: i32 = 70; // 'F'
@inline const CH_T: i32 = 84; // 'T'
@inline const CH_Z: i32 = 90; // 'Z'
@inline const CH_LBRACKET: i32 = 91; // '['
@inline const CH_BACKSLASH: i32 = 92; // '\\'
@inline const CH_RBRACKET: i32 = 93; // ']'
@inline const CH_UNDERSCORE: i32 = 95; // '_'
@inline const CH_a: i32 = 97; // 'a'
@inline const CH_b: i32 = 98; // 'b'
@inline const CH_d: i32 = 100; // 'd'
@inline const CH_e: i32 = 101; // 'e'
@inline const CH_f: i32 = 102; // 'f'
@inline const CH_i: i32 = 105; // 'i'
@inline const CH_n: i32 = 110; // 'n'
@inline const CH_r: i32 = 114; // 'r'
@inline const CH_t: i32 = 116; // 't'
@inline const CH_u: i32 = 117; // 'u'
@inline const CH_w: i32 = 119; // 'w'
@inline const CH_z: i32 = 122; // 'z'
@inline const CH_LBRACE: i32 = 123; // '{'
@inline const CH_RBRACE: i32 = 125; // '}'
@inline const CH_TILDE: i32 = 126; // '~'
@inline const CH_BS: i32 = 8; // backspace, what the escape \b decodes to
/** OR-ed into an ASCII letter: its lower case; AND-ed: its upper case. */
@inline const CASE_LOWER: i32 = 0x20;
@inline const CASE_UPPER: i32 = 0xdf;
/** Level classes, in JavaScript's LEVELS order (the per-level counts are indexed by them). */
@inline const LV_FATAL: i32 = 0;
@inline const LV_CRITICAL: i32 = 1;
@inline const LV_ERROR: i32 = 2;
@inline const LV_WARNING: i32 = 3;
@inline const LV_INFO: i32 = 4;
@inline const LV_DEBUG: i32 = 5;
@inline const LV_TRACE: i32 = 6;
@inline const LV_NONE: i32 = 7;
/** scan()'s mode: the current minute lies inside the window, or outside it (JavaScript's MinuteState). */
@inline const MODE_INSIDE: i32 = 0;
@inline const MODE_OUTSIDE: i32 = 1;
/** hashText()'s modes: as written, digits zeroed and hex ids masked, a traceback text. */
@inline const TEXT_AS_WRITTEN: i32 = 0;
@inline const TEXT_MASKED: i32 = 1;
@inline const TEXT_TRACEBACK: i32 = 2;
/** What putMask() writes for a token or segment: ':id', ':hash', ':uuid'. */
@inline const MASK_ID: i32 = 1;
@inline const MASK_HASH: i32 = 2;
@inline const MASK_UUID: i32 = 3;
@inline const UUID_LENGTH: i32 = 36;
/** Marks in the canonical text a signature hash is taken over: a hex run, a frame line, a blank line. */
@inline const MARK_HEX: i32 = 0x68;
@inline const MARK_FRAME: i32 = 0x66;
@inline const MARK_BLANK: i32 = 0x62;

// ── configuration written by JavaScript ──────────────────────────────────────
const NF: i32 = 6; // fields: ts, level, status, path, method, duration
const NA: i32 = 16; // aliases per field
const NS: i32 = 32; // bytes per needle: `"key":`
const F_TS: i32 = 0, F_LEVEL: i32 = 1, F_STATUS: i32 = 2, F_PATH: i32 = 3, F_METHOD: i32 = 4, F_DUR: i32 = 5;

const NEEDLES: usize = memory.data(NF * NA * NS, 16);
const NEEDLE_LEN: usize = memory.data(NF * NA * 4, 4);
const ALIAS_COUNT: usize = memory.data(NF * 4, 4);
const DUR_SCALE: usize = memory.data(NA * 8, 8);
/** "YYYY-MM-DDTHH:MM" of the current minute. */
const MINUTE_KEY: usize = memory.data(16, 16);

// ── per-scan state ───────────────────────────────────────────────────────────
const PRIMARY: usize = memory.data(NF * 4, 4); // alias that matched last, -1 none
const GAP: usize = memory.data(NF * 4, 4); // distance from the previous value's end to the key, -1 unknown
const ORDER: usize = memory.data(NF * 4, 4); // fields in the order lines write them
const NEXT: usize = memory.data(NF * NA * 4, 4); // next occurrence of each needle in the block (memo)
const NEXT_FROM: usize = memory.data(NF * NA * 4, 4); // the position that memo was searched from
const VAL: usize = memory.data(NF * 4, 4); // value start of each field on the current line, -1 absent
// The keys of the current line, found in one pass when a field is not where the last line had it.
const KEYPOS: usize = memory.data(NF * NA * 4, 4); // where needle k starts on the line
const KEYGEN: usize = memory.data(NF * NA * 4, 4); // the line (lineGen) KEYPOS[k] belongs to
const NTAB: i32 = 256; // needle hash table (power of two)
const NTAB_HASH: usize = memory.data(NTAB * 8, 8);
const NTAB_K: usize = memory.data(NTAB * 4, 4); // needle index + 1
let lineGen: i32 = 0;
let keysGen: i32 = -1;
/** The key pass met a needle twice on the line: its fields are searched for the old way. */
let keysOdd = false;
const SCRATCH: usize = memory.data(4096, 16); // normalised path

// ── results read by JavaScript ───────────────────────────────────────────────
/** [0] lines consumed, [1] JSON lines counted in the window, [2] exit reason, [3] last ts value pos,
 *  [4..5] new endpoint hash (lo, hi), [6..7] new signature hash (lo, hi), [8..15] lines per level
 *  class (fatal..none), [16] traceback lines counted (JavaScript's "continuation" lines). */
const STATS: usize = memory.data(32 * 4, 8);
const LEVEL_BASE: usize = STATS + 8 * 4;

const MAX_SLOTS: i32 = 8192;
const TABLE: i32 = 32768; // endpoint hash table (power of two)
const TKEYS: usize = memory.data(TABLE * 8, 8);
const TVALS: usize = memory.data(TABLE * 4, 4); // slot + 1
const S_REQ: usize = memory.data(MAX_SLOTS * 4, 4);
const S_DCOUNT: usize = memory.data(MAX_SLOTS * 4, 4);
const S_DSUM: usize = memory.data(MAX_SLOTS * 8, 8);
const S_DMAX: usize = memory.data(MAX_SLOTS * 8, 8);
const S_HIST: usize = memory.data(MAX_SLOTS * 4, 4); // pointer to the slot's histogram, 0 none
export const HIST_BUCKETS: i32 = 1100;

export const R_NONE: i32 = 0, R_NOT_JSON: i32 = 1, R_TIME: i32 = 2, R_LEVEL: i32 = 3, R_ERROR: i32 = 4, R_NEW_ENDPOINT: i32 = 5, R_ODD: i32 = 6, R_NEW_SIGNATURE: i32 = 7;

// ── error lines ──────────────────────────────────────────────────────────────
// An error line is counted here only when JavaScript would not need to look further: the
// object is flat and valid, its time is plain ISO UTC, and its signature (exception type plus
// masked message) is one JavaScript already named: a hash of what decides the signature maps
// to it. The hash keeps the exception type as written and zeroes digits where JavaScript masks
// them anyway (the message, the text after the first ':' of a traceback line, indented frame
// lines), so equal hashes mean equal signatures. Each such line becomes an event record for
// JavaScript to add up.
//
// The lines after an error line that are not JSON (a Python traceback) go into the hash too
// (hashBlock): JavaScript reads such a block line by line (frames, "Traceback ...", the
// exception line, which may rename the event) and registers its hash only when every line was a
// traceback line and the event stayed open, so a block with a known hash is one JavaScript read
// the same way. Such an event is committed only once the line after the block is counted here
// too: that line is what closes the event in JavaScript; if it needs JavaScript, the scan stops
// at the error line instead and nothing of the block was counted.
/** Alias keys of the message, exception type and exception text (JSON_ALIASES), written by JavaScript. */
const K_MSG: i32 = 0, K_EXTYPE: i32 = 1, K_EXTEXT: i32 = 2;
const KEY_TABLE: i32 = 256;
const KEY_HASH: usize = memory.data(KEY_TABLE * 8, 8);
const KEY_CODE: usize = memory.data(KEY_TABLE * 4, 4); // (list << 8 | priority) + 1
const KEY_MAX: i32 = 32; // bytes of an alias key kept for comparing (a longer key sends its lines to JavaScript)
const KEY_BYTES: usize = memory.data(KEY_TABLE * KEY_MAX, 16);
const KEY_LEN: usize = memory.data(KEY_TABLE * 4, 4);
/** Length of the longest alias key: a key longer than KEY_MAX could be one and is not compared here. */
let longestAlias: i32 = 0;
const SIG_TABLE: i32 = 8192;
const SIG_KEYS: usize = memory.data(SIG_TABLE * 8, 8);
const SIG_VALS: usize = memory.data(SIG_TABLE * 4, 4); // (signature index << 2 | traceback state after) + 1
const MAX_EVENTS: i32 = 4096;
/** Per event: ms (f64), endpoint slot, status, signature index, level class | traceback state after << 8. */
const EVENTS: usize = memory.data(MAX_EVENTS * 24, 8);
let eventCount: i32 = 0;
/** 1 when JavaScript has no traceback in progress, so an error line may be counted here. */
let errorsAllowed: i32 = 0;
// Value ranges [start, end) of the best alias of each list on the current line (-1 none) and its priority.
let aliasStart = new StaticArray<i32>(3);
let aliasEnd = new StaticArray<i32>(3);
let aliasRank = new StaticArray<i32>(3);


let inputPtr: usize = 0;
let inputCap: usize = 0;
let blockEnd: i32 = 0;

@inline function i32At(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline function setI32(base: usize, i: i32, v: i32): void { store<i32>(base + (<usize>i << 2), v); }
@inline function byte(p: i32): i32 { return <i32>load<u8>(<usize>p); }

export function needles(): usize { return NEEDLES; }
export function needleLens(): usize { return NEEDLE_LEN; }
export function aliasCounts(): usize { return ALIAS_COUNT; }
export function durScales(): usize { return DUR_SCALE; }
export function minuteKey(): usize { return MINUTE_KEY; }
export function stats(): usize { return STATS; }
export function events(): usize { return EVENTS; }
export function eventsCount(): i32 { return eventCount; }
export function slotRequests(): usize { return S_REQ; }
export function slotDurCount(): usize { return S_DCOUNT; }
export function slotDurSum(): usize { return S_DSUM; }
export function slotDurMax(): usize { return S_DMAX; }
export function slotHist(): usize { return S_HIST; }

/** A buffer of at least `size` bytes for input (the previous one is given up when it is too small). */
export function input(size: i32): usize {
  if (<usize>size > inputCap) {
    // Powers of two from 4 MiB: the reader's blocks vary a little in size, and each new
    // buffer grows the memory for good (this allocator never frees).
    let cap: usize = 4 << 20;
    while (cap < <usize>size) cap <<= 1;
    inputPtr = heap.alloc(cap + 64); // slack: SIMD reads run up to 32 bytes past a line end
    inputCap = cap;
  }
  return inputPtr;
}

/** Starts over after the aliases changed: field order, gaps and memos. */
export function configure(): void {
  for (let f = 0; f < NF; f++) {
    setI32(PRIMARY, f, -1);
    setI32(GAP, f, -1);
    setI32(ORDER, f, f);
  }
  memory.fill(NTAB_K, 0, <usize>NTAB * 4);
  memory.fill(KEYGEN, 0xff, <usize>(NF * NA) * 4);
  lineGen = 0;
  keysGen = -1;
  for (let k = 0; k < NF * NA; k++) {
    if (k % NA >= i32At(ALIAS_COUNT, k / NA)) continue;
    const h = keyHash(NEEDLES + <usize>(k * NS), i32At(NEEDLE_LEN, k));
    let i = <i32>(h ^ (h >> 32)) & (NTAB - 1);
    while (i32At(NTAB_K, i) !== 0) i = (i + 1) & (NTAB - 1);
    store<u64>(NTAB_HASH + (<usize>i << 3), h);
    setI32(NTAB_K, i, k + 1);
  }
  newBlock();
}

/** Forgets the memo of needle positions (call when the input buffer holds new bytes). */
export function newBlock(): void {
  for (let i = 0; i < NF * NA; i++) {
    setI32(NEXT, i, -1);
    setI32(NEXT_FROM, i, 0x7fffffff);
  }
}

/** Hash of the key bytes [p, p + len): length, first and last 8 bytes (a hit is compared in full). */
@inline function keyHash(p: usize, len: i32): u64 {
  let a: u64 = load<u64>(p);
  if (len < 8) a &= (<u64>1 << (<u64>len << 3)) - 1;
  const b: u64 = len > 8 ? load<u64>(p + <usize>(len - 8)) : 0;
  return mix64(mix64(<u64>len, a), b);
}

/** Registers alias `rank` of list `list` (K_MSG...) whose key bytes JavaScript wrote at `ptr`. */
export function addAlias(list: i32, rank: i32, ptr: usize, len: i32): void {
  if (len > longestAlias) longestAlias = len;
  if (len > KEY_MAX) return;
  const h = keyHash(ptr, len);
  let i = <i32>(h ^ (h >> 32)) & (KEY_TABLE - 1);
  for (let n = 0; n < KEY_TABLE; n++) {
    if (i32At(KEY_CODE, i) === 0) {
      store<u64>(KEY_HASH + (<usize>i << 3), h);
      setI32(KEY_CODE, i, ((list << 8) | rank) + 1);
      setI32(KEY_LEN, i, len);
      memory.copy(KEY_BYTES + <usize>(i * KEY_MAX), ptr, <usize>len);
      return;
    }
    i = (i + 1) & (KEY_TABLE - 1);
  }
}

/** (list << 8 | priority) of the alias whose key is [p, p + len), or -1 when it is none. */
function aliasOf(p: i32, len: i32): i32 {
  const h = keyHash(<usize>p, len);
  let i = <i32>(h ^ (h >> 32)) & (KEY_TABLE - 1);
  for (let n = 0; n < KEY_TABLE; n++) {
    const c = i32At(KEY_CODE, i);
    if (c === 0) return -1;
    if (load<u64>(KEY_HASH + (<usize>i << 3)) === h && i32At(KEY_LEN, i) === len && memory.compare(KEY_BYTES + <usize>(i * KEY_MAX), <usize>p, <usize>len) === 0) return c - 1;
    i = (i + 1) & (KEY_TABLE - 1);
  }
  return -1;
}

/**
 * An open-addressing map from u64 keys to i32 values over `size` entries (a power of two) at
 * `keys` and `vals`; a value is stored plus one, 0 marks an empty entry. The first value put
 * under a key stays.
 */
function mapPut(keys: usize, vals: usize, size: i32, key: u64, value: i32): void {
  let i = <i32>(key ^ (key >> 29)) & (size - 1);
  for (let n = 0; n < size; n++) {
    if (i32At(vals, i) === 0) {
      store<u64>(keys + (<usize>i << 3), key);
      setI32(vals, i, value + 1);
      return;
    }
    if (load<u64>(keys + (<usize>i << 3)) === key) return;
    i = (i + 1) & (size - 1);
  }
}

/** The value mapPut put under `key`, or -1. */
@inline function mapGet(keys: usize, vals: usize, size: i32, key: u64): i32 {
  let i = <i32>(key ^ (key >> 29)) & (size - 1);
  for (let n = 0; n < size; n++) {
    const v = i32At(vals, i);
    if (v === 0) return -1;
    if (load<u64>(keys + (<usize>i << 3)) === key) return v - 1;
    i = (i + 1) & (size - 1);
  }
  return -1;
}

@inline function key64(lo: i32, hi: i32): u64 {
  return (<u64>(<u32>hi) << 32) | <u64>(<u32>lo);
}

/** Links a signature hash to JavaScript's signature `index` and the traceback state (0 or 2) its lines leave. */
export function addSignature(lo: i32, hi: i32, index: i32, tb: i32): void {
  mapPut(SIG_KEYS, SIG_VALS, SIG_TABLE, key64(lo, hi), (index << 2) | (tb & 3));
}

/** (signature index << 2 | traceback state) of a signature hash, or -1. */
@inline function signatureOf(key: u64): i32 {
  return mapGet(SIG_KEYS, SIG_VALS, SIG_TABLE, key);
}

export function addEndpoint(lo: i32, hi: i32, slot: i32): void {
  if (slot < 0 || slot >= MAX_SLOTS) return;
  mapPut(TKEYS, TVALS, TABLE, key64(lo, hi), slot);
}

/** The slot of an endpoint hash, or -1. */
@inline function slotOf(key: u64): i32 {
  return mapGet(TKEYS, TVALS, TABLE, key);
}

// ── searching ────────────────────────────────────────────────────────────────

/** Position of the next '\n' in [p, end), or end. */
function lineEnd(p: i32, end: i32): i32 {
  // 32 bytes a round; reads past `end` stay in the input's slack, and a '\n' there is ignored.
  const nlv = i8x16.splat(10);
  while (p < end) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(<usize>p), nlv)) | (i8x16.bitmask(i8x16.eq(v128.load(<usize>p + 16), nlv)) << 16);
    if (m !== 0) {
      const at = p + ctz(m);
      return at < end ? at : end;
    }
    p += 32;
  }
  return end;
}

/** Whether needle k is at p: its (up to 32) bytes compared 16 at a time (the input has 32 bytes of slack). */
@inline function needleAt(p: i32, k: i32): bool {
  const n = i32At(NEEDLE_LEN, k);
  const q = NEEDLES + <usize>(k * NS);
  const m0 = i8x16.bitmask(i8x16.eq(v128.load(<usize>p), v128.load(q)));
  if (n <= 16) {
    const want = (1 << n) - 1;
    return (m0 & want) === want;
  }
  if (m0 !== 0xffff) return false;
  const want = (1 << (n - 16)) - 1;
  return (i8x16.bitmask(i8x16.eq(v128.load(<usize>p + 16), v128.load(q + 16))) & want) === want;
}

/** First occurrence of needle k at or after `from` in the block (blockEnd when none), memoised. */
function search(k: i32, from: i32): i32 {
  const memo = i32At(NEXT, k);
  if (memo >= from && i32At(NEXT_FROM, k) <= from) return memo;
  const n = i32At(NEEDLE_LEN, k);
  const q = NEEDLES + <usize>(k * NS);
  // Filter on the needle's first two bytes ('"' and the key's first letter), 16 positions at a time.
  const a = i8x16.splat(<i8>load<u8>(q));
  const b = i8x16.splat(<i8>load<u8>(q + 1));
  let p = from;
  let found = blockEnd;
  const stop = blockEnd - n;
  while (p + 17 <= blockEnd) {
    let m = i8x16.bitmask(v128.and(i8x16.eq(v128.load(<usize>p), a), i8x16.eq(v128.load(<usize>p + 1), b)));
    while (m !== 0) {
      const at = p + ctz(m);
      if (at <= stop && needleAt(at, k)) {
        found = at;
        break;
      }
      m &= m - 1;
    }
    if (found !== blockEnd) break;
    p += 16;
  }
  if (found === blockEnd) {
    for (; p <= stop; p++) {
      if (needleAt(p, k)) {
        found = p;
        break;
      }
    }
  }
  setI32(NEXT, k, found);
  setI32(NEXT_FROM, k, from);
  return found;
}

@inline function skipSpaces(p: i32): i32 {
  while (byte(p) === CH_SPACE) p++;
  return p;
}

/**
 * Finds every field key on the line [ls, le) in one pass: each `":` ends a key, whose opening
 * quote is the last '"' before it; a key that is a needle (by hash, then compared) is noted in
 * KEYPOS for this line. These are exactly the places a needle search would find. Returns true
 * when a needle occurs twice (the first one at or after a position then depends on the position).
 */
function scanKeys(ls: i32, le: i32): bool {
  const quote = i8x16.splat(34);
  const colon = i8x16.splat(58);
  for (let i = ls; i < le; i += 16) {
    let m = i8x16.bitmask(v128.and(i8x16.eq(v128.load(<usize>i), quote), i8x16.eq(v128.load(<usize>i + 1), colon)));
    while (m !== 0) {
      const q = i + ctz(m);
      m &= m - 1;
      if (q + 1 >= le) return false;
      let ks = q - 1;
      const lim = q - NS;
      while (ks > lim && ks >= ls && byte(ks) !== CH_QUOTE) ks--;
      if (ks <= lim || ks < ls) continue;
      const len = q + 2 - ks;
      const h = keyHash(<usize>ks, len);
      let t = <i32>(h ^ (h >> 32)) & (NTAB - 1);
      for (;;) {
        const k1 = i32At(NTAB_K, t);
        if (k1 === 0) break;
        const k = k1 - 1;
        if (load<u64>(NTAB_HASH + (<usize>t << 3)) === h && i32At(NEEDLE_LEN, k) === len && needleAt(ks, k)) {
          if (i32At(KEYGEN, k) === lineGen) return true;
          setI32(KEYGEN, k, lineGen);
          setI32(KEYPOS, k, ks);
        }
        t = (t + 1) & (NTAB - 1);
      }
    }
  }
  return false;
}

/**
 * Value start of field f on the line [ls, le), or -1: the alias that matched last, first where
 * the previous field's value ended plus the usual gap; else, from the line's keys (scanKeys),
 * that alias at or after `cursor`, then every alias in priority order anywhere on the line (the
 * scanner's FieldFinder, in bytes).
 */
function findField(f: i32, cursor: i32, ls: i32, le: i32): i32 {
  const count = i32At(ALIAS_COUNT, f);
  if (count === 0) return -1;
  const pa = i32At(PRIMARY, f);
  if (pa >= 0) {
    const k = f * NA + pa;
    const g = i32At(GAP, f);
    const n = i32At(NEEDLE_LEN, k);
    if (g >= 0 && cursor + g + n <= le && needleAt(cursor + g, k)) return skipSpaces(cursor + g + n);
  }
  if (keysGen !== lineGen) {
    keysGen = lineGen;
    keysOdd = scanKeys(ls, le);
  }
  if (keysOdd) return searchField(f, cursor, ls, le);
  if (pa >= 0) {
    const k = f * NA + pa;
    if (i32At(KEYGEN, k) === lineGen) {
      const p = i32At(KEYPOS, k);
      if (p >= cursor) {
        setI32(GAP, f, p - cursor);
        return skipSpaces(p + i32At(NEEDLE_LEN, k));
      }
    }
  }
  for (let a = 0; a < count; a++) {
    const k = f * NA + a;
    if (i32At(KEYGEN, k) !== lineGen) continue;
    const p = i32At(KEYPOS, k);
    setI32(PRIMARY, f, a);
    setI32(GAP, f, p >= cursor ? p - cursor : -1);
    return skipSpaces(p + i32At(NEEDLE_LEN, k));
  }
  return -1;
}

/** findField by needle searches, for a line with a key twice. */
function searchField(f: i32, cursor: i32, ls: i32, le: i32): i32 {
  const count = i32At(ALIAS_COUNT, f);
  const pa = i32At(PRIMARY, f);
  if (pa >= 0) {
    const k = f * NA + pa;
    const n = i32At(NEEDLE_LEN, k);
    const p = search(k, cursor);
    if (p + n <= le) {
      setI32(GAP, f, p - cursor);
      return skipSpaces(p + n);
    }
  }
  for (let a = 0; a < count; a++) {
    const k = f * NA + a;
    const p = search(k, ls);
    const n = i32At(NEEDLE_LEN, k);
    if (p + n <= le) {
      setI32(PRIMARY, f, a);
      setI32(GAP, f, p >= cursor ? p - cursor : -1);
      return skipSpaces(p + n);
    }
  }
  return -1;
}

// ── endpoint identity: method + normalised path (normalize-path.ts) ───────────

@inline function isDigit(c: i32): bool { return c >= CH_0 && c <= CH_9; }
@inline function isHexLetter(c: i32): bool { return (c >= CH_a && c <= CH_f) || (c >= CH_A && c <= CH_F); }
@inline function isAlnum(c: i32): bool { return isDigit(c) || (c >= CH_A && c <= CH_Z) || (c >= CH_a && c <= CH_z); }
@inline function isSep(c: i32): bool { return c === CH_DOT || c === CH_MINUS || c === CH_UNDERSCORE || c === CH_TILDE; }

function isUuid(a: i32, b: i32): bool {
  if (b - a !== UUID_LENGTH || byte(a + 8) !== CH_MINUS || byte(a + 13) !== CH_MINUS || byte(a + 18) !== CH_MINUS || byte(a + 23) !== CH_MINUS) return false;
  let hex = 0;
  for (let i = a; i < b; i++) {
    const f = <i32>load<u8>(CLASS + <usize>byte(i));
    hex += (f | (f >> 1)) & 1;
  }
  return hex === 32;
}

/** Byte classes for normalize(): digit, hex letter, ASCII letter, and the bytes that end a token. */
const C_DIGIT: u8 = 1, C_HEX: u8 = 2, C_ALPHA: u8 = 4, C_BREAK: u8 = 8;
const CLASS: usize = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  // space ! " # $ % & ' ( ) * + , - . /
  0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8,
  // 0-9 : ; < = > ?
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 8,
  // @ A-F G-O
  0, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4,
  // P-Z [ \ ] ^ _
  4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 8,
  // ` a-f g-o
  0, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4, 4, 4, 4, 4, 4,
  // p-z { | } ~ DEL
  4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 8, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/**
 * CLASS as one word per byte for normalize(): 1 for a digit, 1 << 10 for a hex letter,
 * 1 << 20 for a letter or digit (added up per token, 10 bits each: tokens are under 1024
 * bytes), and the sign bit for a byte that ends a token.
 */
const PACK: usize = memory.data(256 * 4, 4);
for (let c = 0; c < 256; c++) {
  const f = <u32>load<u8>(CLASS + <usize>c);
  store<u32>(PACK + (<usize>c << 2), (f & C_DIGIT) | (((f >> 1) & 1) << 10) | (((f | (f >> 2)) & 1) << 20) | (f & C_BREAK ? 0x80000000 : 0));
}

/** Writes a mask (:id, :hash, :uuid) at `out`; returns the new end. */
function putMask(out: usize, kind: i32): usize {
  if (kind === 1) { store<u32>(out, 0x64693a, 0); return out + 3; } // ":id" (+ a 0 that is overwritten or ignored)
  if (kind === 2) { store<u8>(out, 58); store<u32>(out + 1, 0x68736168); return out + 5; } // ":hash"
  store<u8>(out, 58); store<u32>(out + 1, 0x64697575); return out + 5; // ":uuid"
}

/**
 * Writes normalizePathRange(a, b) into SCRATCH in one pass and returns its length (more than
 * 4096: too long for this path). Each token is copied as it is read and replaced by its mask
 * when it ends (classifyToken's rules); a 36-byte segment that is a UUID is replaced whole;
 * trailing slashes are dropped from the output, which is the same as dropping them from the input.
 */
function normalize(a: i32, b: i32): i32 {
  if (b - a > 1000) return 5000; // masks can be longer than what they replace; PACK's counts fit
  let start = a;
  if (b - a > 8 && byte(a) !== CH_SLASH) {
    // scheme://host/...: keep the path.
    for (let i = a; i + 2 < b && i - a < 12; i++) {
      if (byte(i) === CH_COLON && byte(i + 1) === CH_SLASH && byte(i + 2) === CH_SLASH) {
        let s = i + 3;
        while (s < b && byte(s) !== CH_SLASH) s++;
        start = s;
        break;
      }
    }
  }
  let out: usize = SCRATCH;
  let segIn = start, tokIn = start;
  let segOut = out, tokOut = out;
  let counts: u32 = 0;
  let i = start;
  for (;;) {
    const c = i < b ? byte(i) : 63;
    const f = load<u32>(PACK + (<usize>c << 2));
    if (<i32>f >= 0) {
      store<u8>(out, <u8>c);
      out++;
      counts += f;
      i++;
      continue;
    }
    const digits = <i32>(counts & 0x3ff);
    const hexLetters = <i32>((counts >> 10) & 0x3ff);
    const alnum = <i32>((counts >> 20) & 0x3ff);
    counts = 0;
    const len = i - tokIn;
    if (len > 0) {
      // classifyToken: all digits; hex with a digit, 8+; long letters-and-digits with 2+ digits.
      if (digits === len) out = putMask(tokOut, MASK_ID);
      else if (digits + hexLetters === len && len >= 8 && digits > 0) out = putMask(tokOut, MASK_HASH);
      else if (len >= 16 && digits >= 2 && alnum === len) out = putMask(tokOut, MASK_HASH);
    }
    if (c === CH_SLASH || c === CH_QUESTION || c === CH_HASH) {
      if (i - segIn === UUID_LENGTH && isUuid(segIn, i)) out = putMask(segOut, MASK_UUID);
      if (c !== CH_SLASH) break; // ? # or the end
      store<u8>(out, 47);
      out++;
      segIn = i + 1;
      segOut = out;
    } else {
      store<u8>(out, <u8>c);
      out++;
    }
    i++;
    tokIn = i;
    tokOut = out;
  }
  let n = <i32>(out - SCRATCH);
  while (n > 1 && load<u8>(SCRATCH + <usize>(n - 1)) === 47) n--;
  if (n === 0) {
    store<u8>(SCRATCH, 47);
    n = 1;
  }
  return n;
}

// ── numbers and histogram (histogram.ts) ──────────────────────────────────────

function bucketOf(ms: f64): i32 {
  const us = ms * 1000;
  if (!(us >= 1)) return 0;
  const hi = <u32>(reinterpret<u64>(us) >> 32);
  const b = <i32>((hi >> 20) - 1023) * 32 + <i32>((hi >> 15) & 31) + 1;
  return b >= HIST_BUCKETS ? HIST_BUCKETS - 1 : b;
}

function addDuration(slot: i32, ms: f64): void {
  let h = load<usize>(S_HIST + (<usize>slot << 2));
  if (h === 0) {
    h = heap.alloc(<usize>HIST_BUCKETS * 4);
    memory.fill(h, 0, <usize>HIST_BUCKETS * 4);
    store<usize>(S_HIST + (<usize>slot << 2), h);
  }
  const at = h + (<usize>bucketOf(ms) << 2);
  store<u32>(at, load<u32>(at) + 1);
  setI32(S_DCOUNT, slot, i32At(S_DCOUNT, slot) + 1);
  const s = S_DSUM + (<usize>slot << 3);
  store<f64>(s, load<f64>(s) + ms);
  const m = S_DMAX + (<usize>slot << 3);
  if (ms > load<f64>(m)) store<f64>(m, ms);
}

// ── the scan ─────────────────────────────────────────────────────────────────

/** End of the quoted string whose opening quote is at v (its closing quote), or -1 on an escape or no end. */
function quotedEnd(v: i32, le: i32): i32 {
  for (let i = v + 1; i < le; i++) {
    const c = byte(i);
    if (c === CH_QUOTE) return i;
    if (c === CH_BACKSLASH) return -1;
  }
  return -1;
}

/** End of the plain (unquoted) value at v: the first , } ] or space. */
function plainEnd(v: i32, le: i32): i32 {
  let i = v;
  while (i < le) {
    const c = byte(i);
    if (c === CH_COMMA || c === CH_RBRACE || c === CH_RBRACKET || c === CH_SPACE) return i;
    i++;
  }
  return le;
}

// Per-line results of the field loop.
let lineLevel: i32 = LV_NONE;
let lineStatus: i32 = 0;
let pathStart: i32 = -1;
let pathEnd: i32 = -1;
let methodStart: i32 = -1;
let methodEnd: i32 = -1;
let lineDur: f64 = -1;

/**
 * Reads field f's value at v. Returns where the value ends (the cursor for the next field), or
 * -1 when the line is not one this module decides (STATS[2] says why).
 */
function readField(f: i32, v: i32, le: i32): i32 {
  if (f === F_TS) {
    if (byte(v) !== CH_QUOTE || v + 18 > le) return halt(R_TIME);
    // "YYYY-MM-DDTHH:MM" as two 8-byte words, the second (where minutes change) first.
    if (load<u64>(<usize>v + 9) !== load<u64>(MINUTE_KEY + 8) || load<u64>(<usize>v + 1) !== load<u64>(MINUTE_KEY)) return halt(R_TIME);
    return v + 17;
  }
  if (f === F_LEVEL) {
    if (byte(v) === CH_QUOTE) {
      const q = v + 1;
      const c = byte(q) | CASE_LOWER;
      const c1 = byte(q + 1) | CASE_LOWER;
      if (c === CH_i && c1 === CH_n && byte(q + 4) === CH_QUOTE) { lineLevel = LV_INFO; return q + 5; } // info
      if (c === CH_d && c1 === CH_e && byte(q + 5) === CH_QUOTE) { lineLevel = LV_DEBUG; return q + 6; } // debug
      if (c === CH_w && c1 === CH_a) { // warn, warning
        if (byte(q + 4) === CH_QUOTE) { lineLevel = LV_WARNING; return q + 5; }
        if (byte(q + 7) === CH_QUOTE) { lineLevel = LV_WARNING; return q + 8; }
      }
      if (errorsAllowed !== 0) {
        if (c === CH_e && c1 === CH_r && byte(q + 5) === CH_QUOTE) { lineLevel = LV_ERROR; return q + 6; } // error
        if (wordAt(q, 0x6c61636974697263, 8)) { lineLevel = LV_CRITICAL; return q + 9; } // critical
        if (wordAt(q, 0x6c61746166, 5)) { lineLevel = LV_FATAL; return q + 6; } // fatal
      }
      return halt(R_LEVEL);
    }
    let c = byte(v);
    if (!isDigit(c)) {
      // readNumberEnd's characters make a number JavaScript reads, and an object may hold a
      // level name (loguru): JavaScript's. Anything else is no level.
      if (c === CH_DOT || c === CH_MINUS || c === CH_PLUS || c === CH_e || c === CH_E || c === CH_LBRACE) return halt(R_LEVEL);
      lineLevel = LV_NONE;
      return plainEnd(v, le);
    }
    let n = 0;
    let i = v;
    while (isDigit(c) && n < 1000) {
      n = n * 10 + c - 48;
      c = byte(++i);
    }
    if (c === CH_DOT || c === CH_MINUS || c === CH_PLUS || c === CH_e || c === CH_E || isDigit(c) || (n >= 50 && errorsAllowed === 0)) return halt(R_LEVEL);
    lineLevel = n >= 60 ? LV_FATAL : n >= 50 ? LV_ERROR : n >= 40 ? LV_WARNING : n >= 30 ? LV_INFO : n >= 20 ? LV_DEBUG : LV_TRACE;
    return i;
  }
  if (f === F_STATUS) {
    let i = byte(v) === CH_QUOTE ? v + 1 : v;
    let c = byte(i);
    let status = 0;
    while (isDigit(c)) {
      if (status < 100000) status = status * 10 + c - 48;
      c = byte(++i);
    }
    if (status < 100 || status > 999) status = 0;
    if (status >= 500 && errorsAllowed === 0) return halt(R_ERROR);
    lineStatus = status;
    return i;
  }
  if (f === F_PATH) {
    if (byte(v) !== CH_QUOTE) return plainEnd(v, le);
    const e = quotedEnd(v, le);
    if (e < 0) return halt(R_ODD);
    pathStart = v + 1;
    pathEnd = e;
    return e + 1;
  }
  if (f === F_METHOD) {
    if (byte(v) !== CH_QUOTE) return plainEnd(v, le);
    let e = v + 1;
    while (e < le && byte(e) !== CH_QUOTE) e++;
    if (e > v + 1 && e - v < 12) {
      for (let i = v + 1; i < e; i++) {
        const c = byte(i) & CASE_UPPER;
        if (c < CH_A || c > CH_Z) return halt(R_ODD);
      }
      methodStart = v + 1;
      methodEnd = e;
    }
    return e + 1;
  }
  // F_DUR
  if (byte(v) === CH_QUOTE) return halt(R_ODD);
  let i = v;
  let c = byte(i);
  if (!isDigit(c)) return plainEnd(v, le);
  let n: f64 = 0;
  while (isDigit(c)) {
    n = n * 10 + <f64>(c - 48);
    c = byte(++i);
  }
  if (c === CH_DOT) {
    let scale: f64 = 0.1;
    c = byte(++i);
    while (isDigit(c)) {
      n += <f64>(c - 48) * scale;
      scale *= 0.1;
      c = byte(++i);
    }
  }
  if (c === CH_e || c === CH_E) return halt(R_ODD);
  lineDur = n * load<f64>(DUR_SCALE + (<usize>i32At(PRIMARY, F_DUR) << 3));
  return i;
}

/** Whether the quoted word at q is `word` (its letters packed little-endian, any case) followed by '"'. */
function wordAt(q: i32, word: u64, len: i32): bool {
  for (let i = 0; i < len; i++) if ((byte(q + i) | CASE_LOWER) !== <i32>((word >> (<u64>i * 8)) & 0xff)) return false;
  return byte(q + len) === CH_QUOTE;
}

function halt(reason: i32): i32 {
  setI32(STATS, 2, reason);
  return -1;
}

@inline function mix64(h: u64, w: u64): u64 {
  h = (h ^ w) * 0x9e3779b97f4a7c15;
  return h ^ (h >> 29);
}

/** Identity of method + normalised path; 0 when the path is too long to normalise here. */
function endpointHash(): u64 {
  let h: u64 = 0x243f6a8885a308d3;
  if (methodStart >= 0) for (let i = methodStart; i < methodEnd; i++) h = (h << 8) | <u64>(byte(i) & CASE_UPPER);
  h = mix64(0x13198a2e03707344, h);
  const n = normalize(pathStart, pathEnd);
  if (n > 4088) return 0;
  store<u64>(SCRATCH + <usize>n, 0);
  for (let i = 0; i < n; i += 8) h = mix64(h, load<u64>(SCRATCH + <usize>i));
  return mix64(h, <u64>n);
}

// ── error lines: validation, signature hash, time ─────────────────────────────

/** Days from 1970-01-01 to y-m-d (proleptic Gregorian; d may run past the month, as Date.UTC allows). */
function daysFromCivil(y: i32, m: i32, d: i32): i64 {
  const yy = m <= 2 ? y - 1 : y;
  const era = (yy >= 0 ? yy : yy - 399) / 400;
  const yoe = yy - era * 400;
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return <i64>era * 146097 + <i64>doe - 719468;
}

function digitsAt(p: i32, n: i32): i32 {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = byte(p + i);
    if (!isDigit(c)) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** "YYYY-MM-DDTHH:MM:SS(.fff)Z" at q followed by '"', as epoch ms; -1 for any other shape. */
function isoMs(q: i32): f64 {
  if (byte(q + 4) !== CH_MINUS || byte(q + 7) !== CH_MINUS || byte(q + 10) !== CH_T || byte(q + 13) !== CH_COLON || byte(q + 16) !== CH_COLON) return -1;
  let frac = 0;
  if (byte(q + 19) === CH_DOT) {
    frac = digitsAt(q + 20, 3);
    if (frac < 0 || byte(q + 23) !== CH_Z || byte(q + 24) !== CH_QUOTE) return -1;
  } else if (byte(q + 19) !== CH_Z || byte(q + 20) !== CH_QUOTE) return -1;
  const y = digitsAt(q, 4), mo = digitsAt(q + 5, 2), d = digitsAt(q + 8, 2), h = digitsAt(q + 11, 2), mi = digitsAt(q + 14, 2), sec = digitsAt(q + 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 0 || h < 0 || mi < 0 || sec < 0) return -1;
  return <f64>daysFromCivil(y, mo, d) * 86400000 + <f64>(h * 3600000 + mi * 60000 + sec * 1000 + frac);
}

/** Escapes the last stringEnd met: 1 any, 2 a \u escape. */
let stringEscapes: i32 = 0;

/**
 * End of the JSON string starting at its opening quote q (after the closing quote), or -1 if
 * invalid. Plain bytes are skipped 16 at a time; only quotes, backslashes and control bytes
 * are looked at (the input has 32 bytes of slack past any line).
 */
function stringEnd(q: i32, e: i32): i32 {
  const quote = i8x16.splat(34);
  const backslash = i8x16.splat(92);
  const space = i8x16.splat(32);
  stringEscapes = 0;
  let i = q + 1;
  while (i < e) {
    const v = v128.load(<usize>i);
    const m = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), i8x16.lt_u(v, space)));
    if (m === 0) {
      i += 16;
      continue;
    }
    i += ctz(m);
    if (i >= e) return -1;
    const c = byte(i);
    if (c === CH_QUOTE) return i + 1;
    if (c < CH_SPACE) return -1;
    const x = byte(i + 1);
    stringEscapes |= 1;
    if (x === CH_u) {
      stringEscapes |= 2;
      for (let k = 2; k < 6; k++) {
        const hx = byte(i + k);
        if (!isDigit(hx) && !isHexLetter(hx)) return -1;
      }
      i += 6;
      continue;
    }
    if (x !== CH_QUOTE && x !== CH_BACKSLASH && x !== CH_SLASH && x !== CH_b && x !== CH_f && x !== CH_n && x !== CH_r && x !== CH_t) return -1;
    i += 2;
  }
  return -1;
}

/** End of the JSON number at p, or -1 if it is not one (JSON's grammar: no leading zeros, no bare dot). */
function numberEnd(p: i32, e: i32): i32 {
  let i = p;
  if (byte(i) === CH_MINUS) i++;
  if (byte(i) === CH_0) i++;
  else if (byte(i) >= CH_1 && byte(i) <= CH_9) while (isDigit(byte(i))) i++;
  else return -1;
  if (byte(i) === CH_DOT) {
    i++;
    if (!isDigit(byte(i))) return -1;
    while (isDigit(byte(i))) i++;
  }
  if (byte(i) === CH_e || byte(i) === CH_E) {
    i++;
    if (byte(i) === CH_PLUS || byte(i) === CH_MINUS) i++;
    if (!isDigit(byte(i))) return -1;
    while (isDigit(byte(i))) i++;
  }
  return i <= e ? i : -1;
}

@inline function skipWs(p: i32): i32 {
  let c = byte(p);
  while (c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR) c = byte(++p);
  return p;
}

@inline function matches(p: i32, lit: u32, n: i32): bool {
  for (let i = 0; i < n; i++) if (byte(p + i) !== <i32>((lit >> (<u32>i * 8)) & 0xff)) return false;
  return true;
}

/**
 * Checks that [ls, e) is one flat, valid JSON object (what JSON.parse accepts, without nested
 * objects or arrays) and notes the best alias of the message, exception type and exception
 * text: the first in priority order whose value is a non-empty string, as `pick` chooses.
 * false: JavaScript must read this line (invalid, nested, \u escapes or a non-string value
 * under one of those keys, or one of those keys twice).
 */
function readErrorObject(ls: i32, e: i32): bool {
  for (let k = 0; k < 3; k++) {
    aliasStart[k] = -1;
    aliasRank[k] = 0x7fffffff;
  }
  let seen: u64 = 0;
  let p = skipWs(ls + 1);
  if (byte(p) === CH_RBRACE) return skipWs(p + 1) >= e;
  for (;;) {
    if (byte(p) !== CH_QUOTE) return false;
    const ke = stringEnd(p, e);
    if (ke < 0) return false;
    const keyAt = p + 1;
    const keyLen = ke - 1 - keyAt;
    // An escaped key may spell an alias, and a key longer than those kept may be one.
    const plainKey = stringEscapes === 0 && (keyLen <= KEY_MAX || keyLen > longestAlias);
    p = skipWs(ke);
    if (byte(p) !== CH_COLON) return false;
    p = skipWs(p + 1);
    const v = p;
    const c = byte(p);
    if (c === CH_QUOTE) {
      p = stringEnd(p, e);
      if (p < 0) return false;
    } else if (c === CH_LBRACE || c === CH_LBRACKET) return false;
    else if (matches(p, 0x65757274, 4)) p += 4; // true
    else if (matches(p, 0x6c6c756e, 4)) p += 4; // null
    else if (matches(p, 0x736c6166, 4) && byte(p + 4) === CH_e) p += 5; // false
    else {
      p = numberEnd(p, e);
      if (p < 0) return false;
    }
    if (!plainKey) return false;
    const code = aliasOf(keyAt, keyLen);
    if (code >= 0) {
      const list = code >> 8;
      const rank = code & 0xff;
      const bit: u64 = <u64>1 << <u64>((list * 20 + rank) & 63);
      if (seen & bit) return false; // JSON.parse keeps the last of duplicates
      seen |= bit;
      if (c === CH_QUOTE) {
        if (p - v > 2 && rank < aliasRank[list]) {
          if (stringEscapes & 2) return false; // the value's \u escapes are JavaScript's to decode
          aliasStart[list] = v + 1;
          aliasEnd[list] = p - 1;
          aliasRank[list] = rank;
        }
      } else if (c !== CH_n) return false; // a number or boolean JavaScript would turn into text
    }
    p = skipWs(p);
    if (byte(p) === CH_COMMA) {
      p = skipWs(p + 1);
      continue;
    }
    if (byte(p) !== CH_RBRACE) return false;
    return skipWs(p + 1) >= e;
  }
}

@inline function isWord(c: i32): bool { return isAlnum(c) || c === CH_UNDERSCORE; }

// Text is hashed through a canonical copy: bytes are written (digits zeroed, marks for what
// JavaScript masks or skips) to CANON, which is hashed 8 bytes at a time. Marks start with
// 0xff, and a 0xff byte of the text is written as 0xff 0x00, so no text spells a mark.
const CANON_CAP: i32 = 4096;
const CANON: usize = memory.data(CANON_CAP + 16, 16);
let canonLen: i32 = 0;
let canonHash: u64 = 0;

function canonFlush(): void {
  store<u64>(CANON + <usize>canonLen, 0);
  for (let i = 0; i < canonLen; i += 8) canonHash = mix64(canonHash, load<u64>(CANON + <usize>i));
  canonHash = mix64(canonHash, <u64>canonLen);
  canonLen = 0;
}

@inline function canonStart(h: u64): void {
  canonHash = h;
  canonLen = 0;
}

@inline function canonByte(c: i32): void {
  if (canonLen >= CANON_CAP - 8) canonFlush();
  store<u8>(CANON + <usize>canonLen, <u8>c);
  canonLen++;
  if (c === 0xff) {
    store<u8>(CANON + <usize>canonLen, 0);
    canonLen++;
  }
}

@inline function canonMark(tag: i32, value: i32): void {
  if (canonLen >= CANON_CAP - 8) canonFlush();
  store<u32>(CANON + <usize>canonLen, 0xff | (tag << 8) | (value << 16));
  canonLen += 4;
}

@inline function canonEnd(): u64 {
  canonFlush();
  return canonHash;
}

/** Where the word run canonRun read ended. */
let runEnd: i32 = 0;

/**
 * Writes the word run ([A-Za-z0-9_]+) at i with digits zeroed; with `hex`, a run that
 * JavaScript's masks would replace by <hex> (all hex digits, at least one digit and one
 * letter, 6 or more long) is written as a mark with its length only. Its length is kept
 * because the <uuid> mask, which runs first, depends on it; `hex` is only passed for text
 * short enough that JavaScript does not cut it (500 characters) inside a run.
 */
function canonRun(i: i32, b: i32, hex: bool): void {
  let j = i;
  let allHex = true;
  let digits = 0;
  let letters = 0;
  while (j < b) {
    const c = byte(j);
    if (!isWord(c)) break;
    if (isDigit(c)) digits++;
    else if (isHexLetter(c)) letters++;
    else allHex = false;
    j++;
  }
  runEnd = j;
  if (hex && allHex && digits > 0 && letters > 0 && j - i >= 6) {
    canonMark(MARK_HEX, j - i);
    return;
  }
  for (let k = i; k < j; k++) {
    const c = byte(k);
    canonByte(isDigit(c) ? CH_0 : c);
  }
}

/** Longest text (bytes) whose hex runs are masked in the hash (JavaScript masks the first 500 characters). */
const HEX_MASK_MAX: i32 = 500;

/**
 * Hashes the decoded bytes of the JSON string body [a, b). mode 0: as written; 1: digits
 * zeroed and hex ids masked (canonRun); 2: a traceback text, line by line: up to the first ':'
 * as written (the exception type), masked like mode 1 after it, and lines after the first that
 * start with whitespace (frames, which JavaScript skips) reduced to a mark.
 */
function hashText(h: u64, a: i32, b: i32, mode: i32): u64 {
  let lineStart = true;
  let firstLine = true;
  let afterColon = false;
  let frame = false;
  const hex = b - a <= HEX_MASK_MAX;
  canonStart(h);
  for (let i = a; i < b; i++) {
    let c = byte(i);
    if (c === CH_BACKSLASH) {
      const x = byte(++i);
      c = x === CH_n ? CH_LF : x === CH_t ? CH_TAB : x === CH_r ? CH_CR : x === CH_b ? CH_BS : x === CH_f ? CH_FF : x;
    } else if (mode !== TEXT_AS_WRITTEN && isWord(c) && (mode === TEXT_MASKED || afterColon) && !frame) {
      // (escapes never decode to a word character here: \u is refused before hashing)
      canonRun(i, b, hex);
      i = runEnd - 1;
      lineStart = false;
      continue;
    }
    if (mode === TEXT_TRACEBACK) {
      if (c === CH_LF) {
        lineStart = true;
        firstLine = false;
        afterColon = false;
        frame = false;
      } else {
        if (lineStart && !firstLine && (c === CH_SPACE || c === CH_TAB || c === CH_CR || c === CH_VT || c === CH_FF)) {
          frame = true;
          canonMark(MARK_FRAME, 0);
        }
        lineStart = false;
        if (frame) continue;
        if (c === CH_COLON) afterColon = true;
      }
    }
    canonByte(c);
  }
  return canonEnd();
}

/** The signature key of the current error line (level or status when nothing names an exception). */
function signatureHash(): u64 {
  let h = mix64(0x452821e638d01377, <u64>(lineLevel <= LV_ERROR ? lineLevel : 16 + lineStatus));
  if (aliasStart[K_EXTYPE] >= 0) h = mix64(mix64(h, 1), textHash(aliasStart[K_EXTYPE], aliasEnd[K_EXTYPE], 0));
  if (aliasStart[K_MSG] >= 0) h = mix64(mix64(h, 2), textHash(aliasStart[K_MSG], aliasEnd[K_MSG], 1));
  if (aliasStart[K_EXTEXT] >= 0) h = mix64(mix64(h, 3), textHash(aliasStart[K_EXTEXT], aliasEnd[K_EXTEXT], 2));
  return h === 0 ? 1 : h;
}

// Messages and exception types repeat word for word: their hashes are kept under a hash of
// the raw bytes (8 at a time), which costs a fraction of canonicalising them again.
const TEXT_CACHE: i32 = 1024; // entries (power of two), direct-mapped
const TEXT_RAW: usize = memory.data(TEXT_CACHE * 8, 8);
const TEXT_HASH: usize = memory.data(TEXT_CACHE * 8, 8);

/** hashText(seed, a, b, mode), through the cache. */
function textHash(a: i32, b: i32, mode: i32): u64 {
  let raw: u64 = mix64(0x3c6ef372fe94f82b, <u64>((b - a) * 4 + mode));
  let i = a;
  for (; i + 8 <= b; i += 8) raw = mix64(raw, load<u64>(<usize>i));
  if (i < b) raw = mix64(raw, load<u64>(<usize>i) & ((<u64>1 << (<u64>(b - i) << 3)) - 1));
  if (raw === 0) raw = 1;
  const slot = <usize>(<i32>raw & (TEXT_CACHE - 1)) << 3;
  if (load<u64>(TEXT_RAW + slot) === raw) return load<u64>(TEXT_HASH + slot);
  const h = hashText(0x13198a2e03707344, a, b, mode);
  store<u64>(TEXT_RAW + slot, raw);
  store<u64>(TEXT_HASH + slot, h);
  return h;
}

/**
 * Mixes into h the lines [a, b) after an error line, as JavaScript's traceback rules see them:
 * a line starting with a space or tab is a frame (only that is looked at); a line starting with
 * a digit may carry a Docker or journald time prefix and is taken as written; any other line is
 * taken as written up to its first ':' (the exception type, "Traceback (most recent call last):")
 * and masked after it like a message (canonRun: JavaScript masks the exception's message).
 */
function hashBlock(h: u64, a: i32, b: i32): u64 {
  canonStart(mix64(h, 0x626c6f636b));
  let i = a;
  while (i < b) {
    const nl = lineEnd(i, b);
    let le = nl;
    if (le > i && byte(le - 1) === CH_CR) le--;
    const c0 = byte(i);
    if (le === i) canonMark(MARK_BLANK, 0);
    else if (c0 === CH_SPACE || c0 === CH_TAB) canonMark(MARK_FRAME, 0);
    else {
      let masked = false;
      const raw = isDigit(c0);
      const hex = le - i <= HEX_MASK_MAX;
      for (let j = i; j < le; j++) {
        const c = byte(j);
        if (masked && isWord(c)) {
          canonRun(j, le, hex);
          j = runEnd - 1;
          continue;
        }
        if (c === CH_COLON && !raw) masked = true;
        canonByte(c);
      }
    }
    canonByte(10);
    i = nl + 1;
  }
  const r = canonEnd();
  return r === 0 ? 1 : r;
}

/** Start of the first line at or after `a` that starts with '{' (or end); blockLines counts the lines before it. */
let blockLines: i32 = 0;
function jsonLineAfter(a: i32, end: i32): i32 {
  let i = a;
  blockLines = 0;
  while (i < end && byte(i) !== CH_LBRACE) {
    i = lineEnd(i, end) + 1;
    blockLines++;
  }
  return i < end ? i : end;
}

// An error line with a traceback block, counted once the line after the block is (see the top).
let pend: i32 = 0;
let pendLs: i32 = 0;
let pendTv: i32 = 0;
let pendSlot: i32 = -1;
let pendLevel: i32 = 0;
let pendStatus: i32 = 0;
let pendDur: f64 = -1;
let pendMs: f64 = 0;
let pendCode: i32 = 0;
let pendLines: i32 = 0;
let contCount: i32 = 0;

function addEvent(ms: f64, slot: i32, status: i32, code: i32, level: i32): void {
  const ev = EVENTS + <usize>(eventCount * 24);
  store<f64>(ev, ms);
  store<i32>(ev, slot, 8);
  store<i32>(ev, status, 12);
  store<i32>(ev, code >> 2, 16);
  store<i32>(ev, level | ((code & 3) << 8), 20);
  eventCount++;
}

function countRequest(slot: i32, status: i32, dur: f64): void {
  if (slot < 0) return;
  if (status !== 0 || dur >= 0) setI32(S_REQ, slot, i32At(S_REQ, slot) + 1);
  if (dur >= 0) addDuration(slot, dur);
}

/**
 * Scans lines from `pos` to `end` (end must be a line end or the end of the input). mode 0: the
 * current minute lies inside the window; mode 1: outside it (lines are only counted). Returns
 * where it stopped: past `end`, or the start of a line JavaScript must handle (STATS[2] says why).
 */
export function scan(pos: i32, end: i32, mode: i32, errors: i32): i32 {
  blockEnd = end;
  errorsAllowed = mode === MODE_INSIDE ? errors : 0;
  eventCount = 0;
  setI32(STATS, 2, R_NONE);
  let ls = pos;
  let consumed = 0;
  let counted = 0;
  let lastTs = -1;
  pend = 0;
  contCount = 0;
  while (ls < end) {
    const nl = lineEnd(ls, end);
    let le = nl;
    if (le > ls && byte(le - 1) === CH_CR) le--;
    if (byte(ls) !== CH_LBRACE) break;
    let e = le;
    while (e > ls && byte(e - 1) <= CH_SPACE) e--;
    if (byte(e - 1) !== CH_RBRACE) break;

    // Fields in the order the log writes them, each looked for where the previous one ended.
    lineGen++;
    lineLevel = LV_NONE;
    lineStatus = 0;
    pathStart = -1;
    methodStart = -1;
    lineDur = -1;
    let cursor = ls + 1;
    let reorder = false;
    let ok = true;
    let tv = -1;
    for (let k = 0; k < NF; k++) {
      const f = i32At(ORDER, k);
      if (mode === MODE_OUTSIDE && f !== F_TS) continue;
      // The usual case inline: the key right where the last line had it.
      let v = -1;
      const pa = i32At(PRIMARY, f);
      const g = i32At(GAP, f);
      const kk = f * NA + pa;
      const at = cursor + g;
      if (pa >= 0 && g >= 0 && at + i32At(NEEDLE_LEN, kk) <= le && needleAt(at, kk)) v = skipSpaces(at + i32At(NEEDLE_LEN, kk));
      else v = findField(f, cursor, ls, le);
      setI32(VAL, f, v);
      if (v < 0) continue;
      if (f === F_TS) tv = v;
      const ve = readField(f, v, le);
      if (ve < 0) {
        ok = false;
        break;
      }
      if (v < cursor) reorder = true;
      else cursor = ve;
    }
    if (!ok) break;
    if (tv < 0) {
      setI32(STATS, 2, R_TIME);
      break;
    }
    if (reorder && mode === MODE_INSIDE) sortOrder();
    if (mode === MODE_OUTSIDE) {
      consumed++;
      ls = nl + 1;
      continue;
    }

    let slot = -1;
    if (pathStart >= 0 && pathEnd > pathStart) {
      const h = endpointHash();
      slot = h === 0 ? -1 : slotOf(h);
      if (slot < 0) {
        setI32(STATS, 4, <i32>(<u32>h));
        setI32(STATS, 5, <i32>(<u32>(h >> 32)));
        setI32(STATS, 2, h === 0 ? R_ODD : R_NEW_ENDPOINT);
        break;
      }
    }

    const isError = lineLevel <= LV_ERROR || lineStatus >= 500;
    let sigCode = 0;
    let next = nl + 1;
    let ms: f64 = 0;
    if (isError) {
      // An error line: counted here only when JavaScript would add nothing (see the top).
      if (nl + 1 >= end || eventCount >= MAX_EVENTS - 2) {
        setI32(STATS, 2, R_ERROR);
        break;
      }
      blockLines = 0;
      if (byte(next) !== CH_LBRACE) {
        next = jsonLineAfter(next, end);
        if (next >= end) {
          setI32(STATS, 2, R_ERROR);
          break;
        }
      }
      ms = isoMs(tv + 1);
      if (ms < 0 || !readErrorObject(ls, e)) {
        setI32(STATS, 2, R_ERROR);
        break;
      }
      let sh = signatureHash();
      if (blockLines > 0) sh = hashBlock(sh, nl + 1, next);
      sigCode = signatureOf(sh);
      if (sigCode < 0) {
        setI32(STATS, 6, <i32>(<u32>sh));
        setI32(STATS, 7, <i32>(<u32>(sh >> 32)));
        setI32(STATS, 2, R_NEW_SIGNATURE);
        break;
      }
    }
    // This line is counted: it closes a waiting traceback event, which is counted first.
    if (pend) {
      pend = 0;
      addEvent(pendMs, pendSlot, pendStatus, pendCode, pendLevel);
      consumed += 1 + pendLines;
      counted++;
      contCount += pendLines;
      setI32(LEVEL_BASE, pendLevel, i32At(LEVEL_BASE, pendLevel) + 1);
      countRequest(pendSlot, pendStatus, pendDur);
      lastTs = pendTv;
    }
    if (isError) {
      if (blockLines > 0) {
        pend = 1;
        pendLs = ls;
        pendTv = tv;
        pendSlot = slot;
        pendLevel = lineLevel;
        pendStatus = lineStatus;
        pendDur = lineDur;
        pendMs = ms;
        pendCode = sigCode;
        pendLines = blockLines;
        ls = next;
        continue;
      }
      addEvent(ms, slot, lineStatus, sigCode, lineLevel);
    }
    consumed++;
    counted++;
    setI32(LEVEL_BASE, lineLevel, i32At(LEVEL_BASE, lineLevel) + 1);
    lastTs = tv;
    countRequest(slot, lineStatus, lineDur);
    ls = nl + 1;
  }
  if (pend) {
    // The line after a traceback needs JavaScript: so does the error line, with its traceback.
    pend = 0;
    ls = pendLs;
    setI32(STATS, 2, R_ERROR);
  }
  setI32(STATS, 0, consumed);
  setI32(STATS, 1, counted);
  setI32(STATS, 3, lastTs);
  setI32(STATS, 16, contCount);
  if (ls < end && i32At(STATS, 2) === R_NONE) setI32(STATS, 2, R_NOT_JSON);
  return ls;
}

/** Re-sorts ORDER by where this line had each field (absent fields last). */
function sortOrder(): void {
  for (let i = 1; i < NF; i++) {
    const f = i32At(ORDER, i);
    const pf = i32At(VAL, f) < 0 ? 0x7fffffff : i32At(VAL, f);
    let j = i - 1;
    while (j >= 0) {
      const g = i32At(ORDER, j);
      const pg = i32At(VAL, g) < 0 ? 0x7fffffff : i32At(VAL, g);
      if (pg <= pf) break;
      setI32(ORDER, j + 1, g);
      j--;
    }
    setI32(ORDER, j + 1, f);
  }
  for (let f = 0; f < NF; f++) setI32(GAP, f, -1);
}

/** Clears the level counts (JavaScript adds them up after each scan). */
export function takeLevels(): void {
  for (let i = 0; i < 8; i++) setI32(LEVEL_BASE, i, 0);
}

/**
 * End of the run JavaScript handles after a stop at `pos`: the stopped line and every line
 * after it that does not start with '{' (a traceback goes with its error line).
 */
export function batchEnd(pos: i32, end: i32): i32 {
  let nl = lineEnd(pos, end);
  while (nl + 1 < end && byte(nl + 1) !== CH_LBRACE) nl = lineEnd(nl + 1, end);
  return nl < end ? nl + 1 : end;
}
