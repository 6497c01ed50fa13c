// The streaming analyser, composed of its parts: line framing (framing.ts), the clock and minute
// buckets (minutes.ts), JSON field extraction (json-fields.ts, json-values.ts), endpoint and
// request accounting (endpoints.ts), error events and signatures (error-events.ts), line
// totals (line-counts.ts), the JSON and text line rules (json-line.ts, text-line.ts), and the
// WebAssembly fast path (json-lines-wasm.ts) that takes the common lines before any of them.
import { Ch } from './chars.js';
import { EndpointTable } from './endpoints.js';
import { ErrorEvents, Tb } from './error-events.js';
import { JSON_ALIASES, parseLeadingTimestamp } from './fields.js';
import { contentStart, TextWindow, windowEnd } from './framing.js';
import { JsonFields } from './json-fields.js';
import { JsonLineScanner } from './json-line.js';
import { JsonLinesEngine, R_NEW_ENDPOINT, R_NEW_SIGNATURE, R_NONE } from './json-lines-wasm.js';
import { LineCounts } from './line-counts.js';
import { MINUTE_KEY_LENGTH, MinuteClock, MinuteState } from './minutes.js';
import { emptyPartial, type PartialAnalysis } from './partial.js';
import { parseExceptionLine } from './signature.js';
import { TextLineScanner } from './text-line.js';

/** Bytes after a time value's start that hold all of it (the block's last time is read exactly from them). */
const TIME_VALUE_BYTES = 80;

export interface ScanOptions {
  /** Only lines inside [sinceMs, untilMs] count; lines without a time inherit the previous line's. */
  window?: { sinceMs: number; untilMs: number } | null;
  /** Year for syslog timestamps, which carry none. */
  refYear?: number;
  /** false: scan every line in JavaScript, without the WebAssembly fast path (for tests). */
  wasm?: boolean;
}

/**
 * The streaming analyser. Feed it chunks that hold whole lines; it keeps only counters,
 * histograms and bounded maps. JSON lines take a fast path: keys are found with indexOf on
 * the chunk decoded as latin1 (so character offsets are byte offsets), the minute is compared
 * in place against the previous line's, and only error lines are decoded and JSON.parse'd.
 */
export class LogScanner {
  private readonly p: PartialAnalysis = emptyPartial();
  private readonly refYear: number;
  private readonly text = new TextWindow();
  private readonly clock: MinuteClock;
  private readonly fields = new JsonFields();
  private readonly counts: LineCounts;
  private readonly endpoints: EndpointTable;
  private readonly errors: ErrorEvents;
  private readonly json: JsonLineScanner;
  private readonly textLines: TextLineScanner;
  /** The WebAssembly fast path for common JSON lines (null: JavaScript scans every line). */
  private readonly wasm: JsonLinesEngine | null;
  /** Runs of lines the fast path handed to the JavaScript rules (for tests and tuning). */
  handoffs = 0;

  constructor(opts: ScanOptions = {}) {
    this.refYear = opts.refYear ?? new Date().getUTCFullYear();
    this.wasm = opts.wasm === false ? null : JsonLinesEngine.create([JSON_ALIASES.message, JSON_ALIASES.excType, JSON_ALIASES.excText]);
    this.clock = new MinuteClock(this.p, opts.window ?? null);
    this.counts = new LineCounts(this.p, this.clock);
    this.endpoints = new EndpointTable(this.p, this.text);
    this.errors = new ErrorEvents(this.p, this.clock, this.wasm);
    this.json = new JsonLineScanner(this.text, this.clock, this.fields, this.endpoints, this.errors, this.counts);
    this.textLines = new TextLineScanner(this.text, this.clock, this.json, this.endpoints, this.errors, this.counts, this.refYear);
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
    this.text.buf = buf;
    this.p.bytes += end - start;
    this.fields.learnKeys(buf, start, end);
    if (this.wasm) {
      this.feedFast(this.wasm, buf, start, end);
      return;
    }
    // Decoded in small windows: V8 makes strings this size in the young generation, several
    // times faster than the large-object strings a whole 4 MiB chunk would need.
    let a = start;
    while (a < end) {
      const b = windowEnd(buf, a, end);
      this.scanWindow(a, b);
      a = b;
    }
  }

  /**
   * The fast path takes every line it can; each line it stops at is scanned here, by the full
   * rules, and it resumes after it.
   */
  private feedFast(w: JsonLinesEngine, buf: Buffer, start: number, end: number): void {
    const { p, clock, errors, fields, text } = this;
    const formats = this.counts.formats;
    fields.configureFastPath(w);
    const base = w.load(buf, start, end);
    const len = end - start;
    text.close();
    let pos = 0;
    let lastTs = -1;
    while (pos < len) {
      const mode = clock.curKey.length === MINUTE_KEY_LENGTH && clock.curMinuteState !== MinuteState.Straddles ? clock.curMinuteState : -1;
      let reason = R_NONE;
      if (mode === MinuteState.Inside || mode === MinuteState.Outside) {
        if (clock.keyDirty) {
          w.setMinute(clock.curKey);
          clock.keyDirty = false;
        }
        // Inside a traceback (its frames) an error line is JavaScript's: it ends that traceback.
        pos = w.scan(base + pos, base + len, mode, errors.tb !== Tb.Frames) - base;
        text.buf = w.fresh(text.buf);
        p.lines += w.consumed;
        for (const ev of w.errorEvents()) errors.countFast(w, ev);
        if (w.counted > 0) {
          clock.inWin = true;
          p.linesInWindow += w.counted + w.continuation;
          clock.minuteAgg().lines += w.counted + w.continuation;
          formats.json += w.counted;
          formats.continuation += w.continuation;
          if (errors.tb !== Tb.Frames) errors.close();
          lastTs = w.lastTs - base;
        } else if (mode === MinuteState.Outside && w.consumed > 0) clock.inWin = false;
        reason = w.reason;
        if (pos >= len) break;
      }
      // This line by the full rules, with the lines after it that are not JSON (a traceback):
      // only those lines are decoded (the fast path leaves few, far apart).
      const a = start + pos;
      const b = w.batchEnd(base + pos, base + len) - base + start;
      this.handoffs++;
      this.openWindow(a, b);
      this.endpoints.lastEp = null;
      const events = p.errorEvents;
      const lines = p.lines;
      const inWindow = p.linesInWindow;
      const json = formats.json;
      const continuation = formats.continuation;
      this.scanLines(0, b - a);
      // The fast path may count this line's signature itself from now on when JavaScript read it
      // as it would: one JSON error line whose event is still open, then only traceback lines.
      const n = p.lines - lines;
      const pending = errors.pending;
      if (
        reason === R_NEW_SIGNATURE &&
        pending &&
        errors.tb !== Tb.Frames &&
        p.errorEvents === events + 1 &&
        formats.json === json + 1 &&
        formats.continuation === continuation + n - 1 &&
        p.linesInWindow === inWindow + n
      ) {
        pending.wasmSignature = w.signatureHash();
        pending.wasmTb = errors.tb;
      }
      if (fields.lastTsPos >= 0) lastTs = text.base + fields.lastTsPos - start;
      const ep = this.endpoints.lastEp;
      if (reason === R_NEW_ENDPOINT && ep) w.addEndpoint(ep);
      pos = b - start;
    }
    if (lastTs >= 0) {
      // Same-minute lines are compared, not parsed: read the block's last time exactly.
      this.openWindow(start + lastTs, Math.min(end, start + lastTs + TIME_VALUE_BYTES));
      const ms = fields.exactTs(text.s, 0);
      if (ms !== null) clock.noteExact(ms);
    }
    text.close();
  }

  private scanWindow(a: number, b: number): void {
    this.openWindow(a, b);
    const text = this.text;
    this.scanLines(0, text.s.length);
    if (this.fields.lastTsPos >= 0) {
      // The minute fast path skips exact parsing; read the window's last timestamp exactly.
      const ms = this.fields.exactTs(text.s, this.fields.lastTsPos);
      if (ms !== null) this.clock.noteExact(ms);
    }
    text.close();
  }

  /** Decodes buf[a, b) as the text the JavaScript rules search (offsets relative to a). */
  private openWindow(a: number, b: number): void {
    this.text.open(a, b);
    this.fields.reset();
  }

  /** Scans the window's lines from offset `from` (a line start) to `to` (a line end, or the window's end). */
  private scanLines(from: number, to: number): void {
    const s = this.text.s;
    let ls = from;
    while (ls < to) {
      let nl = s.indexOf('\n', ls);
      if (nl < 0 || nl > to) nl = to;
      let le = nl;
      if (le > ls && s.charCodeAt(le - 1) === Ch.Cr) le--;
      this.p.lines++;
      this.scanLine(ls, le);
      ls = nl + 1;
    }
  }

  /** One line: blank, part of a traceback, JSON or text. */
  private scanLine(ls: number, le: number): void {
    const s = this.text.s;
    const errors = this.errors;
    const counts = this.counts;
    if (le === ls) {
      if (errors.tb) counts.continuation();
      else counts.plain('blank');
      return;
    }
    // Behind a Docker, journald or Kubernetes prefix: look past it to see whether the line
    // continues an event.
    const cs = contentStart(s, ls, le);
    const c0 = s.charCodeAt(cs);
    if (c0 === Ch.Space || c0 === Ch.Tab) {
      if (errors.tb === Tb.AfterException) errors.tb = Tb.None;
      counts.continuation();
      return;
    }
    if (c0 === Ch.UpperT && s.startsWith('Traceback (most recent call last):', cs)) {
      errors.startTraceback();
      counts.continuation();
      return;
    }
    if (
      (c0 === Ch.UpperD && s.startsWith('During handling of the above exception', cs)) ||
      (c0 === Ch.UpperT && s.startsWith('The above exception was the direct cause', cs))
    ) {
      errors.tb = Tb.Frames;
      counts.continuation();
      return;
    }
    if (errors.tb === Tb.Frames && c0 !== Ch.LeftBrace) {
      const ex = parseExceptionLine(this.text.utf8(cs, le));
      errors.tb = Tb.AfterException;
      if (ex) {
        errors.attachException(ex.type, ex.message);
        counts.continuation();
        return;
      }
    }
    // A JSON line from the other stream (stdout between stderr traceback frames, as Docker
    // interleaves them) does not end a traceback in progress; anything else does.
    if (c0 !== Ch.LeftBrace) errors.tb = Tb.None;
    if (c0 === Ch.LeftBrace)
      this.json.scan(cs, le, cs > ls ? (parseLeadingTimestamp(s.slice(ls, cs - 1), this.refYear)?.ms ?? null) : null);
    else this.textLines.scan(ls, le);
  }

  /** A line too long to hold was skipped by the reader. */
  countOversized(): void {
    this.p.lines++;
    this.p.malformed++;
  }

  /**
   * Starts a range of input unrelated to the one before (another part of a file, another file):
   * the counts and what was learned go on; the open event, the traceback state and the clock,
   * which tie a line to the lines before it, start afresh.
   */
  startRange(): void {
    this.errors.reset();
    this.clock.reset();
    this.fields.lastTsPos = -1;
    this.fields.tsRel = 0;
  }

  /** Closes the last event and returns the counts (the scanner must not be fed after). */
  finish(): PartialAnalysis {
    this.errors.close();
    this.wasm?.drain(this.counts.levels);
    this.p.formats = { ...this.counts.formats };
    this.p.levels = { ...this.counts.levels };
    return this.p;
  }
}
