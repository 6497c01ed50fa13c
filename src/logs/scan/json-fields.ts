// Field extraction from JSON lines without parsing them: which key aliases a log uses (learned
// from samples), where each field's value starts on a line (searched in the log's own key
// order), the exact time and the duration.
import { Ch } from './chars.js';
import { durationScale, JSON_ALIASES, parseDurationValue, parseTimestampValue } from './fields.js';
import type { JsonLinesEngine } from './json-lines-wasm.js';
import { numberAt, readNumberEnd } from './json-values.js';

/** The fields searched on every JSON line (the time has its own search). */
export const enum Field {
  Level = 0,
  Status = 1,
  Path = 2,
  Method = 3,
  Duration = 4,
}
const FIELD_COUNT = 5;
/** "Not found" for the needle memo: beyond any position. */
const NOWHERE = 0x7fffffff;
/** Distance between the lines sampled to learn a block's JSON keys: dense while keys are still
 *  being learned, sparser (up to the maximum) for each block that taught nothing new. */
const SAMPLE_STRIDE = 16 << 10;
const SAMPLE_STRIDE_MAX = 256 << 10;
/** Lines sampled at a block's start, and at each stride after it. */
const SAMPLE_HEAD_LINES = 32;
const SAMPLE_STRIDE_LINES = 2;
/** How far into a line its opening brace may be (after a Docker or CRI prefix). */
const SAMPLE_BRACE_WITHIN = 48;
/** Keys remembered at most (and nesting levels read) from the samples. */
const MAX_KNOWN_KEYS = 2000;
const SAMPLE_DEPTH = 2;

function collectKeys(obj: Record<string, unknown>, into: Set<string>, depth: number): void {
  // for-in, not Object.entries: no array per sampled line (same keys, same order).
  for (const k in obj) {
    if (into.size >= MAX_KNOWN_KEYS) return;
    into.add(k);
    const v = obj[k];
    if (depth < SAMPLE_DEPTH && v && typeof v === 'object' && !Array.isArray(v)) collectKeys(v as Record<string, unknown>, into, depth + 1);
  }
}

function internalize(text: string): string {
  return Object.keys({ [text]: 0 })[0];
}

/**
 * Finds one of several JSON keys ("level", "levelname", ...) inside a line. Each needle
 * remembers where it next occurs in the chunk, so a key absent from most lines costs one
 * scan per chunk, not one per line. Needles are searched without their opening quote
 * (`level":`): a search starting with '"' stops at every quote in the text and runs several
 * times slower; the quote is checked after a hit.
 */
export class NeedleSet {
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

  /** The aliases searched for now. */
  activeKeys(): string[] {
    return this.keys.filter((_, i) => this.active[i]);
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
        while (p > 0 && s.charCodeAt(p - 1) !== Ch.Quote) p = s.indexOf(n[k], p + 1);
        if (p < 0) p = NOWHERE;
        this.next[k] = p;
      }
      if (p < le) {
        this.hit = k;
        let v = p + n[k].length;
        while (s.charCodeAt(v) === Ch.Space) v++;
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
        while (p > 0 && s.charCodeAt(p - 1) !== Ch.Quote) p = s.indexOf(needle, p + 1);
        if (p < 0) p = NOWHERE;
        this.pNext = p;
      }
      if (p < le) {
        let v = p + needle.length;
        while (s.charCodeAt(v) === Ch.Space) v++;
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

/** The JSON fields of the lines being scanned: the aliases in use, and each field's value on the current line. */
export class JsonFields {
  private readonly tsSet = new NeedleSet(JSON_ALIASES.ts);
  private readonly durSet = new NeedleSet(JSON_ALIASES.duration);
  private readonly finders = [
    new FieldFinder(new NeedleSet(JSON_ALIASES.level)),
    new FieldFinder(new NeedleSet(JSON_ALIASES.status)),
    new FieldFinder(new NeedleSet(JSON_ALIASES.path)),
    new FieldFinder(new NeedleSet(JSON_ALIASES.method)),
    new FieldFinder(this.durSet),
  ];
  /** Field indexes in the order the log writes them (learned, re-sorted when it changes). */
  private order = [Field.Level, Field.Method, Field.Path, Field.Status, Field.Duration];
  /** Value start of each field (indexed by Field) on the line last searched, -1 absent. */
  readonly vpos = [-1, -1, -1, -1, -1];
  private readonly durScales: number[];
  /** Offset of the time text from the line start on the last JSON line that had one. */
  tsRel = 0;
  /** Where the window's last in-window time value is, -1 none (read exactly at the window's end). */
  lastTsPos = -1;
  /** JSON keys seen so far (which aliases the fast path searches for). */
  private readonly knownKeys = new Set<string>();
  private sampleStride = SAMPLE_STRIDE;

  constructor() {
    this.durScales = this.durSet.keys.map(durationScale);
  }

  /** A new window: positions remembered in the last one mean nothing in it. */
  reset(): void {
    this.tsSet.reset();
    for (const f of this.finders) f.reset();
    this.lastTsPos = -1;
  }

  /** Tells the fast path the aliases in use per field (its order: ts, level, status, path, method, duration). */
  configureFastPath(w: JsonLinesEngine): void {
    const durKeys = this.durSet.activeKeys();
    w.configure(
      [
        this.tsSet.activeKeys(),
        ...[Field.Level, Field.Status, Field.Path, Field.Method].map((f) => this.finders[f].set.activeKeys()),
        durKeys,
      ],
      durKeys.map(durationScale),
    );
  }

  /** Value start of the time on the line s[ls, le), or -1; remembers its offset for the next line. */
  findTs(s: string, ls: number, le: number): number {
    const tv = this.tsSet.find(s, ls, le);
    if (tv >= 0) this.tsRel = tv + 1 - ls;
    return tv;
  }

  /** Finds every field of the line s[ls, le) (into vpos) in the log's key order, each searched from where the previous one ended. */
  find(s: string, from: number, ls: number, le: number): void {
    let reorder = false;
    const vpos = this.vpos;
    for (let i = 0; i < FIELD_COUNT; i++) {
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
  }

  /** The duration in ms whose value starts at dv (in the unit of the alias that matched), or -1. */
  durationAt(s: string, dv: number): number {
    const scale = this.durScales[this.finders[Field.Duration].primary];
    if (s.charCodeAt(dv) === Ch.Quote) {
      const de = s.indexOf('"', dv + 1);
      const d = parseDurationValue(s.slice(dv + 1, de), scale);
      return d !== null ? d : -1;
    }
    const d = numberAt(s, dv);
    return d >= 0 ? d * scale : -1;
  }

  /** The time whose JSON value starts at v, parsed exactly, or null. */
  exactTs(s: string, v: number): number | null {
    if (s.charCodeAt(v) === Ch.LeftBrace) {
      // An object, as loguru's serialised records hold it: {"repr": "2026-…", "timestamp": 1795…}.
      const end = s.indexOf('}', v);
      for (const key of ['"timestamp":', '"repr":']) {
        const k = s.indexOf(key, v);
        if (k < 0 || (end >= 0 && k > end)) continue;
        let q = k + key.length;
        while (s.charCodeAt(q) === Ch.Space) q++;
        if (s.charCodeAt(q) !== Ch.LeftBrace) return this.exactTs(s, q);
      }
      return null;
    }
    if (s.charCodeAt(v) === Ch.Quote) {
      const e = s.indexOf('"', v + 1);
      return e < 0 ? null : parseTimestampValue(s.slice(v + 1, e));
    }
    const e = readNumberEnd(s, v);
    return e > v ? parseTimestampValue(Number(s.slice(v, e))) : null;
  }

  /**
   * Learns which JSON key aliases this block uses from its first lines, so the fast path
   * searches for those only: every alias searched costs a pass over the text.
   */
  learnKeys(buf: Buffer, start: number, end: number): void {
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
        let nl = buf.indexOf(Ch.Lf, pos);
        if (nl < 0 || nl > end) nl = end;
        let brace = -1;
        for (let i = pos, stop = Math.min(nl, pos + SAMPLE_BRACE_WITHIN); i < stop; i++) {
          if (buf[i] === Ch.LeftBrace) {
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
    sampleAt(start, SAMPLE_HEAD_LINES);
    for (let at = start + stride; at < end; at += stride) {
      const nl = buf.indexOf(Ch.Lf, at);
      if (nl < 0 || nl >= end) break;
      sampleAt(nl + 1, SAMPLE_STRIDE_LINES);
    }
    this.sampleStride = present.size > before ? SAMPLE_STRIDE : Math.min(stride * 2, SAMPLE_STRIDE_MAX);
    const learned = parsed || present.size ? present : null;
    this.tsSet.learn(learned);
    for (const f of this.finders) f.learn(learned);
  }
}
