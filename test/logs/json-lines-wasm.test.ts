// The WebAssembly fast path for JSON lines (src/logs/wasm/json-lines.ts, built into dist/ by
// `npm run build`, which `npm test` runs first) must give exactly the analysis the JavaScript
// scanner gives alone, on the bench generator's log and on a corpus of awkward lines.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLogFile } from '../../bench/logs-generate.js';
import { finalize } from '../../src/logs/analyze.js';
import { JsonLinesEngine } from '../../src/logs/json-lines-wasm.js';
import { LineChunker } from '../../src/logs/read.js';
import { LogScanner, type ScanOptions } from '../../src/logs/scanner.js';
import type { LogAnalysis } from '../../src/logs/types.js';

const dir = mkdtempSync(join(tmpdir(), 'warroom-wasm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scans the bytes in pieces of `piece` bytes (so lines straddle reads), with or without the fast path. */
function analyse(bytes: Buffer, wasm: boolean, opts: ScanOptions = {}, piece = 1 << 20): LogAnalysis {
  const scanner = new LogScanner({ ...opts, wasm });
  const chunker = new LineChunker(scanner);
  for (let i = 0; i < bytes.length; i += piece) chunker.push(bytes.subarray(i, i + piece));
  chunker.end();
  const window = opts.window ? { since: new Date(opts.window.sinceMs), until: new Date(opts.window.untilMs) } : null;
  return finalize(scanner.finish(), { top: 1000, window });
}

/**
 * JSON with floats cut to 9 significant digits, and latency means apart: the fast path sums
 * durations per block, so a mean (rounded to 2 decimals) can differ by the last rounding step.
 */
function stable(a: LogAnalysis): { rest: unknown; means: number[] } {
  const means = a.latency.map((l) => l.mean);
  const rest = JSON.parse(JSON.stringify(a, (k, v: unknown) => (k === 'mean' ? 0 : typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v))) as unknown;
  return { rest, means };
}

function expectSame(bytes: Buffer, opts: ScanOptions = {}, piece?: number): LogAnalysis {
  const fast = stable(analyse(bytes, true, opts, piece));
  const plain = stable(analyse(bytes, false, opts, piece));
  expect(fast.rest).toEqual(plain.rest);
  expect(fast.means).toHaveLength(plain.means.length);
  fast.means.forEach((m, i) => expect(Math.abs(m - plain.means[i])).toBeLessThanOrEqual(0.0100001));
  return analyse(bytes, true, opts, piece);
}

const j = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;

describe('WebAssembly fast path for JSON lines', () => {
  it('is built (npm run build compiles it into dist/)', () => {
    expect(JsonLinesEngine.create([['msg'], ['exc_type'], ['exc_info']]), 'dist/logs-json-lines.wasm is missing: run npm run build').not.toBeNull();
  });

  it('gives the same analysis as the JavaScript scanner on the bench generator log', () => {
    const file = join(dir, 'gen.log');
    generateLogFile(file, { bytes: 6 << 20, seed: 7 });
    const bytes = readFileSync(file);
    const a = expectSame(bytes);
    expect(a.totals.lines).toBeGreaterThan(20_000);
    expect(a.errorEvents).toBeGreaterThan(500);
    expect(a.latency.length).toBeGreaterThan(10);
    // Small reads: blocks end mid-file everywhere, the fast path restarts on each.
    expectSame(bytes.subarray(0, 1 << 20), {}, 4096);
  });

  it('gives the same analysis on awkward lines: aliases, levels, paths, durations, minutes, text and tracebacks', () => {
    const lines: string[] = [];
    const methods = ['GET', 'post', 'Put', 'DELETE'];
    const paths = ['/api/orders/123', '/api/orders/123/', 'https://api.example.com/orders/9?x=1', '/api/products/3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab', '/static/app.3f9a1c2b7d.js', '/inventory/sku-12345', '/a/b_c~d.e-f', '/', '', '/x//y/', '/tokens/AbCdEfGh12345678XyZ', '/caf\u00e9/1', '/q?y=2#f'];
    const levels: unknown[] = ['INFO', 'info', 'DEBUG', 'WARN', 'warning', 'trace', 'notice', 30, 40, 20, 10, 'ERROR', 50, 'critical', null];
    for (let i = 0; i < 3000; i++) {
      const minute = String(Math.floor(i / 700)).padStart(2, '0');
      const ts = `2026-11-27T15:${minute}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
      const path = paths[i % paths.length];
      const level = levels[i % levels.length];
      const status = [200, 201, 404, 500, 503, '200', 99][i % 7];
      switch (i % 9) {
        case 0: lines.push(j({ ts, level, msg: 'request', method: methods[i % 4], path, status, duration_ms: (i % 97) * 1.7 })); break;
        case 1: lines.push(j({ time: ts, levelname: level, url: path, status_code: status, elapsed_ms: i % 13 })); break;
        case 2: lines.push(j({ ts, level, path, method: methods[i % 4], status, duration: `${i % 50}ms` })); break;
        case 3: lines.push(j({ level, ts, msg: `moved ${i}`, path, status, method: 'GET', request_time: (i % 7) / 10 })); break;
        case 4: lines.push(`{"ts": "${ts}", "level": "INFO", "path": "/esc/\\"q\\"/${i}", "status": 200, "duration_ms": 1e2}\r\n`); break;
        case 5: lines.push(j({ ts, level: 'INFO', msg: 'no request here' })); break;
        case 6: lines.push(`${ts} ERROR something broke for order ${i}\n`); break;
        case 7: lines.push(j({ ts, level, http: { status }, path, duration_ms: -(i % 3) })); break;
        default:
          lines.push(j({ ts, level: 'ERROR', msg: 'boom', path, status: 500, exc_type: 'KeyError' }));
          lines.push('Traceback (most recent call last):\n', '  File "/app/x.py", line 10, in handler\n', '    raise KeyError(key)\n', `KeyError: 'order_${i}'\n`);
      }
      // Error lines the fast path may count itself: signatures that differ only in digits of the
      // exception type, messages under different aliases, empty and null values, exception text
      // with frames, escapes, duplicates and nesting (those stay with JavaScript).
      const code = i % 4;
      const exc = [
        { exc_type: `Http40${code}Error`, msg: `not found ${i}` },
        { msg: '', message: `upstream ${i} failed`, status: 503, level: 'INFO' },
        { msg: null, exc_info: `Traceback (most recent call last):\n  File "/app/x.py", line ${i}, in h\n    raise E\nS${code}Error: bucket ${i} missing` },
        { msg: `order ${i}`, exc_text: `  KeyError${code}: 'k_${i}'` },
        { msg: `caf\u00e9 ${code}`, error: { type: 'Nested' } },
        { msg: 7, exception: `V${code}Error: bad ${i}` },
      ][i % 6];
      lines.push(j({ ts, level: 'ERROR', path: paths[(i * 7) % paths.length], status: 500, ...exc }));
      if (i % 50 === 0) lines.push(`{"ts":"${ts}","level":"ERROR","msg":"dup ${code}","msg":"second ${code}"}\n`, `{"ts":"${ts}","level":"ERROR","m\\u0073g":"esc ${code}"}\n`);
      if (i % 500 === 0) lines.push('\n', '{"ts":"2026-11-27T15:00:00Z","level":"INFO", broken\n', `2026-11-27T15:${minute}:00.000000000Z ${j({ ts, level: 'INFO', path: '/docker', status: 200 })}`);
    }
    const bytes = Buffer.from(lines.join(''), 'utf8');
    const a = expectSame(bytes, {}, 997);
    expect(a.totals.malformed).toBeGreaterThan(0);
    expect(a.errorEvents).toBeGreaterThan(300);
    // A window that cuts minutes in two and leaves some wholly outside.
    const sinceMs = Date.parse('2026-11-27T15:01:30Z');
    const untilMs = Date.parse('2026-11-27T15:03:10Z');
    const w = expectSame(bytes, { window: { sinceMs, untilMs } }, 65536);
    expect(w.totals.linesInWindow).toBeLessThan(a.totals.linesInWindow);
    expect(w.totals.linesInWindow).toBeGreaterThan(0);
  });
});
