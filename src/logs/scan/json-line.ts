// A JSON line by the JavaScript rules: its time compared in place with the current minute, its
// fields found without parsing, and only an error line parsed in full (for its signature).
import { Ch } from './chars.js';
import type { EndpointTable } from './endpoints.js';
import { countRequest } from './endpoints.js';
import { Tb, type ErrorEvents } from './error-events.js';
import { isErrorLevel, type LevelClass } from './fields.js';
import type { TextWindow } from './framing.js';
import { Field, type JsonFields } from './json-fields.js';
import { levelValueAt, statusAt } from './json-values.js';
import type { LineCounts } from './line-counts.js';
import { MINUTE_KEY_LENGTH, MinuteState, type MinuteClock } from './minutes.js';

export class JsonLineScanner {
  constructor(
    private readonly text: TextWindow,
    private readonly clock: MinuteClock,
    private readonly fields: JsonFields,
    private readonly endpoints: EndpointTable,
    private readonly errors: ErrorEvents,
    private readonly counts: LineCounts,
  ) {}

  /** The JSON line text[ls, le); `prefixMs`: the time of a Docker or journald prefix before it, or null. */
  scan(ls: number, le: number, prefixMs: number | null): void {
    const s = this.text.s;
    let e = le;
    while (e > ls && s.charCodeAt(e - 1) <= Ch.Space) e--;
    if (s.charCodeAt(e - 1) !== Ch.RightBrace) {
      this.counts.malformed();
      return;
    }
    const tv = this.time(s, ls, le, prefixMs);
    if (!this.clock.inWin) return;

    const fields = this.fields;
    fields.find(s, tv >= 0 ? tv : ls, ls, le);
    const vpos = fields.vpos;
    const lv = vpos[Field.Level];
    const level: LevelClass = lv >= 0 ? levelValueAt(s, lv) : 'none';
    const sv = vpos[Field.Status];
    const status = sv >= 0 ? statusAt(s, sv) : 0;
    const isError = isErrorLevel(level) || status >= 500;
    let obj: Record<string, unknown> | null = null;
    if (isError) {
      // Only error lines are decoded and parsed in full: they feed the signatures.
      try {
        const parsed: unknown = JSON.parse(this.text.utf8(ls, e));
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        obj = parsed as Record<string, unknown>;
      } catch {
        this.counts.malformed();
        return;
      }
    }
    if (this.errors.tb !== Tb.Frames) this.errors.close();
    this.clock.countIn();
    this.counts.formats.json++;
    this.counts.levels[level]++;

    const ep = this.endpoints.ofJson(s, vpos[Field.Path], vpos[Field.Method]);
    const dv = vpos[Field.Duration];
    const dur = dv >= 0 ? fields.durationAt(s, dv) : -1;
    if (ep) countRequest(ep, status !== 0, dur);
    if (obj) this.errors.openJson(obj, level, status, ep);
  }

  /**
   * The line's time: compares the minute in place with the previous line's and parses only when
   * it changed; moves the clock. Returns where the time value starts, or -1.
   */
  private time(s: string, ls: number, le: number, prefixMs: number | null): number {
    const clock = this.clock;
    const fields = this.fields;
    // Most loggers put the time at the same offset on every line: try there before searching.
    let tv: number;
    const tr = ls + fields.tsRel;
    let sameMinute = false;
    if (clock.curKey && fields.tsRel > 0 && s.charCodeAt(tr - 1) === Ch.Quote && clock.minuteKeyAt(s, tr)) {
      tv = tr - 1;
      sameMinute = true;
    } else tv = fields.findTs(s, ls, le);
    let tsKnown = false;
    if (tv >= 0) {
      if (sameMinute || (clock.curKey && s.charCodeAt(tv) === Ch.Quote && clock.minuteKeyAt(s, tv + 1))) {
        if (clock.curMinuteState === MinuteState.Straddles) {
          const ms = fields.exactTs(s, tv);
          if (ms !== null) {
            clock.setTime(ms);
            clock.noteExact(ms);
          }
        } else {
          clock.inWin = clock.curMinuteState === MinuteState.Inside;
          clock.curMs ??= clock.curMinute * 60_000;
        }
        tsKnown = true;
      } else {
        const ms = fields.exactTs(s, tv);
        if (ms !== null) {
          clock.setTime(ms);
          clock.noteExact(ms);
          // ISO text: remember "YYYY-MM-DDTHH:MM" so following lines of the minute skip parsing.
          clock.setKey(
            s.charCodeAt(tv) === Ch.Quote && s.charCodeAt(tv + 5) === Ch.Minus && s.charCodeAt(tv + 14) === Ch.Colon
              ? s.slice(tv + 1, tv + 1 + MINUTE_KEY_LENGTH)
              : '',
          );
          tsKnown = true;
        }
      }
      if (tsKnown && clock.inWin) fields.lastTsPos = tv;
    }
    if (!tsKnown && prefixMs !== null) {
      clock.setTime(prefixMs);
      clock.curKey = '';
    }
    return tv;
  }
}
