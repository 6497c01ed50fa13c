import { closeSync, openSync, readSync } from 'node:fs';
import type { LogScanner } from './scanner.js';

/** Read size: large enough that per-chunk costs vanish, small enough to keep memory flat. */
export const CHUNK_BYTES = 2 << 20;
/** A line longer than this is counted as malformed and skipped, never held in memory. */
export const MAX_LINE_BYTES = 64 << 20;

/**
 * Cuts a byte stream into buffers of whole lines for the scanner, growing its buffer for long
 * lines up to MAX_LINE_BYTES and skipping (counting) anything longer.
 */
export class LineChunker {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private len = 0;
  private skipping = false;

  constructor(private readonly scanner: LogScanner) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.skipping) {
      const nl = data.indexOf(10);
      if (nl < 0) return;
      this.skipping = false;
      data = data.subarray(nl + 1);
    }
    while (data.length) {
      const room = this.buf.length - this.len;
      const take = Math.min(room, data.length);
      data.copy(this.buf, this.len, 0, take);
      this.len += take;
      data = data.subarray(take);
      this.drain(data.length > 0);
      if (this.skipping) {
        const nl = data.indexOf(10);
        if (nl < 0) return;
        this.skipping = false;
        data = data.subarray(nl + 1);
      }
    }
  }

  /** Scans every complete line; when the buffer is full of one unfinished line, grows or skips it. */
  private drain(moreWaiting: boolean): void {
    const last = this.buf.lastIndexOf(10, this.len - 1);
    if (last >= 0) {
      this.scanner.feed(this.buf, 0, last + 1);
      this.buf.copy(this.buf, 0, last + 1, this.len);
      this.len -= last + 1;
      return;
    }
    if (!moreWaiting || this.len < this.buf.length) return;
    if (this.buf.length < MAX_LINE_BYTES) {
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, MAX_LINE_BYTES));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    } else {
      this.scanner.countOversized();
      this.len = 0;
      this.skipping = true;
    }
  }

  end(): void {
    if (this.len > 0 && !this.skipping) this.scanner.feed(this.buf, 0, this.len);
    this.len = 0;
    // Give the big buffer back: a scanner may live on after its input ends.
    this.buf = Buffer.alloc(0);
  }
}

/**
 * Scans bytes [start, end) of a file with synchronous positional reads straight into one
 * reusable buffer (the scanner's: in the fast path's memory, so no copy on the way), growing
 * it for long lines up to
 * MAX_LINE_BYTES and skipping, as one malformed line, anything longer.
 */
export function scanFileRange(path: string, start: number, end: number, scanner: LogScanner): void {
  const fd = openSync(path, 'r');
  try {
    let buf = scanner.readBuffer(CHUNK_BYTES);
    let len = 0;
    let pos = start;
    let skipping = false;
    while (pos < end) {
      if (len === buf.length) {
        if (buf.length < MAX_LINE_BYTES) {
          const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_LINE_BYTES));
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        } else {
          scanner.countOversized();
          len = 0;
          skipping = true;
        }
      }
      const n = readSync(fd, buf, len, Math.min(buf.length - len, end - pos), pos);
      if (n <= 0) break;
      pos += n;
      let from = len;
      len += n;
      if (skipping) {
        const nl = buf.indexOf(10, from);
        if (nl < 0 || nl >= len) {
          len = 0;
          continue;
        }
        skipping = false;
        buf.copy(buf, 0, nl + 1, len);
        len -= nl + 1;
        from = 0;
      }
      const last = buf.lastIndexOf(10, len - 1);
      if (last < 0) continue;
      scanner.feed(buf, 0, last + 1);
      buf = scanner.liveBuffer(buf);
      buf.copy(buf, 0, last + 1, len);
      len -= last + 1;
    }
    if (len > 0 && !skipping) scanner.feed(buf, 0, len);
  } finally {
    closeSync(fd);
  }
}

function isContinuationAt(buf: Buffer, i: number, n: number): boolean {
  if (i >= n) return false;
  const c = buf[i];
  if (c === 32 || c === 9 || c === 10 || c === 13) return true;
  const head = buf.toString('latin1', i, Math.min(n, i + 40));
  return (
    head.startsWith('Traceback (most recent call last):') ||
    head.startsWith('During handling of the above exception') ||
    head.startsWith('The above exception was the direct cause')
  );
}

/**
 * Moves a split point forward to the start of a line that begins a new event, so a worker's
 * byte range never starts inside a traceback. Gives up (plain line start) after 1 MiB.
 */
export function alignToEvent(path: string, pos: number, size: number): number {
  if (pos <= 0) return 0;
  if (pos >= size) return size;
  const fd = openSync(path, 'r');
  try {
    const window = Buffer.allocUnsafe(Math.min(1 << 20, size - pos));
    const n = readSync(fd, window, 0, window.length, pos);
    let firstNl = -1;
    let i = window.indexOf(10);
    let prevIndented = false;
    while (i >= 0 && i < n) {
      if (firstNl < 0) firstNl = i;
      const start = i + 1;
      if (start >= n) break;
      const cont = isContinuationAt(window, start, n);
      // The exception line ("KeyError: 'x'") follows indented frames: not a place to split either.
      if (!cont && !prevIndented) return pos + start;
      prevIndented = cont && (window[start] === 32 || window[start] === 9);
      i = window.indexOf(10, start);
    }
    return firstNl < 0 ? size : pos + firstNl + 1;
  } finally {
    closeSync(fd);
  }
}

/** Smallest range handed to a worker: below this, a range costs more to set up than it balances. */
const MIN_RANGE_BYTES = 8 << 20;

/**
 * End of the worker range of a plain file that starts at `start`: a share of what is left
 * (1 / (2 × workers), at least 8 MiB or a quarter of a worker's share), moved to an event start.
 * Ranges shrink as the file is used up, so the workers are handed small ones at the end and
 * finish together instead of one waiting on another's last big range.
 */
export function nextRangeEnd(path: string, start: number, size: number, workers: number): number {
  const minRange = Math.min(MIN_RANGE_BYTES, Math.ceil(size / (workers * 4)));
  const want = Math.max(minRange, Math.ceil((size - start) / (workers * 2)));
  return start + want >= size ? size : alignToEvent(path, start + want, size);
}
