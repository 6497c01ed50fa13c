import { StringDecoder } from 'node:string_decoder';

/** Output kept per action: the first and the last lines matter most (the command, the error). */
export const OUTPUT_HEAD_CHARS = 8 * 1024;
export const OUTPUT_TAIL_CHARS = 24 * 1024;
/** A longer line (a minified blob, a progress bar) is cut: nobody reads past this in an incident. */
export const MAX_LINE_CHARS = 4 * 1024;

/**
 * Collects a command's output line by line. Redaction runs on whole lines, so a token split
 * across two pipe reads is still caught; terminal escapes and control characters are removed
 * because the text ends up in the timeline and in JSON. Memory stays bounded however much a
 * script prints: the head and the tail are kept, the middle is counted.
 */
export class OutputLog {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private head = '';
  private tail: string[] = [];
  private tailChars = 0;
  private dropped = 0;
  truncated = false;

  constructor(
    private readonly redact: (t: string) => string,
    private readonly onLine?: (line: string) => void,
  ) {}

  write(chunk: Buffer | string): void {
    this.partial += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.partial.indexOf('\n')) >= 0) {
      this.push(this.partial.slice(0, nl));
      this.partial = this.partial.slice(nl + 1);
    }
    // A single endless line (a progress bar without newlines) must not grow without bound.
    if (this.partial.length > OUTPUT_TAIL_CHARS) {
      this.push(this.partial);
      this.partial = '';
    }
  }

  /** A line written by warroom itself (why a process was stopped). */
  note(line: string): void {
    this.push(line);
  }

  end(): void {
    this.partial += this.decoder.end();
    if (this.partial) this.push(this.partial);
    this.partial = '';
  }

  text(): string {
    const middle = this.dropped ? `[warroom] … ${this.dropped} characters of output omitted …\n` : '';
    return (this.head + middle + this.tail.join('')).replace(/\n$/, '');
  }

  private push(raw: string): void {
    let line = this.redact(sanitize(raw.replace(/\r$/, '')));
    if (line.length > MAX_LINE_CHARS) {
      line = `${line.slice(0, MAX_LINE_CHARS)} …[line truncated]`;
      this.truncated = true;
    }
    this.onLine?.(line);
    const withNl = `${line}\n`;
    if (this.head.length + withNl.length <= OUTPUT_HEAD_CHARS && this.tail.length === 0) {
      this.head += withNl;
      return;
    }
    this.tail.push(withNl);
    this.tailChars += withNl.length;
    while (this.tailChars > OUTPUT_TAIL_CHARS && this.tail.length > 1) {
      const gone = this.tail.shift()!;
      this.tailChars -= gone.length;
      this.dropped += gone.length;
      this.truncated = true;
    }
  }
}

/** Removes ANSI escape sequences and control characters other than tab. */
export function sanitize(text: string): string {
  /* eslint-disable no-control-regex -- the control characters are what this removes */
  return text
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007]*\u0007/g, '')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
  /* eslint-enable no-control-regex */
}
