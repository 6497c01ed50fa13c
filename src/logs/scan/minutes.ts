// The scanner's clock: the current line's time, whether it lies in the window, and the minute
// buckets lines and errors are counted into.
import type { MinuteAgg } from './minute-agg.js';
import type { PartialAnalysis } from './partial.js';

/** Where the current minute lies against the window (the fast path's scan mode takes 0 and 1). */
export const enum MinuteState {
  /** The whole minute is inside the window. */
  Inside = 0,
  /** The whole minute is outside it. */
  Outside = 1,
  /** The minute straddles an edge: each line's time decides. */
  Straddles = 2,
}

/** Length of a minute key, "YYYY-MM-DDTHH:MM". */
export const MINUTE_KEY_LENGTH = 16;

export class MinuteClock {
  curMinute = NaN;
  private curAgg: MinuteAgg | null = null;
  curMinuteState: MinuteState = MinuteState.Inside;
  curMs: number | null = null;
  /** "YYYY-MM-DDTHH:MM" of the current minute when the last dated line wrote ISO text, else ''. */
  curKey = '';
  /** curKey's character codes (a typed array reads faster than a sliced string). */
  private readonly keyCodes = new Uint16Array(MINUTE_KEY_LENGTH);
  /** curKey changed since the fast path was told. */
  keyDirty = false;
  inWin = true;

  constructor(
    private readonly p: PartialAnalysis,
    private readonly win: { sinceMs: number; untilMs: number } | null,
  ) {}

  /** Forgets the time (a range of input unrelated to the one before starts). */
  reset(): void {
    this.curMinute = NaN;
    this.curAgg = null;
    this.curMinuteState = MinuteState.Inside;
    this.curMs = null;
    this.curKey = '';
    this.inWin = true;
  }

  /** Sets the current minute's key (or '' when the line's time is not ISO text), for the fast path too. */
  setKey(key: string): void {
    this.curKey = key;
    this.keyDirty = true;
    for (let i = 0; i < key.length; i++) this.keyCodes[i] = key.charCodeAt(i);
  }

  /** Whether s holds the current minute's "YYYY-MM-DDTHH:MM" at `at` (compared from the end, where it changes). */
  minuteKeyAt(s: string, at: number): boolean {
    const k = this.keyCodes;
    for (let i = MINUTE_KEY_LENGTH - 1; i >= 0; i--) if (s.charCodeAt(at + i) !== k[i]) return false;
    return true;
  }

  private setMinute(ms: number): void {
    const minute = Math.floor(ms / 60_000);
    if (minute === this.curMinute) return;
    this.curMinute = minute;
    this.curAgg = null;
    if (!this.win) this.curMinuteState = MinuteState.Inside;
    else {
      const lo = minute * 60_000;
      const hi = lo + 59_999;
      this.curMinuteState =
        lo >= this.win.sinceMs && hi <= this.win.untilMs
          ? MinuteState.Inside
          : hi < this.win.sinceMs || lo > this.win.untilMs
            ? MinuteState.Outside
            : MinuteState.Straddles;
    }
  }

  /** The current minute's bucket. */
  minuteAgg(): MinuteAgg {
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
  noteExact(ms: number): void {
    if (this.win && (ms < this.win.sinceMs || ms > this.win.untilMs)) return;
    if (this.p.firstMs === null || ms < this.p.firstMs) this.p.firstMs = ms;
    if (this.p.lastMs === null || ms > this.p.lastMs) this.p.lastMs = ms;
  }

  /** A line with its own time: moves the clock and decides whether the line is in the window. */
  setTime(ms: number): void {
    this.setMinute(ms);
    this.curMs = ms;
    this.inWin =
      this.curMinuteState === MinuteState.Inside ||
      (this.curMinuteState === MinuteState.Straddles && ms >= this.win!.sinceMs && ms <= this.win!.untilMs);
  }

  /** Counts a line in the window totals and its minute; false when it lies outside the window. */
  countIn(): boolean {
    if (!this.inWin) return false;
    this.p.linesInWindow++;
    if (this.curMinute !== this.curMinute) this.p.undated++;
    else this.minuteAgg().lines++;
    return true;
  }
}
