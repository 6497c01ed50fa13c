// A line that is not JSON (uvicorn, access logs, text with a timestamp), or JSON behind a
// timestamp prefix, by the JavaScript rules.
import { addDuration, type EndpointTable } from './endpoints.js';
import type { ErrorEvents } from './error-events.js';
import { isErrorLevel, parseLeadingTimestamp } from './fields.js';
import { Ch } from './chars.js';
import { criTag, type TextWindow } from './framing.js';
import type { JsonLineScanner } from './json-line.js';
import type { LineCounts } from './line-counts.js';
import type { MinuteClock } from './minutes.js';
import { normalizePath } from './normalize-path.js';
import { parseExceptionLine } from './signature.js';
import { parseTextLine, type TextFacts } from './text-formats.js';

export class TextLineScanner {
  constructor(
    private readonly text: TextWindow,
    private readonly clock: MinuteClock,
    private readonly json: JsonLineScanner,
    private readonly endpoints: EndpointTable,
    private readonly errors: ErrorEvents,
    private readonly counts: LineCounts,
    private readonly refYear: number,
  ) {}

  /** The line text[ls, le). */
  scan(ls: number, le: number): void {
    const line = this.text.utf8(ls, le);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]|\ufffd{2}/.test(line)) {
      this.counts.malformed();
      return;
    }
    const c0 = line.charCodeAt(0);
    let f: TextFacts | null = null;
    if (c0 >= Ch.Digit0 && c0 <= Ch.Digit9) {
      // Docker, journald and Kubernetes put a timestamp before the application's own line: a
      // JSON line, or a text line read as if it stood alone (uvicorn's starts with its level),
      // with the prefix's time when it has none of its own.
      const t = parseLeadingTimestamp(line, this.refYear);
      const at = t && line.charCodeAt(t.length) === Ch.Space ? t.length + 1 + criTag(line, t.length + 1) : -1;
      if (t && line.charCodeAt(at) === Ch.LeftBrace) {
        this.json.scan(ls + Buffer.byteLength(line.slice(0, at)), le, t.ms);
        return;
      }
      if (t && at > 0 && line.charCodeAt(t.length - 1) === Ch.UpperZ) {
        f = parseTextLine(line.slice(at), this.refYear);
        if (f) f.ms ??= t.ms;
      }
    }
    f ??= parseTextLine(line, this.refYear);
    const clock = this.clock;
    if (!f) {
      this.errors.close();
      this.counts.plain('unrecognized');
      return;
    }
    if (f.ms !== null) {
      clock.setTime(f.ms);
      clock.curKey = '';
      clock.noteExact(f.ms);
    }
    if (!clock.inWin) return;
    this.errors.close();
    clock.countIn();
    this.counts.formats[f.format]++;
    this.counts.levels[f.level]++;
    let ep = null;
    if (f.path) {
      ep = this.endpoints.byName(f.method, normalizePath(f.path));
      if (f.status !== null || f.durationMs !== null) ep.requests++;
      if (f.durationMs !== null) addDuration(ep, f.durationMs);
    }
    if (isErrorLevel(f.level) || (f.status !== null && f.status >= 500)) {
      const ex = parseExceptionLine(f.message);
      this.errors.open(f.ms ?? clock.curMs, ex?.type ?? null, ex ? ex.message : f.message, f.level, f.status ?? 0, ep, ex !== null);
    }
  }
}
