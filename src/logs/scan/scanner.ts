import { classifyLevel, durationScale, isErrorLevel, JSON_ALIASES, parseDurationValue, parseLeadingTimestamp, parseTimestampValue, pick, type LevelClass } from './fields.js';
import { bucketOf, HIST_BUCKETS } from './histogram.js';
import { hashNormalizedPath, normalizePath } from './normalize-path.js';
import { emptyPartial, endpointName, type EndpointAgg, type MinuteAgg, type PartialAnalysis } from './partial.js';
import { JsonLinesEngine, R_NEW_ENDPOINT, R_NEW_SIGNATURE, type WasmErrorEvent } from './json-lines-wasm.js';
import { exceptionOfTraceback, maskMessage, parseExceptionLine } from './signature.js';
import { parseTextLine, type TextFacts } from './text-formats.js';

/** Bounds on what one scan may remember, so memory stays flat whatever the input. */
const MAX_ENDPOINTS = 5000;
const MAX_SIGNATURES = 2000;
const MAX_SAMPLE = 300;
const OTHER = '(other)';
/** Bytes decoded to a string at a time (a line longer than this gets a window of its own). */
const WINDOW_BYTES = 64 << 10;
/** Distance between the lines sampled to learn a block's JSON keys: dense while keys are still
 *  being learned, sparser (up to the maximum) for each block that taught nothing new. */
const SAMPLE_STRIDE = 16 << 10;
const SAMPLE_STRIDE_MAX = 256 << 10;

function collectKeys(obj: Record<string, unknown>, into: Set<string>, depth: number): void {
  // for-in, not Object.entries: no array per sampled line (same keys, same order).
  for (const k in obj) {
    if (into.size >= 2000) return;
    into.add(k);
    const v = obj[k];
    if (depth < 2 && v && typeof v === 'object' && !Array.isArray(v)) collectKeys(v as Record<string, unknown>, into, depth + 1);
  }
}

export interface ScanOptions {
  /** Only lines inside [sinceMs, untilMs] count; lines without a time inherit the previous line's. */
  window?: { sinceMs: number; untilMs: number } | null;
  /** Year for syslog timestamps, which carry none. */
  refYear?: number;
  /** false: scan every line in JavaScript, without the WebAssembly fast path (for tests). */
  wasm?: boolean;
}

/**
 * Finds one of several JSON keys ("level", "levelname", ...) inside a line. Each needle
 * remembers where it next occurs in the chunk, so a key absent from most lines costs one
 * scan per chunk, not one per line. Needles are searched without their opening quote
 * (`level":`): a search starting with '"' stops at every quote in the text and runs several
 * times slower; the quote is checked after a hit.
 */
function internalize(text: string): string {
  return Object.keys({ [text]: 0 })[0];
}

class NeedleSet {
  readonly needles: string[];
  readonly keys: string[];
  private next: number[];
  /** Aliases seen in the current block's sample; the others are not searched for. */
  readonly active: boolean[];
  /** Index of the key the last successful find() matched. */
  hit = -1;

  constructor(keys: readonly string[]) {
    // Dotted aliases ("log.level", "url.path") are searched as flat keys, as ECS loggers write
    // them; a nested {"log": {"level": …}} is found by its inner key's own alias.
    this.keys = [...keys];
    // Internalised (used once as a property name): V8 searches for an internalised pattern
    // several times faster than for a freshly built string.
    this.needles = this.keys.map((k) => internalize(`${k}":`));
    this.next = this.needles.map(() => -1);
    this.active = this.needles.map(() => true);
  }

  reset(): void {
    for (let i = 0; i < this.next.length; i++) this.next[i] = -1;
  }

  /** Keeps only the aliases present in a sample of lines (null: search them all). */
  learn(present: Set<string> | null): void {
    for (let i = 0; i < this.keys.length; i++) this.active[i] = present === null || present.has(this.keys[i]);
  }

  /** Position just after `"key":` (spaces skipped) for the first key present in [ls, le), or -1. */
  find(s: string, ls: number, le: number): number {
    const n = this.needles;
    for (let k = 0; k < n.length; k++) {
      if (!this.active[k]) continue;
      let p = this.next[k];
      if (p < ls) {
        p = s.indexOf(n[k], ls);
        // A hit must be a whole key: `"path":`, not the tail of `"request_path":`.
        while (p > 0 && s.charCodeAt(p - 1) !== 34) p = s.indexOf(n[k], p + 1);
        if (p < 0) p = 0x7fffffff;
        this.next[k] = p;
      }
      if (p < le) {
        this.hit = k;
        let v = p + n[k].length;
        while (s.charCodeAt(v) === 32) v++;
        return v;
      }
    }
    return -1;
  }
}

/**
 * One field (level, path, ...) of JSON lines. Loggers write their keys in the same order on
 * every line, so each field is first searched from where the previous field's value ended,
 * with the alias that matched last time; only when that fails does the full alias set search
 * from the line start. The last hit is remembered so a field missing from a long run of lines
 * is not searched for again on each of them.
 */
class FieldFinder {
  /** Alias index that matched last (the one tried first). */
  primary = -1;
  private pNext = -1;
  /** Offset of the last hit from its line start, for learning the key order. */
  lastRel = 0;
  /** The last find fell back to the alias set and hit before `from`: the key order changed. */
  outOfOrder = false;

  constructor(readonly set: NeedleSet) {}

  reset(): void {
    this.set.reset();
    this.pNext = -1;
  }

  learn(present: Set<string> | null): void {
    this.set.learn(present);
    if (this.primary >= 0 && !this.set.active[this.primary]) this.primary = -1;
  }

  find(s: string, from: number, ls: number, le: number): number {
    if (this.primary >= 0) {
      const needle = this.set.needles[this.primary];
      let p = this.pNext;
      if (p < from) {
        p = s.indexOf(needle, from);
        while (p > 0 && s.charCodeAt(p - 1) !== 34) p = s.indexOf(needle, p + 1);
        if (p < 0) p = 0x7fffffff;
        this.pNext = p;
      }
      if (p < le) {
        let v = p + needle.length;
        while (s.charCodeAt(v) === 32) v++;
        this.lastRel = v - ls;
        return v;
      }
    }
    const v = this.set.find(s, ls, le);
    if (v >= 0) {
      if (this.primary !== this.set.hit) this.pNext = -1;
      this.primary = this.set.hit;
      this.lastRel = v - ls;
      this.outOfOrder = v < from;
    }
    return v;
  }
}

/**
 * A map from 32-bit hashes to values with open addressing over typed arrays: a Map keyed by
 * hashes above 2^30 boxes every key as a heap number on each lookup. Holds at most `max`
 * entries (later sets are ignored, as the Map's size cap did).
 */
class HashTable<V> {
  private readonly keys: Int32Array;
  private readonly vals: (V | undefined)[];
  private readonly mask: number;
  private size = 0;

  constructor(private readonly max: number) {
    let cap = 16;
    while (cap < max * 2) cap *= 2;
    this.keys = new Int32Array(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  get(h: number): V | undefined {
    const k = h | 0;
    let i = (k ^ (k >>> 15)) & this.mask;
    for (;;) {
      const v = this.vals[i];
      if (v === undefined || this.keys[i] === k) return v;
      i = (i + 1) & this.mask;
    }
  }

  set(h: number, v: V): void {
    if (this.size >= this.max) return;
    const k = h | 0;
    let i = (k ^ (k >>> 15)) & this.mask;
    while (this.vals[i] !== undefined) {
      if (this.keys[i] === k) {
        this.vals[i] = v;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.keys[i] = k;
    this.vals[i] = v;
    this.size++;
  }
}

const F_LEVEL = 0, F_STATUS = 1, F_PATH = 2, F_METHOD = 3, F_DUR = 4;

interface PendingEvent {
  ms: number;
  type: string | null;
  message: string;
  levelName: string;
  /** Exception came from a traceback (a later chained one replaces it). */
  fromTraceback: boolean;
  /** The message is the exception's own (not a generic log message such as "Unhandled exception"). */
  exceptionMessage: boolean;
  /** The fast path's signature hash of this line (and its traceback), linked to the signature
   *  when the event closes unchanged, with the traceback state its lines left. */
  wasmSignature?: [number, number];
  wasmTb?: number;
}

const LEVEL_CACHE = new Map<string, LevelClass>();
/** Method name by the hash of its letters (upper-cased), so lines need no slicing for it. */
const METHOD_NAMES = new Map<number, string>();

/** The level class of the quoted JSON string starting at q, without slicing the common ones. */
function levelAt(s: string, q: number): LevelClass {
  const c = s.charCodeAt(q) | 0x20;
  const c1 = s.charCodeAt(q + 1) | 0x20;
  // INFO/info, DEBUG/debug, WARN(ING), ERROR: decided by the first two letters and the length.
  if (c === 105 && c1 === 110 && s.charCodeAt(q + 4) === 34) return 'info';
  if (c === 100 && c1 === 101 && s.charCodeAt(q + 5) === 34) return 'debug';
  if (c === 101 && c1 === 114 && s.charCodeAt(q + 5) === 34) return 'error';
  if (c === 119 && c1 === 97 && (s.charCodeAt(q + 7) === 34 || s.charCodeAt(q + 4) === 34)) return 'warning';
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

/** A JSON number starting at v (digits, one fraction), without slicing; NaN when there is none. */
function numberAt(s: string, v: number): number {
  let i = v;
  let n = 0;
  let c = s.charCodeAt(i);
  if (c < 48 || c > 57) return NaN;
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = s.charCodeAt(++i);
  }
  if (c === 46) {
    let scale = 0.1;
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      n += (c - 48) * scale;
      scale *= 0.1;
      c = s.charCodeAt(++i);
    }
  }
  // Exponents and other rarities take the exact path.
  if (c === 101 || c === 69) return Number(s.slice(v, readNumberEnd(s, v)));
  return n;
}

function readQuotedEnd(s: string, q: number): number {
  let e = s.indexOf('"', q);
  while (e > 0 && s.charCodeAt(e - 1) === 92) {
    // An escaped quote ends the value only if the backslashes before it are themselves paired.
    let bs = 0;
    for (let i = e - 1; s.charCodeAt(i) === 92; i--) bs++;
    if (bs % 2 === 0) break;
    e = s.indexOf('"', e + 1);
  }
  return e;
}

function readNumberEnd(s: string, v: number): number {
  let i = v;
  for (;;) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69) i++;
    else return i;
  }
}

/**
 * The streaming analyser. Feed it chunks that hold whole lines; it keeps only counters,
 * histograms and bounded maps. JSON lines take a fast path: keys are found with indexOf on
 * the chunk decoded as latin1 (so character offsets are byte offsets), the minute is compared
 * in place against the previous line's, and only error lines are decoded and JSON.parse'd.
 */
export class LogScanner {
  private p: PartialAnalysis = emptyPartial();
  private readonly win: { sinceMs: number; untilMs: number } | null;
  private readonly refYear: number;
  private readonly formats = { json: 0, uvicorn: 0, combined: 0, text: 0, continuation: 0, blank: 0, unrecognized: 0 };
  private readonly levels = { fatal: 0, critical: 0, error: 0, warning: 0, info: 0, debug: 0, trace: 0, none: 0 };

  private readonly tsSet = new NeedleSet(JSON_ALIASES.ts);
  private readonly durSet = new NeedleSet(JSON_ALIASES.duration);
  private readonly finders = [
    new FieldFinder(new NeedleSet(JSON_ALIASES.level)), new FieldFinder(new NeedleSet(JSON_ALIASES.status)),
    new FieldFinder(new NeedleSet(JSON_ALIASES.path)), new FieldFinder(new NeedleSet(JSON_ALIASES.method)), new FieldFinder(this.durSet),
  ];
  /** Field indexes in the order the log writes them (learned, re-sorted when it changes). */
  private order = [F_LEVEL, F_METHOD, F_PATH, F_STATUS, F_DUR];
  private readonly vpos = [-1, -1, -1, -1, -1];
  private readonly durScales: number[];

  private s = '';
  private buf: Buffer = Buffer.alloc(0);
  private base = 0;

  private curMinute = NaN;
  private curAgg: MinuteAgg | null = null;
  /** 0: the whole current minute is inside the window, 1: outside, 2: straddles an edge. */
  private curMinuteState = 0;
  private curMs: number | null = null;
  private curKey = '';
  /** curKey's character codes (a typed array reads faster than a sliced string). */
  private readonly keyCodes = new Uint16Array(16);
  private inWin = true;
  private lastTsPos = -1;
  /** Offset of the time text from the line start on the last JSON line that had one. */
  private tsRel = 0;

  private pending: PendingEvent | null = null;
  /** 0: no traceback, 1: reading frames (the exception line is next), 2: after the exception line. */
  private tb = 0;
  private epByHash = new HashTable<EndpointAgg>(MAX_ENDPOINTS * 4);
  /** JSON keys seen so far (which aliases the fast path searches for). */
  private readonly knownKeys = new Set<string>();
  private sampleStride = SAMPLE_STRIDE;
  /** The WebAssembly fast path for common JSON lines (null: JavaScript scans every line). */
  private readonly wasm: JsonLinesEngine | null;
  /** Runs of lines the fast path handed to the JavaScript rules (for tests and tuning). */
  handoffs = 0;
  /** curKey changed since the fast path was told. */
  private keyDirty = false;
  /** Endpoint of the last JSON line scanned here (to link it to the fast path's slot). */
  private lastEp: EndpointAgg | null = null;

  constructor(opts: ScanOptions = {}) {
    this.win = opts.window ?? null;
    this.refYear = opts.refYear ?? new Date().getUTCFullYear();
    this.durScales = this.durSet.keys.map(durationScale);
    this.wasm = opts.wasm === false ? null : JsonLinesEngine.create([JSON_ALIASES.message, JSON_ALIASES.excType, JSON_ALIASES.excText]);
  }

  /** A buffer for a reader to fill and feed back: in the fast path's memory when there is one (no copy). */
  readBuffer(size: number): Buffer {
    return this.wasm ? this.wasm.inputBuffer(size) : Buffer.allocUnsafe(size);
  }

  /** The buffer from readBuffer, renewed if feeding it made it stale (the fast path's memory grew). */
  liveBuffer(buf: Buffer): Buffer {
    return this.wasm ? this.wasm.fresh(buf) : buf;
  }

  /** Scans buf[start, end), which must end at a line end (or be the last bytes of the input). */
  feed(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.buf = buf;
    this.p.bytes += end - start;
    this.learnKeys(buf, start, end);
    if (this.wasm) {
      this.feedFast(this.wasm, buf, start, end);
      return;
    }
    // Decoded in small windows: V8 makes strings this size in the young generation, several
    // times faster than the large-object strings a whole 4 MiB chunk would need.
    let a = start;
    while (a < end) {
      let b = a + WINDOW_BYTES;
      if (b >= end) b = end;
      else {
        const nl = buf.lastIndexOf(10, b - 1);
        if (nl >= a) b = nl + 1;
        else {
          const next = buf.indexOf(10, b);
          b = next < 0 || next >= end ? end : next + 1;
        }
      }
      this.scanWindow(a, b);
      a = b;
    }
  }

  /**
   * The fast path takes every line it can; each line it stops at is scanned here, by the full
   * rules, and it resumes after it.
   */
  private feedFast(w: JsonLinesEngine, buf: Buffer, start: number, end: number): void {
    const active = (set: NeedleSet) => set.keys.filter((_, i) => set.active[i]);
    const durKeys = active(this.durSet);
    w.configure([active(this.tsSet), ...[F_LEVEL, F_STATUS, F_PATH, F_METHOD].map((f) => active(this.finders[f].set)), durKeys], durKeys.map(durationScale));
    const base = w.load(buf, start, end);
    const len = end - start;
    this.s = '';
    let pos = 0;
    let lastTs = -1;
    while (pos < len) {
      const mode = this.curKey.length === 16 && this.curMinuteState !== 2 ? this.curMinuteState : -1;
      let reason = 0;
      if (mode === 0 || mode === 1) {
        if (this.keyDirty) {
          w.setMinute(this.curKey);
          this.keyDirty = false;
        }
        // Inside a traceback (tb 1) an error line is JavaScript's: it ends that traceback.
        pos = w.scan(base + pos, base + len, mode, this.tb !== 1) - base;
        this.buf = w.fresh(this.buf);
        this.p.lines += w.consumed;
        for (const ev of w.errorEvents()) {
          this.countWasmError(w, ev);
          this.tb = ev.tb; // as openError and the event's traceback lines leave it
        }
        if (w.counted > 0) {
          this.inWin = true;
          this.p.linesInWindow += w.counted + w.continuation;
          this.minuteAgg().lines += w.counted + w.continuation;
          this.formats.json += w.counted;
          this.formats.continuation += w.continuation;
          if (this.tb !== 1) this.closePending();
          lastTs = w.lastTs - base;
        } else if (mode === 1 && w.consumed > 0) this.inWin = false;
        reason = w.reason;
        if (pos >= len) break;
      }
      // This line by the full rules, with the lines after it that are not JSON (a traceback):
      // only those lines are decoded (the fast path leaves few, far apart).
      const a = start + pos;
      const b = w.batchEnd(base + pos, base + len) - base + start;
      this.handoffs++;
      this.openWindow(a, b);
      this.lastEp = null;
      const p = this.p;
      const f = this.formats;
      const events = p.errorEvents;
      const lines = p.lines;
      const inWindow = p.linesInWindow;
      const json = f.json;
      const continuation = f.continuation;
      this.scanLines(0, b - a);
      // The fast path may count this line's signature itself from now on when JavaScript read it
      // as it would: one JSON error line whose event is still open, then only traceback lines.
      const n = p.lines - lines;
      if (reason === R_NEW_SIGNATURE && this.pending && this.tb !== 1 && p.errorEvents === events + 1 && f.json === json + 1 && f.continuation === continuation + n - 1 && p.linesInWindow === inWindow + n) {
        this.pending.wasmSignature = w.signatureHash();
        this.pending.wasmTb = this.tb;
      }
      if (this.lastTsPos >= 0) lastTs = this.base + this.lastTsPos - start;
      if (reason === R_NEW_ENDPOINT && this.lastEp) w.addEndpoint(this.lastEp);
      pos = b - start;
    }
    if (lastTs >= 0) {
      // Same-minute lines are compared, not parsed: read the block's last time exactly.
      this.openWindow(start + lastTs, Math.min(end, start + lastTs + 80));
      const ms = this.exactJsonTs(0);
      if (ms !== null) this.noteExact(ms);
    }
    this.s = '';
  }

  /** An error line the fast path counted: what openJsonError and closePending would have added. */
  private countWasmError(w: JsonLinesEngine, ev: WasmErrorEvent): void {
    this.p.errorEvents++;
    this.noteExact(ev.ms);
    const agg = this.minuteAgg();
    agg.errors++;
    if (agg.firstErrorMs === null || ev.ms < agg.firstErrorMs) agg.firstErrorMs = ev.ms;
    agg.secondErrors ??= new Uint32Array(60);
    agg.secondErrors[Math.floor((ev.ms - this.curMinute * 60_000) / 1000) % 60]++;
    if (ev.slot >= 0) {
      const name = w.slotNames[ev.slot];
      agg.endpointErrors.set(name, (agg.endpointErrors.get(name) ?? 0) + 1);
      const ep = w.endpoint(ev.slot);
      ep.errors++;
      const k = ev.status ? String(ev.status) : 'none';
      ep.statuses[k] = (ep.statuses[k] ?? 0) + 1;
    }
    const sig = w.signatures[ev.signature];
    sig.count++;
    if (sig.firstMs === null || ev.ms < sig.firstMs) sig.firstMs = ev.ms;
    if (sig.lastMs === null || ev.ms > sig.lastMs) sig.lastMs = ev.ms;
  }

  /**
   * Learns which JSON key aliases this block uses from its first lines, so the fast path
   * searches for those only: every alias searched costs a pass over the text.
   */
  private learnKeys(buf: Buffer, start: number, end: number): void {
    // Lines from the start of the block and from every 16 KiB of it, so a run of startup
    // messages at the top cannot hide the request lines' keys. Keys seen in earlier blocks stay
    // learned: a file does not stop using a key. Once blocks stop teaching new keys, the
    // samples thin out (a new key brings them back).
    const present = this.knownKeys;
    const before = present.size;
    const stride = this.sampleStride;
    let parsed = 0;
    const sampleAt = (from: number, lines: number) => {
      let pos = from;
      for (let n = 0; n < lines && pos < end; n++) {
        let nl = buf.indexOf(10, pos);
        if (nl < 0 || nl > end) nl = end;
        let brace = -1;
        for (let i = pos, stop = Math.min(nl, pos + 48); i < stop; i++) {
          if (buf[i] === 123) {
            brace = i;
            break;
          }
        }
        if (brace >= 0) {
          try {
            const v: unknown = JSON.parse(buf.toString('utf8', brace, nl));
            if (v && typeof v === 'object' && !Array.isArray(v)) {
              collectKeys(v as Record<string, unknown>, present, 0);
              parsed++;
            }
          } catch {
            // not JSON after all
          }
        }
        pos = nl + 1;
      }
    };
    sampleAt(start, 32);
    for (let at = start + stride; at < end; at += stride) {
      const nl = buf.indexOf(10, at);
      if (nl < 0 || nl >= end) break;
      sampleAt(nl + 1, 2);
    }
    this.sampleStride = present.size > before ? SAMPLE_STRIDE : Math.min(stride * 2, SAMPLE_STRIDE_MAX);
    const learned = parsed || present.size ? present : null;
    this.tsSet.learn(learned);
    for (const f of this.finders) f.learn(learned);
  }

  private scanWindow(a: number, b: number): void {
    this.openWindow(a, b);
    this.scanLines(0, this.s.length);
    if (this.lastTsPos >= 0) {
      // The minute fast path skips exact parsing; read the window's last timestamp exactly.
      const ms = this.exactJsonTs(this.lastTsPos);
      if (ms !== null) this.noteExact(ms);
    }
    this.s = '';
  }

  /** Decodes buf[a, b) as the text the JavaScript rules search (offsets relative to a). */
  private openWindow(a: number, b: number): void {
    this.base = a;
    this.s = this.buf.toString('latin1', a, b);
    this.tsSet.reset();
    for (const f of this.finders) f.reset();
    this.lastTsPos = -1;
  }

  /** Scans the window's lines from offset `from` (a line start) to `to` (a line end, or the window's end). */
  private scanLines(from: number, to: number): void {
    const s = this.s;
    let ls = from;
    while (ls < to) {
      let nl = s.indexOf('\n', ls);
      if (nl < 0 || nl > to) nl = to;
      let le = nl;
      if (le > ls && s.charCodeAt(le - 1) === 13) le--;
      this.p.lines++;
      this.scanLine(ls, le);
      ls = nl + 1;
    }
  }

  /**
   * Starts a range of input unrelated to the one before (another part of a file, another file):
   * the counts and what was learned go on; the open event, the traceback state and the clock,
   * which tie a line to the lines before it, start afresh.
   */
  startRange(): void {
    this.closePending();
    this.tb = 0;
    this.curMinute = NaN;
    this.curAgg = null;
    this.curMinuteState = 0;
    this.curMs = null;
    this.curKey = '';
    this.inWin = true;
    this.lastTsPos = -1;
    this.tsRel = 0;
  }

  /** Closes the last event and returns the counts (the scanner must not be fed after). */
  finish(): PartialAnalysis {
    this.closePending();
    this.wasm?.drain(this.levels);
    this.p.formats = { ...this.formats };
    this.p.levels = { ...this.levels };
    return this.p;
  }

  private scanLine(ls: number, le: number): void {
    const s = this.s;
    if (le === ls) {
      if (this.tb) this.countContinuation();
      else this.countPlain('blank');
      return;
    }
    let c0 = s.charCodeAt(ls);
    // Docker (timestamps=1) and journald put "2026-11-27T15:01:02.123456789Z " before every
    // line, traceback lines included, and Kubernetes (CRI) "… stdout F ": look past it to see
    // whether the line continues an event.
    let cs = ls;
    if (c0 >= 48 && c0 <= 57 && s.charCodeAt(ls + 4) === 45 && s.charCodeAt(ls + 10) === 84) {
      const sp = s.indexOf(' ', ls + 19);
      if (sp > 0 && sp < ls + 40 && sp < le && s.charCodeAt(sp - 1) === 90) {
        cs = sp + 1 + criTag(s, sp + 1);
        c0 = s.charCodeAt(cs);
      }
    }
    if (c0 === 32 || c0 === 9) {
      if (this.tb === 2) this.tb = 0;
      this.countContinuation();
      return;
    }
    if (c0 === 84 && s.startsWith('Traceback (most recent call last):', cs)) {
      this.startTraceback();
      this.countContinuation();
      return;
    }
    if ((c0 === 68 && s.startsWith('During handling of the above exception', cs)) || (c0 === 84 && s.startsWith('The above exception was the direct cause', cs))) {
      this.tb = 1;
      this.countContinuation();
      return;
    }
    if (this.tb === 1 && c0 !== 123) {
      const ex = parseExceptionLine(this.utf8(cs, le));
      this.tb = 2;
      if (ex) {
        this.attachException(ex.type, ex.message);
        this.countContinuation();
        return;
      }
    }
    // A JSON line from the other stream (stdout between stderr traceback frames, as Docker
    // interleaves them) does not end a traceback in progress; anything else does.
    if (c0 !== 123) this.tb = 0;
    if (c0 === 123) this.scanJson(cs, le, cs > ls ? (parseLeadingTimestamp(s.slice(ls, cs - 1), this.refYear)?.ms ?? null) : null);
    else this.scanText(ls, le);
  }

  /** Whether s holds the current minute's "YYYY-MM-DDTHH:MM" at `at` (compared from the end, where it changes). */
  private minuteKeyAt(s: string, at: number): boolean {
    const k = this.keyCodes;
    for (let i = 15; i >= 0; i--) if (s.charCodeAt(at + i) !== k[i]) return false;
    return true;
  }

  private utf8(ls: number, le: number): string {
    return this.buf.toString('utf8', this.base + ls, this.base + le);
  }

  // ── time and window ────────────────────────────────────────────────────────

  private setMinute(ms: number): void {
    const minute = Math.floor(ms / 60_000);
    if (minute === this.curMinute) return;
    this.curMinute = minute;
    this.curAgg = null;
    if (!this.win) this.curMinuteState = 0;
    else {
      const lo = minute * 60_000;
      const hi = lo + 59_999;
      this.curMinuteState = lo >= this.win.sinceMs && hi <= this.win.untilMs ? 0 : hi < this.win.sinceMs || lo > this.win.untilMs ? 1 : 2;
    }
  }

  private minuteAgg(): MinuteAgg {
    if (this.curAgg) return this.curAgg;
    let agg = this.p.minutes.get(this.curMinute);
    if (!agg) {
      agg = { lines: 0, errors: 0, firstErrorMs: null, secondErrors: null, endpointErrors: new Map() };
      this.p.minutes.set(this.curMinute, agg);
    }
    this.curAgg = agg;
    return agg;
  }

  /** Records an exactly known line time (for first/last timestamps) when it is in the window. */
  private noteExact(ms: number): void {
    if (this.win && (ms < this.win.sinceMs || ms > this.win.untilMs)) return;
    if (this.p.firstMs === null || ms < this.p.firstMs) this.p.firstMs = ms;
    if (this.p.lastMs === null || ms > this.p.lastMs) this.p.lastMs = ms;
  }

  /** A line with its own time: moves the clock and decides whether the line is in the window. */
  private setTime(ms: number): void {
    this.setMinute(ms);
    this.curMs = ms;
    this.inWin = this.curMinuteState === 0 || (this.curMinuteState === 2 && ms >= this.win!.sinceMs && ms <= this.win!.untilMs);
  }

  /** Counts a line in the window totals; false when it lies outside the window. */
  private countIn(): boolean {
    if (!this.inWin) return false;
    this.p.linesInWindow++;
    if (this.curMinute !== this.curMinute) this.p.undated++;
    else this.minuteAgg().lines++;
    return true;
  }

  private countContinuation(): void {
    if (this.countIn()) this.formats.continuation++;
  }

  private countPlain(kind: 'blank' | 'unrecognized'): void {
    if (this.countIn()) {
      this.formats[kind]++;
      this.levels.none++;
    }
  }

  private exactJsonTs(v: number): number | null {
    const s = this.s;
    if (s.charCodeAt(v) === 123) {
      // An object, as loguru's serialised records hold it: {"repr": "2026-…", "timestamp": 1795…}.
      const end = s.indexOf('}', v);
      for (const key of ['"timestamp":', '"repr":']) {
        const k = s.indexOf(key, v);
        if (k < 0 || (end >= 0 && k > end)) continue;
        let q = k + key.length;
        while (s.charCodeAt(q) === 32) q++;
        if (s.charCodeAt(q) !== 123) return this.exactJsonTs(q);
      }
      return null;
    }
    if (s.charCodeAt(v) === 34) {
      const e = s.indexOf('"', v + 1);
      return e < 0 ? null : parseTimestampValue(s.slice(v + 1, e));
    }
    const e = readNumberEnd(s, v);
    return e > v ? parseTimestampValue(Number(s.slice(v, e))) : null;
  }

  // ── JSON lines ─────────────────────────────────────────────────────────────

  private scanJson(ls: number, le: number, prefixMs: number | null): void {
    const s = this.s;
    let e = le;
    while (e > ls && s.charCodeAt(e - 1) <= 32) e--;
    if (s.charCodeAt(e - 1) !== 125) {
      this.malformed();
      return;
    }
    // Time: compare the minute in place with the previous line's; parse only when it changed.
    // Most loggers put the time at the same offset on every line: try there before searching.
    let tv: number;
    const tr = ls + this.tsRel;
    let sameMinute = false;
    if (this.curKey && this.tsRel > 0 && s.charCodeAt(tr - 1) === 34 && this.minuteKeyAt(s, tr)) {
      tv = tr - 1;
      sameMinute = true;
    } else {
      tv = this.tsSet.find(s, ls, le);
      if (tv >= 0) this.tsRel = tv + 1 - ls;
    }
    let tsKnown = false;
    if (tv >= 0) {
      if (sameMinute || (this.curKey && s.charCodeAt(tv) === 34 && this.minuteKeyAt(s, tv + 1))) {
        if (this.curMinuteState === 2) {
          const ms = this.exactJsonTs(tv);
          if (ms !== null) {
            this.setTime(ms);
            this.noteExact(ms);
          }
        } else {
          this.inWin = this.curMinuteState === 0;
          this.curMs ??= this.curMinute * 60_000;
        }
        tsKnown = true;
      } else {
        const ms = this.exactJsonTs(tv);
        if (ms !== null) {
          this.setTime(ms);
          this.noteExact(ms);
          // ISO text: remember "YYYY-MM-DDTHH:MM" so following lines of the minute skip parsing.
          this.curKey = s.charCodeAt(tv) === 34 && s.charCodeAt(tv + 5) === 45 && s.charCodeAt(tv + 14) === 58 ? s.slice(tv + 1, tv + 17) : '';
          this.keyDirty = true;
          for (let i = 0; i < this.curKey.length; i++) this.keyCodes[i] = this.curKey.charCodeAt(i);
          tsKnown = true;
        }
      }
      if (tsKnown && this.inWin) this.lastTsPos = tv;
    }
    if (!tsKnown && prefixMs !== null) {
      this.setTime(prefixMs);
      this.curKey = '';
    }
    if (!this.inWin) return;

    // Fields in the log's own key order, each searched from where the previous one ended.
    let from = tv >= 0 ? tv : ls;
    let reorder = false;
    const vpos = this.vpos;
    for (let i = 0; i < 5; i++) {
      const f = this.order[i];
      const finder = this.finders[f];
      const v = finder.find(s, from, ls, le);
      vpos[f] = v;
      if (v >= 0) {
        if (finder.outOfOrder) reorder = true;
        else from = v;
      }
    }
    if (reorder) this.order.sort((a, b) => (vpos[a] < 0 ? 1e9 : this.finders[a].lastRel) - (vpos[b] < 0 ? 1e9 : this.finders[b].lastRel));
    let level: LevelClass = 'none';
    const lv = vpos[F_LEVEL];
    if (lv >= 0) {
      if (s.charCodeAt(lv) === 34) level = levelAt(s, lv + 1);
      else if (s.charCodeAt(lv) === 123) {
        // An object, as loguru's serialised records hold it: {"icon": "…", "name": "ERROR", "no": 40}.
        const n = s.indexOf('"name":', lv);
        const end = s.indexOf('}', lv);
        if (n > 0 && (end < 0 || n < end)) {
          let q = n + 7;
          while (s.charCodeAt(q) === 32) q++;
          if (s.charCodeAt(q) === 34) level = levelAt(s, q + 1);
        }
      } else {
        const ne = readNumberEnd(s, lv);
        if (ne > lv) level = classifyLevel(Number(s.slice(lv, ne)));
      }
    }
    let status = 0;
    const sv = vpos[F_STATUS];
    if (sv >= 0) {
      let i = s.charCodeAt(sv) === 34 ? sv + 1 : sv;
      let c = s.charCodeAt(i);
      while (c >= 48 && c <= 57) {
        status = status * 10 + c - 48;
        c = s.charCodeAt(++i);
      }
      if (status < 100 || status > 999) status = 0;
    }
    const isError = isErrorLevel(level) || status >= 500;
    let obj: Record<string, unknown> | null = null;
    if (isError) {
      // Only error lines are decoded and parsed in full: they feed the signatures.
      try {
        const parsed: unknown = JSON.parse(this.utf8(ls, e));
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        obj = parsed as Record<string, unknown>;
      } catch {
        this.malformed();
        return;
      }
    }
    if (this.tb !== 1) this.closePending();
    this.p.linesInWindow++;
    if (this.curMinute === this.curMinute) this.minuteAgg().lines++;
    else this.p.undated++;
    this.formats.json++;
    this.levels[level]++;

    let ep: EndpointAgg | null = null;
    const pv = vpos[F_PATH];
    if (pv >= 0 && s.charCodeAt(pv) === 34) {
      const pe = readQuotedEnd(s, pv + 1);
      if (pe > pv + 1) {
        let method: string | null = null;
        let seed = 0x811c9dc5;
        const mv = vpos[F_METHOD];
        if (mv >= 0 && s.charCodeAt(mv) === 34) {
          const me = s.indexOf('"', mv + 1);
          if (me > mv + 1 && me - mv < 12) {
            for (let i = mv + 1; i < me; i++) seed = Math.imul(seed ^ (s.charCodeAt(i) & 0xdf), 16777619);
            method = METHOD_NAMES.get(seed) ?? null;
            if (method === null) {
              method = s.slice(mv + 1, me).toUpperCase();
              if (METHOD_NAMES.size < 100) METHOD_NAMES.set(seed, method);
            }
          }
        }
        ep = this.endpointFor(pv + 1, pe, method, seed);
        this.lastEp = ep;
      }
    }
    let dur = -1;
    const dv = vpos[F_DUR];
    if (dv >= 0) {
      const scale = this.durScales[this.finders[F_DUR].primary];
      if (s.charCodeAt(dv) === 34) {
        const de = s.indexOf('"', dv + 1);
        const d = parseDurationValue(s.slice(dv + 1, de), scale);
        if (d !== null) dur = d;
      } else {
        const d = numberAt(s, dv);
        if (d >= 0) dur = d * scale;
      }
    }
    if (ep) {
      if (status || dur >= 0) ep.requests++;
      if (dur >= 0) addDuration(ep, dur);
    }
    if (obj) this.openJsonError(obj, level, status, ep);
  }

  private endpointFor(pa: number, pb: number, method: string | null, seed: number): EndpointAgg {
    const h = hashNormalizedPath(this.s, pa, pb, seed);
    const hit = this.epByHash.get(h);
    if (hit) return hit;
    const path = normalizePath(this.utf8(pa, pb));
    const ep = this.endpointByName(method, path);
    this.epByHash.set(h, ep);
    return ep;
  }

  private endpointByName(method: string | null, path: string): EndpointAgg {
    let name = endpointName(method, path);
    let ep = this.p.endpoints.get(name);
    if (ep) return ep;
    if (this.p.endpoints.size >= MAX_ENDPOINTS) {
      name = OTHER;
      method = null;
      path = OTHER;
      ep = this.p.endpoints.get(name);
      if (ep) return ep;
    }
    ep = { method, path, requests: 0, errors: 0, statuses: {}, hist: null, durCount: 0, durSum: 0, durMax: 0 };
    this.p.endpoints.set(name, ep);
    return ep;
  }

  private malformed(): void {
    this.p.malformed++;
  }

  /** A line too long to hold was skipped by the reader. */
  countOversized(): void {
    this.p.lines++;
    this.p.malformed++;
  }

  // ── text lines ─────────────────────────────────────────────────────────────

  private scanText(ls: number, le: number): void {
    const line = this.utf8(ls, le);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]|\ufffd{2}/.test(line)) {
      this.malformed();
      return;
    }
    const c0 = line.charCodeAt(0);
    let f: TextFacts | null = null;
    if (c0 >= 48 && c0 <= 57) {
      // Docker, journald and Kubernetes put a timestamp before the application's own line: a
      // JSON line, or a text line read as if it stood alone (uvicorn's starts with its level),
      // with the prefix's time when it has none of its own.
      const t = parseLeadingTimestamp(line, this.refYear);
      const at = t && line.charCodeAt(t.length) === 32 ? t.length + 1 + criTag(line, t.length + 1) : -1;
      if (t && line.charCodeAt(at) === 123) {
        this.scanJson(ls + Buffer.byteLength(line.slice(0, at)), le, t.ms);
        return;
      }
      if (t && at > 0 && line.charCodeAt(t.length - 1) === 90) {
        f = parseTextLine(line.slice(at), this.refYear);
        if (f) f.ms ??= t.ms;
      }
    }
    f ??= parseTextLine(line, this.refYear);
    if (!f) {
      this.closePending();
      this.countPlain('unrecognized');
      return;
    }
    if (f.ms !== null) {
      this.setTime(f.ms);
      this.curKey = '';
      this.noteExact(f.ms);
    }
    if (!this.inWin) return;
    this.closePending();
    this.p.linesInWindow++;
    if (this.curMinute === this.curMinute) this.minuteAgg().lines++;
    else this.p.undated++;
    this.formats[f.format]++;
    this.levels[f.level]++;
    let ep: EndpointAgg | null = null;
    if (f.path) {
      ep = this.endpointByName(f.method, normalizePath(f.path));
      if (f.status !== null || f.durationMs !== null) ep.requests++;
      if (f.durationMs !== null) addDuration(ep, f.durationMs);
    }
    if (isErrorLevel(f.level) || (f.status !== null && f.status >= 500)) {
      const ex = parseExceptionLine(f.message);
      this.openError(f.ms ?? this.curMs, ex?.type ?? null, ex ? ex.message : f.message, f.level, f.status ?? 0, ep, ex !== null);
    }
  }

  // ── error events ───────────────────────────────────────────────────────────

  private openJsonError(obj: Record<string, unknown>, level: LevelClass, status: number, ep: EndpointAgg | null): void {
    const t = pick(obj, JSON_ALIASES.ts);
    const ms = (t && parseTimestampValue(t.value)) ?? this.curMs;
    if (ms !== null) this.noteExact(ms);
    const msg = pick(obj, JSON_ALIASES.message);
    const message = msg ? (typeof msg.value === 'string' ? msg.value : JSON.stringify(msg.value)) : '';
    let type: string | null = null;
    let exMessage: string | null = null;
    const excType = pick(obj, JSON_ALIASES.excType);
    if (excType && typeof excType.value === 'string') type = excType.value;
    const excText = pick(obj, JSON_ALIASES.excText);
    if (excText) {
      const text = typeof excText.value === 'string' ? excText.value : JSON.stringify(excText.value);
      const ex = exceptionOfTraceback(text) ?? (type ? null : parseExceptionLine(text.split('\n')[0]));
      if (ex) {
        type ??= ex.type;
        if (ex.type === type || type.endsWith(`.${ex.type}`) || ex.type.endsWith(`.${type}`)) exMessage = ex.message;
      }
    }
    this.openError(ms, type, exMessage ?? message, level, status, ep, exMessage !== null);
  }

  private openError(ms: number | null, type: string | null, message: string, level: LevelClass, status: number, ep: EndpointAgg | null, exceptionMessage = false): void {
    this.closePending();
    this.tb = 0;
    this.p.errorEvents++;
    if (this.curMinute === this.curMinute) {
      const agg = this.minuteAgg();
      agg.errors++;
      if (ms !== null) {
        if (agg.firstErrorMs === null || ms < agg.firstErrorMs) agg.firstErrorMs = ms;
        agg.secondErrors ??= new Uint32Array(60);
        agg.secondErrors[Math.floor((ms - this.curMinute * 60_000) / 1000) % 60]++;
      }
      if (ep) {
        const name = endpointName(ep.method, ep.path);
        agg.endpointErrors.set(name, (agg.endpointErrors.get(name) ?? 0) + 1);
      }
    }
    if (ep) {
      ep.errors++;
      const k = status ? String(status) : 'none';
      ep.statuses[k] = (ep.statuses[k] ?? 0) + 1;
    }
    // A 5xx logged at INFO (access logs) is named by its status, not by that level.
    const levelName = isErrorLevel(level) ? level.toUpperCase() : status ? `HTTP ${status}` : 'ERROR';
    this.pending = { ms: ms ?? NaN, type, message, levelName, fromTraceback: false, exceptionMessage };
  }

  private startTraceback(): void {
    // A traceback right after an error line belongs to it; otherwise it is an event of its own.
    if (!this.pending && this.inWin) this.openError(this.curMs, null, '', 'error', 0, null);
    this.tb = 1;
    if (!this.pending) return;
    // Lines after the ones the fast path hashed change the event: its hash no longer names it.
    this.pending.wasmSignature = undefined;
    if (this.pending.type === null) this.pending.fromTraceback = true;
  }

  private attachException(type: string, message: string): void {
    const p = this.pending;
    if (!p) return;
    p.wasmSignature = undefined;
    // A traceback names the exception better than a generic log message; a chained traceback
    // replaces the earlier one (the last exception is the one that escaped).
    const sameType = p.type !== null && (p.type === type || p.type.endsWith(`.${type}`) || type.endsWith(`.${p.type}`));
    if (p.type === null || p.fromTraceback || (sameType && !p.exceptionMessage)) {
      p.type = p.type !== null && sameType && p.type.length > type.length ? p.type : type;
      p.message = message;
      p.fromTraceback = true;
      p.exceptionMessage = true;
    }
  }

  private closePending(): void {
    const e = this.pending;
    if (!e) return;
    this.pending = null;
    const type = e.type ?? e.levelName;
    const template = maskMessage(e.message);
    let key = `${type}\u0000${template}`;
    let sig = this.p.signatures.get(key);
    if (!sig && this.p.signatures.size >= MAX_SIGNATURES) {
      key = OTHER;
      sig = this.p.signatures.get(key);
      if (!sig) {
        sig = { type: OTHER, template: OTHER, count: 0, firstMs: null, lastMs: null, sample: '' };
        this.p.signatures.set(key, sig);
      }
    }
    const ms = Number.isNaN(e.ms) ? null : e.ms;
    if (!sig) {
      sig = { type, template, count: 0, firstMs: ms, lastMs: ms, sample: e.message.length > MAX_SAMPLE ? `${e.message.slice(0, MAX_SAMPLE)}…` : e.message };
      this.p.signatures.set(key, sig);
    }
    sig.count++;
    if (ms !== null) {
      if (sig.firstMs === null || ms < sig.firstMs) sig.firstMs = ms;
      if (sig.lastMs === null || ms > sig.lastMs) sig.lastMs = ms;
    }
    // The fast path counts later lines with this hash under this signature itself.
    if (e.wasmSignature) this.wasm?.addSignature(e.wasmSignature, sig, e.wasmTb ?? 0);
  }
}

/**
 * Length of the CRI stream tag at `at` ("stdout F " or "stderr P ": Kubernetes container logs
 * put it between the time and the line; P marks a part of a longer line), or 0.
 */
function criTag(s: string, at: number): number {
  const c = s.charCodeAt(at + 7);
  if ((c !== 70 && c !== 80) || s.charCodeAt(at + 8) !== 32) return 0;
  return s.startsWith('stdout ', at) || s.startsWith('stderr ', at) ? 9 : 0;
}

function addDuration(ep: EndpointAgg, ms: number): void {
  ep.hist ??= new Uint32Array(HIST_BUCKETS);
  ep.hist[bucketOf(ms)]++;
  ep.durCount++;
  ep.durSum += ms;
  if (ms > ep.durMax) ep.durMax = ms;
}
