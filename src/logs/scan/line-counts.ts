// Line totals by format and by level, and the lines counted as malformed.
import type { LevelClass } from './fields.js';
import type { MinuteClock } from './minutes.js';
import type { PartialAnalysis } from './partial.js';

export type LineFormat = 'json' | 'uvicorn' | 'combined' | 'text' | 'continuation' | 'blank' | 'unrecognized';

export class LineCounts {
  readonly formats: Record<LineFormat, number> = { json: 0, uvicorn: 0, combined: 0, text: 0, continuation: 0, blank: 0, unrecognized: 0 };
  readonly levels: Record<LevelClass, number> = { fatal: 0, critical: 0, error: 0, warning: 0, info: 0, debug: 0, trace: 0, none: 0 };

  constructor(
    private readonly p: PartialAnalysis,
    private readonly clock: MinuteClock,
  ) {}

  malformed(): void {
    this.p.malformed++;
  }

  /** A line that continues the event before it (a traceback line, an indented line). */
  continuation(): void {
    if (this.clock.countIn()) this.formats.continuation++;
  }

  plain(kind: 'blank' | 'unrecognized'): void {
    if (this.clock.countIn()) {
      this.formats[kind]++;
      this.levels.none++;
    }
  }
}
