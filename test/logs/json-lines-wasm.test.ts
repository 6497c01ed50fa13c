// The WebAssembly fast path for JSON lines (src/logs/scan/wasm/json-lines.ts, built into dist/ by
// `npm run build`, which `npm test` runs first) must give exactly the analysis the JavaScript
// scanner gives alone, on the bench generator's log and on a corpus of awkward lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLogFile } from '../../bench/logs-generate.js';
import { finalize } from '../../src/logs/analyze.js';
import { JsonLinesEngine } from '../../src/logs/scan/json-lines-wasm.js';
import { LineChunker, scanFileRange } from '../../src/logs/scan/read.js';
import { LogScanner, type ScanOptions } from '../../src/logs/scan/scanner.js';
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
  const rest = JSON.parse(
    JSON.stringify(a, (k, v: unknown) => (k === 'mean' ? 0 : typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)),
  ) as unknown;
  return { rest, means };
}

/** How many runs of lines the fast path handed to JavaScript on these bytes. */
function handoffs(bytes: Buffer): number {
  const scanner = new LogScanner({ wasm: true });
  scanner.feed(bytes, 0, bytes.length);
  return scanner.handoffs;
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
    expect(
      JsonLinesEngine.create([['msg'], ['exc_type'], ['exc_info']]),
      'dist/logs-json-lines.wasm is missing: run npm run build',
    ).not.toBeNull();
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
    const paths = [
      '/api/orders/123',
      '/api/orders/123/',
      'https://api.example.com/orders/9?x=1',
      '/api/products/3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab',
      '/static/app.3f9a1c2b7d.js',
      '/inventory/sku-12345',
      '/a/b_c~d.e-f',
      '/',
      '',
      '/x//y/',
      '/tokens/AbCdEfGh12345678XyZ',
      '/caf\u00e9/1',
      '/q?y=2#f',
    ];
    const levels: unknown[] = [
      'INFO',
      'info',
      'DEBUG',
      'WARN',
      'warning',
      'trace',
      'notice',
      30,
      40,
      20,
      10,
      'ERROR',
      50,
      'critical',
      null,
    ];
    for (let i = 0; i < 3000; i++) {
      const minute = String(Math.floor(i / 700)).padStart(2, '0');
      const ts = `2026-11-27T15:${minute}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
      const path = paths[i % paths.length];
      const level = levels[i % levels.length];
      const status = [200, 201, 404, 500, 503, '200', 99][i % 7];
      switch (i % 9) {
        case 0:
          lines.push(j({ ts, level, msg: 'request', method: methods[i % 4], path, status, duration_ms: (i % 97) * 1.7 }));
          break;
        case 1:
          lines.push(
            j({ time: ts, levelname: level, url: path, status_code: status, elapsed_ms: i % 13 }),
            j({ ts, levelname: level, url: path, status_code: status, elapsed_ms: i % 11 }),
          );
          break;
        case 2:
          lines.push(j({ ts, level, path, method: methods[i % 4], status, duration: `${i % 50}ms` }));
          break;
        case 3:
          lines.push(j({ level, ts, msg: `moved ${i}`, path, status, method: 'GET', request_time: (i % 7) / 10 }));
          break;
        case 4:
          lines.push(`{"ts": "${ts}", "level": "INFO", "path": "/esc/\\"q\\"/${i}", "status": 200, "duration_ms": 1e2}\r\n`);
          break;
        case 5:
          lines.push(
            j({ ts, level: 'INFO', msg: 'no request here' }),
            j({ ts, level: { name: ['ERROR', 'INFO'][i % 2], no: 40 }, path, status: 200 }),
          );
          break;
        case 6:
          lines.push(`${ts} ERROR something broke for order ${i}\n`);
          break;
        case 7:
          lines.push(
            j({ ts, level, http: { status }, path, duration_ms: -(i % 3) }),
            j({
              '@timestamp': ts,
              'log.level': level,
              'http.request.method': methods[i % 4],
              'url.path': path,
              'http.response.status_code': status,
              'event.duration': i * 1000,
            }),
          );
          break;
        default:
          lines.push(j({ ts, level: 'ERROR', msg: 'boom', path, status: 500, exc_type: 'KeyError' }));
          lines.push(
            'Traceback (most recent call last):\n',
            '  File "/app/x.py", line 10, in handler\n',
            '    raise KeyError(key)\n',
            `KeyError: 'order_${i}'\n`,
          );
      }
      // Error lines the fast path may count itself: signatures that differ only in digits of the
      // exception type, messages under different aliases, empty and null values, exception text
      // with frames, escapes, duplicates and nesting (those stay with JavaScript).
      const code = i % 4;
      const exc = [
        { exc_type: `Http40${code}Error`, msg: `not found ${i}` },
        { msg: '', message: `upstream ${i} failed`, status: 503, level: 'INFO' },
        {
          msg: null,
          exc_info: `Traceback (most recent call last):\n  File "/app/x.py", line ${i}, in h\n    raise E\nS${code}Error: bucket ${i} missing`,
        },
        { msg: `order ${i}`, exc_text: `  KeyError${code}: 'k_${i}'` },
        { msg: `caf\u00e9 ${code}`, error: { type: 'Nested' } },
        { msg: 7, exception: `V${code}Error: bad ${i}` },
      ][i % 6];
      lines.push(j({ ts, level: 'ERROR', path: paths[(i * 7) % paths.length], status: 500, ...exc }));
      if (i % 50 === 0)
        lines.push(
          `{"ts":"${ts}","level":"ERROR","msg":"dup ${code}","msg":"second ${code}"}\n`,
          `{"ts":"${ts}","level":"ERROR","m\\u0073g":"esc ${code}"}\n`,
        );
      // Field keys twice, inside values, after escaped quotes, and far apart from the usual order.
      if (i % 7 === 3) {
        lines.push(`{"ts":"${ts}","level":"INFO","path":"/first/${i}","status":200,"path":"/second/${i}","duration_ms":${i % 40}}\n`);
        // (the two paths vary apart: an endpoint the fast path names differently is linked to
        // what JavaScript named on first sight, so only a different pairing shows the mistake)
        lines.push(
          `{"ts":"${ts}","level":"INFO","logger":"dup","path":"/${['one', 'two'][i % 2]}/${i}","status":200,"path":"/${['three', 'four', 'five'][i % 3]}/${i}","duration_ms":${i % 40}}\n`,
        );
        lines.push(`{"ts":"${ts}","msg":"see \\"path\\": /x and \\"status\\":500","level":"WARN","x\\"path":"/esc/${i}","status":201}\n`);
        lines.push(
          `{"ts":"${ts}","level":"INFO","a_very_long_key_name_that_is_no_field_at_all":"${i}","method":"GET","path":"/k/${i}","status":204}\n`,
        );
        lines.push(`{"ts":"${ts}","status":200,"duration_ms":5,"level":"DEBUG","method":"PUT","path":"/late/${i}"}\n`);
      }
      if (i % 500 === 0)
        lines.push(
          '\n',
          '{"ts":"2026-11-27T15:00:00Z","level":"INFO", broken\n',
          `2026-11-27T15:${minute}:00.000000000Z ${j({ ts, level: 'INFO', path: '/docker', status: 200 })}`,
        );
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

  it('gives the same analysis on tracebacks and masked ids, and counts repeated tracebacks itself', () => {
    const lines: string[] = [];
    const hexes = ['8a0c44', '7f6bad', 'a1b2c', 'deadbeef', 'abcdef', '0x7f3a2b', 'AB12CD', '12345678', 'b161a5_x'];
    const uuids = ['3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab', '3f2b8c1e9-9a4d-4e2f-b1c3-0123456789a', '12345678-1234-1234-1234-123456789abc'];
    const frames = [
      '  File "/app/services/orders.py", line 164, in create_order\n',
      '    row = await session.execute(stmt)\n',
      '\tFile "/x.py", line 2\n',
    ];
    for (let i = 0; i < 4000; i++) {
      const minute = String(Math.floor(i / 900)).padStart(2, '0');
      const ts = `2026-11-27T15:${minute}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
      // Picked apart from the case (i % 16) and the error line's variant ((i >> 4) % 3), so
      // every combination occurs.
      const hex = hexes[Math.floor(i / 48) % hexes.length];
      const uuid = uuids[Math.floor(i / 48) % uuids.length];
      const k = i % 16;
      lines.push(j({ ts, level: 'INFO', method: 'GET', path: `/api/orders/${i}`, status: 200, duration_ms: i % 90 }));
      if (i % 3 === 2) lines.push(j({ ts, level: 'DEBUG', msg: `cache miss ${i}` }));
      // The exception type on the error line: the traceback's own (its message names the event),
      // none (the traceback names it), or another one (the traceback is ignored).
      const named = (type: string) =>
        j({
          ts,
          level: 'ERROR',
          msg: `Unhandled exception in ${['GET', 'POST'][i % 2]} request`,
          path: `/api/users/${i}`,
          status: 500 + (i % 4),
          ...[{ exc_type: type }, {}, { exc_type: 'OtherError' }][(i >> 4) % 3],
        });
      const err = named(
        [
          'TimeoutError',
          'ValueError',
          'Http1Error',
          'KeyError',
          'RuntimeError',
          'db.Timeout1',
          'ValueError',
          'ValueError',
          'ValueError',
          'KeyError',
          'KeyError',
          'KeyError',
          'ValueError',
          'KeyError',
          'requests.exceptions.ConnectionError',
          'ValueError',
        ][k],
      );
      const tb = ['Traceback (most recent call last):\n', frames[i % 3], frames[(i + 1) % 3]];
      switch (k) {
        case 0:
          lines.push(err, ...tb, `TimeoutError: upstream payments-api did not answer within ${i % 30}s\n`);
          break;
        case 1:
          lines.push(err, ...tb, `ValueError: invalid literal for int() with base 10: '${hex}'\n`);
          break;
        case 2:
          lines.push(err, ...tb, `Http${i % 3}Error: status ${i}\n`);
          break;
        case 3:
          lines.push(err, ...tb, `KeyError: '${uuid}'\n`);
          break;
        // A chained traceback: the second exception names the event.
        case 4:
          lines.push(
            err,
            ...tb,
            `KeyError: 'order_${i}'\n`,
            '\n',
            'During handling of the above exception, another exception occurred:\n',
            '\n',
            ...tb,
            `RuntimeError: retry ${i % 5} failed\n`,
          );
          break;
        case 5:
          lines.push(
            err,
            ...tb,
            'The above exception was the direct cause of the following exception:\n',
            ...tb,
            `db.Timeout${i % 2}: ${hex}\n`,
          );
          break;
        // Not an exception line, a blank line, a text line with its own time: JavaScript's.
        case 6:
          lines.push(err, ...tb, `not an exception line ${i}\n`);
          break;
        case 7:
          lines.push(err, '\n');
          break;
        case 8:
          lines.push(err, ...tb, `2026-11-27 15:${minute}:07,123 ERROR worker ${i} died\n`);
          break;
        // Docker or journald prefixes on the traceback's lines.
        case 9:
          lines.push(
            err,
            ...tb.map((l) => `2026-11-27T15:${minute}:01.${String(i % 1000).padStart(9, '0')}Z ${l}`),
            `2026-11-27T15:${minute}:01.000000000Z Key${Math.floor(i / 48) % 3}Error: 'k${i}'\n`,
          );
          break;
        // A malformed JSON line after the traceback, then a traceback that belongs to the open event.
        case 10:
          lines.push(err, ...tb, `KeyError: 'a${i}'\n`, '{"ts":"2026-11-27T15:00:00Z", broken\n', ...tb, `ValueError: late ${hex}\n`);
          break;
        // Back-to-back error events with tracebacks, and a traceback whose last line is no
        // exception (a traceback left open would keep the next error lines JavaScript's).
        case 11:
          lines.push(err, ...tb, `KeyError: 'x${i}'\n`, err, ...tb, `ValueError: y${i}\n`, err, ...tb, 'worker restarted\n');
          break;
        // A message long enough that JavaScript cuts it (500 characters) inside a hex id.
        case 12:
          lines.push(err, ...tb, `ValueError: ${'word '.repeat(99)}ab${hex}${i % 7} tail\n`);
          break;
        case 13:
          lines.push(
            j({
              ts,
              level: 'ERROR',
              msg: `bad id ${hex} and ${uuid} for ${i}`,
              exc_info: `Traceback (most recent call last):\n  File "/a.py", line ${i}\nKeyError: '${hex}${i % 3}'`,
            }),
          );
          lines.push(j({ ts, level: 'ERROR', msg: `${'word '.repeat(99)}ab${hex}${i % 7} tail`, path: '/long', status: 500 }));
          break;
        case 14:
          lines.push(
            err,
            ...tb,
            `requests.exceptions.ConnectionError: HTTPSConnectionPool(host='10.0.${i % 4}.7', port=443): Max retries ${hex}\n`,
          );
          break;
        default:
          lines.push(
            err,
            'Traceback (most recent call last):\n',
            `  File "/app/${i % 3}.py", line ${i}, in h\n`,
            `ValueError: ${'x'.repeat(i % 3)}${hex}\r\n`,
          );
      }
    }
    lines.push(
      j({ ts: '2026-11-27T15:05:00Z', level: 'ERROR', msg: 'last', status: 500 }),
      'Traceback (most recent call last):\n',
      '  File "/z.py", line 1\n',
      'KeyError: 1\n',
    );
    const bytes = Buffer.from(lines.join(''), 'utf8');
    const a = expectSame(bytes);
    expect(a.signatures.length).toBeGreaterThan(10);
    expect(a.signatures.some((s) => s.type === 'TimeoutError' && s.template === 'upstream payments-api did not answer within <n>s')).toBe(
      true,
    );
    // Reads that end inside tracebacks, and a window.
    expectSame(bytes, {}, 4093);
    expectSame(bytes, { window: { sinceMs: Date.parse('2026-11-27T15:01:30Z'), untilMs: Date.parse('2026-11-27T15:03:10Z') } }, 65536);
    // The repeated shapes (frames and numbers aside) are the fast path's after their first sight:
    // far fewer hand-offs than the 4,000 error events with tracebacks.
    const repeated = Buffer.from(
      Array.from(
        { length: 3000 },
        (_, i) =>
          j({
            ts: `2026-11-27T15:00:${String(i % 60).padStart(2, '0')}.000Z`,
            level: 'ERROR',
            msg: 'Unhandled exception',
            path: `/api/orders/${i}`,
            status: 500,
            exc_type: 'ValueError',
          }) +
          `Traceback (most recent call last):\n  File "/app/x.py", line ${i}, in h\nValueError: invalid literal for int() with base 10: '${(i * 7919).toString(16).padStart(6, 'a')}'\n` +
          j({ ts: '2026-11-27T15:00:59.000Z', level: 'INFO', path: '/ok', status: 200 }),
      ).join(''),
    );
    const same = expectSame(repeated);
    expect(same.errorEvents).toBe(3000);
    expect(handoffs(repeated)).toBeLessThan(30);
  });

  it('reads a file straight into its memory, also while that memory grows', () => {
    // 3,000 endpoints with durations: each new one allocates a histogram in the module's
    // memory mid-scan, which renews the buffer the file is read into.
    const file = join(dir, 'grow.log');
    const body = Array.from({ length: 60_000 }, (_, i) =>
      j({
        ts: `2026-11-27T15:${String(Math.floor(i / 20_000)).padStart(2, '0')}:00.000Z`,
        level: i % 50 ? 'INFO' : 'ERROR',
        path: `/svc${i % 3000}/items/${i}`,
        status: i % 50 ? 200 : 500,
        duration_ms: i % 300,
      }),
    ).join('');
    writeFileSync(file, body);
    const size = Buffer.byteLength(body);
    const scan = (wasm: boolean) => {
      const scanner = new LogScanner({ wasm });
      scanFileRange(file, 0, size, scanner);
      return stable(finalize(scanner.finish(), { top: 5000, window: null }));
    };
    const fast = scan(true);
    expect(fast.rest).toEqual(scan(false).rest);
    expect((fast.rest as LogAnalysis).latency).toHaveLength(3000);
  });
});
