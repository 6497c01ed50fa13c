// Error events and their signatures: an error line opens an event, the traceback after it may
// rename it, and the next line that is not part of it closes it into its signature (exception
// type plus masked message). Events the fast path counted are added up here too.
import { isErrorLevel, JSON_ALIASES, parseTimestampValue, pick, type LevelClass } from './fields.js';
import { OTHER } from './endpoints.js';
import type { JsonLinesEngine, WasmErrorEvent } from './json-lines-wasm.js';
import type { MinuteClock } from './minutes.js';
import { endpointName, type EndpointAgg, type PartialAnalysis } from './partial.js';
import { exceptionOfTraceback, maskMessage, parseExceptionLine } from './signature.js';

const MAX_SIGNATURES = 2000;
/** Characters of a message kept as its signature's sample. */
const MAX_SAMPLE = 300;

/** Where a Python traceback stands (the fast path reports the same numbers, 0 or 2, after its events). */
export const enum Tb {
  /** No traceback in progress. */
  None = 0,
  /** Reading frames: the exception line is next. */
  Frames = 1,
  /** After the exception line. */
  AfterException = 2,
}

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

/** Whether exception type a names b (one may be qualified by its module: `app.errors.KeyError`). */
function sameException(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export class ErrorEvents {
  /** The open event (closed by the next line that does not continue it). */
  pending: PendingEvent | null = null;
  tb: Tb = Tb.None;

  constructor(
    private readonly p: PartialAnalysis,
    private readonly clock: MinuteClock,
    private readonly wasm: JsonLinesEngine | null,
  ) {}

  /** Closes the open event and forgets the traceback (a range of input unrelated to the one before starts). */
  reset(): void {
    this.close();
    this.tb = Tb.None;
  }

  /** An error JSON line, parsed: its time, message and exception. */
  openJson(obj: Record<string, unknown>, level: LevelClass, status: number, ep: EndpointAgg | null): void {
    const t = pick(obj, JSON_ALIASES.ts);
    const ms = (t && parseTimestampValue(t.value)) ?? this.clock.curMs;
    if (ms !== null) this.clock.noteExact(ms);
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
        if (sameException(ex.type, type)) exMessage = ex.message;
      }
    }
    this.open(ms, type, exMessage ?? message, level, status, ep, exMessage !== null);
  }

  open(
    ms: number | null,
    type: string | null,
    message: string,
    level: LevelClass,
    status: number,
    ep: EndpointAgg | null,
    exceptionMessage = false,
  ): void {
    this.close();
    this.tb = Tb.None;
    this.p.errorEvents++;
    const clock = this.clock;
    if (clock.curMinute === clock.curMinute) {
      const agg = clock.minuteAgg();
      agg.errors++;
      if (ms !== null) {
        if (agg.firstErrorMs === null || ms < agg.firstErrorMs) agg.firstErrorMs = ms;
        agg.secondErrors ??= new Uint32Array(60);
        agg.secondErrors[Math.floor((ms - clock.curMinute * 60_000) / 1000) % 60]++;
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

  /** "Traceback (most recent call last):". */
  startTraceback(): void {
    // A traceback right after an error line belongs to it; otherwise it is an event of its own.
    if (!this.pending && this.clock.inWin) this.open(this.clock.curMs, null, '', 'error', 0, null);
    this.tb = Tb.Frames;
    if (!this.pending) return;
    // Lines after the ones the fast path hashed change the event: its hash no longer names it.
    this.pending.wasmSignature = undefined;
    if (this.pending.type === null) this.pending.fromTraceback = true;
  }

  /** A traceback's exception line. */
  attachException(type: string, message: string): void {
    const p = this.pending;
    if (!p) return;
    p.wasmSignature = undefined;
    // A traceback names the exception better than a generic log message; a chained traceback
    // replaces the earlier one (the last exception is the one that escaped).
    const sameType = p.type !== null && sameException(p.type, type);
    if (p.type === null || p.fromTraceback || (sameType && !p.exceptionMessage)) {
      p.type = p.type !== null && sameType && p.type.length > type.length ? p.type : type;
      p.message = message;
      p.fromTraceback = true;
      p.exceptionMessage = true;
    }
  }

  /** Counts the open event under its signature. */
  close(): void {
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
      sig = {
        type,
        template,
        count: 0,
        firstMs: ms,
        lastMs: ms,
        sample: e.message.length > MAX_SAMPLE ? `${e.message.slice(0, MAX_SAMPLE)}…` : e.message,
      };
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

  /** An error line the fast path counted: what openJson and close would have added. */
  countFast(w: JsonLinesEngine, ev: WasmErrorEvent): void {
    const clock = this.clock;
    this.p.errorEvents++;
    clock.noteExact(ev.ms);
    const agg = clock.minuteAgg();
    agg.errors++;
    if (agg.firstErrorMs === null || ev.ms < agg.firstErrorMs) agg.firstErrorMs = ev.ms;
    agg.secondErrors ??= new Uint32Array(60);
    agg.secondErrors[Math.floor((ev.ms - clock.curMinute * 60_000) / 1000) % 60]++;
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
    this.tb = ev.tb; // as open and the event's traceback lines leave it
  }
}
