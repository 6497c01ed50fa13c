import { describe, expect, it } from 'vitest';
import { finalize, scanStream, type AnalyzeOptions } from '../../src/logs/analyze.js';
import { normalizePath, hashNormalizedPath } from '../../src/logs/scan/normalize-path.js';
import { maskMessage } from '../../src/logs/scan/signature.js';
import { renderErrorChart } from '../../src/logs/chart.js';
import type { LogAnalysis } from '../../src/logs/types.js';

async function analyze(text: string | Buffer | (string | Buffer)[], opts: AnalyzeOptions = {}): Promise<LogAnalysis> {
  const parts = Array.isArray(text) ? text : [text];
  async function* gen() {
    for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
  }
  return finalize(await scanStream(gen(), opts), opts);
}

const j = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;

describe('path normalisation', () => {
  it('masks numbers, UUIDs and hashes, drops query strings, hosts and trailing slashes', () => {
    expect(normalizePath('/orders/123')).toBe('/orders/:id');
    expect(normalizePath('/api/users/42/orders/7/')).toBe('/api/users/:id/orders/:id');
    expect(normalizePath('/api/products/3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab')).toBe('/api/products/:uuid');
    expect(normalizePath('/static/js/app.3f9a1c2b7d.js')).toBe('/static/js/app.:hash.js');
    expect(normalizePath('/api/v1/search?q=123')).toBe('/api/v1/search');
    expect(normalizePath('https://api.example.com/orders/99?x=1')).toBe('/orders/:id');
    expect(normalizePath('/inventory/sku-12345')).toBe('/inventory/sku-:id');
    expect(normalizePath('/commits/9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe('/commits/:hash');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('/health/ready')).toBe('/health/ready');
  });

  it('hashes equal normalised paths equally without building them', () => {
    const h = (p: string) => hashNormalizedPath(p, 0, p.length, 1);
    expect(h('/orders/1')).toBe(h('/orders/99999?x=2'));
    expect(h('/products/3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab')).toBe(h('/products/00000000-0000-4000-a000-000000000000'));
    expect(h('/orders/1')).not.toBe(h('/users/1'));
    expect(h('/orders/1/items')).not.toBe(h('/orders/1'));
  });

  it('hashes equal exactly when the normalised paths are equal (trailing slashes, query, fragment, URLs)', () => {
    const h = (p: string) => hashNormalizedPath(`x"${p}"y`, 2, 2 + p.length, 7);
    const pieces = [
      '/',
      '/',
      'api',
      'orders',
      '42',
      '3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab',
      'deadbeef12',
      '-',
      '.',
      '?q=1',
      '#f',
      '//',
      'https://h.example',
    ];
    const paths = new Set<string>(['', '/', '//', '/a/', '/a//', '/a/?x', '/a/#x', '?', '#']);
    let r = 7;
    const rnd = () => (r = (Math.imul(r, 1103515245) + 12345) >>> 0) / 4294967296;
    while (paths.size < 3000) {
      let p = '';
      for (let n = Math.floor(rnd() * 7); n > 0; n--) p += pieces[Math.floor(rnd() * pieces.length)];
      paths.add(p);
    }
    const byHash = new Map<number, string>();
    const byNorm = new Map<string, number>();
    for (const p of paths) {
      const norm = normalizePath(p);
      const seen = byHash.get(h(p));
      if (seen === undefined) byHash.set(h(p), norm);
      else expect(seen, `hash of ${JSON.stringify(p)}`).toBe(norm);
      // An empty path ("", "?x") normalises to "/" but hashes apart from "/": harmless, as
      // endpoints are merged by name after the hash lookup. Everything else must agree.
      const hash = byNorm.get(norm);
      if (hash === undefined) byNorm.set(norm, h(p));
      else if (!/^[?#]|^$/.test(p) && norm !== '/') expect(h(p), `hash of ${JSON.stringify(p)} (normalised ${norm})`).toBe(hash);
    }
    // Equal normalised forms hash equal whatever the trailing slashes and query.
    expect(h('/a/1/')).toBe(h('/a/2'));
    expect(h('/a/1//?x=1')).toBe(h('/a/2#y'));
    expect(h('/a/?x')).toBe(h('/a'));
  });
});

describe('signatures', () => {
  it('masks ids, numbers, IPs and hex while keeping the words', () => {
    expect(maskMessage('connection to 10.0.3.7:5432 failed after 30s (attempt 3)')).toBe(
      'connection to <ip> failed after <n>s (attempt <n>)',
    );
    expect(maskMessage('order 3f2b8c1e-9a4d-4e2f-b1c3-0123456789ab not found')).toBe('order <uuid> not found');
    expect(maskMessage('request da2849d73eb438a9 timed out')).toBe('request <hex> timed out');
  });

  it('masks messages that differ only in their digits alike (its cache is keyed on that)', () => {
    // Short hex words are kept by the hex rule and then lose their digits to the number rule;
    // six letters-and-digits or more are <hex>: the cache key keeps lengths, so both stay right.
    expect(maskMessage('key abc1 missing')).toBe('key abc<n> missing');
    expect(maskMessage('key abc7 missing')).toBe('key abc<n> missing');
    expect(maskMessage('key abc123 missing')).toBe('key <hex> missing');
    expect(maskMessage('key abc999 missing')).toBe('key <hex> missing');
    expect(maskMessage('from 10.0.0.1 and 10.0.0.99')).toBe('from <ip> and <ip>');
    expect(maskMessage('from 99.9.9.9 and 10.0.0.98')).toBe('from <ip> and <ip>');
    expect(maskMessage('took 12.5 s')).toBe('took <n> s');
  });
});

describe('JSON lines', () => {
  it('reads level, path, status, method and duration under their common aliases', async () => {
    const text = [
      j({ time: '2026-11-27T15:00:01Z', levelname: 'INFO', url: '/orders/1', method: 'get', status_code: 200, latency_ms: 10 }),
      j({
        timestamp: '2026-11-27T15:00:02Z',
        severity: 'ERROR',
        route: '/orders/2',
        http_method: 'GET',
        status: 503,
        duration_ms: 30,
        message: 'upstream failed',
      }),
      j({ ts: 1795791603, level: 50, path: '/orders/3', method: 'GET', status: 200, msg: 'pino error' }),
      j({ '@timestamp': '2026-11-27T15:00:04.500Z', level: 'warn', path: '/orders/4', statusCode: 502, response_time: 5, method: 'GET' }),
      j({ ts: '2026-11-27T15:00:05Z', level: 'info', path: '/orders/5', status: 200, request_time: 0.25, method: 'GET' }),
    ].join('');
    const a = await analyze(text);
    expect(a.totals.formats).toEqual({ json: 5 });
    expect(a.errorEvents).toBe(3);
    const orders = a.topFailingEndpoints.find((e) => e.endpoint === 'GET /orders/:id')!;
    expect(orders.errors).toBe(3);
    expect(orders.statuses).toEqual({ '503': 1, '200': 1, '502': 1 });
    expect(orders.requests).toBe(5);
    const lat = a.latency.find((l) => l.endpoint === 'GET /orders/:id')!;
    expect(lat.count).toBe(4);
    expect(lat.max).toBe(250); // request_time is seconds
    expect(a.totals.levels).toMatchObject({ info: 2, error: 2, warning: 1 });
  });

  it('reads ECS lines, whose keys are dotted and flat ("log.level", "url.path"), and nested fields', async () => {
    // As ecs-logging writes them: flat dotted keys; event.duration is in nanoseconds.
    const ecs = (i: number, level: string, status: number) =>
      j({
        '@timestamp': `2026-11-27T15:00:0${i}.000Z`,
        'log.level': level,
        message: 'handled',
        'http.request.method': 'GET',
        'url.path': `/users/${i}`,
        'http.response.status_code': status,
        'event.duration': 2_500_000,
      });
    const text = [
      ecs(1, 'info', 200),
      ecs(2, 'ERROR', 502),
      j({
        '@timestamp': '2026-11-27T15:00:03.000Z',
        'log.level': 'error',
        message: 'db down',
        'error.type': 'ConnectionError',
        'error.stack_trace': 'Traceback (most recent call last):\n  File "x.py", line 1\nConnectionError: refused by 10.0.0.5',
      }),
      // Nested objects are found by their inner keys.
      j({ time: '2026-11-27T15:00:04Z', level: 'warning', http: { method: 'POST', url: '/carts/7', status: 503 }, duration: '1.5s' }),
    ].join('');
    const a = await analyze(text);
    expect(a.totals.levels).toMatchObject({ info: 1, error: 2, warning: 1 });
    expect(a.errorEvents).toBe(3);
    expect(a.topFailingEndpoints.find((e) => e.endpoint === 'GET /users/:id')).toMatchObject({
      errors: 1,
      requests: 2,
      statuses: { '502': 1 },
    });
    expect(a.topFailingEndpoints.find((e) => e.endpoint === 'POST /carts/:id')).toMatchObject({ errors: 1, statuses: { '503': 1 } });
    expect(a.latency.find((l) => l.endpoint === 'GET /users/:id')!.max).toBeCloseTo(2.5, 1); // ns → ms
    expect(a.latency.find((l) => l.endpoint === 'POST /carts/:id')!.max).toBeCloseTo(1500, -1);
    expect(a.signatures.find((s) => s.type === 'ConnectionError')?.template).toBe('refused by <ip>');
  });

  it("reads loguru's serialised records (level and time are objects, the message and exception nested)", async () => {
    const rec = (i: number, name: string, no: number, message: string, exception: unknown) =>
      j({
        text: `2026-11-27 15:00:0${i}.123 | ${name} | app.main:pay:42 - ${message}\n`,
        record: {
          elapsed: { repr: '0:00:01', seconds: 1 },
          exception,
          level: { icon: 'x', name, no },
          line: 42,
          message,
          name: 'app.main',
          time: { repr: `2026-11-27 15:00:0${i}.123000+00:00`, timestamp: Date.parse(`2026-11-27T15:00:0${i}.123Z`) / 1000 },
        },
      });
    const text = [
      rec(0, 'INFO', 20, 'started', null),
      rec(1, 'ERROR', 40, 'payment failed for order 17', { type: 'ValueError', value: 'bad amount -5', traceback: true }),
      rec(2, 'WARNING', 30, 'slow', null),
    ].join('');
    const a = await analyze(text);
    expect(a.totals.levels).toMatchObject({ info: 1, error: 1, warning: 1 });
    expect(a.totals.undated).toBe(0);
    expect(a.totals.firstTimestamp).toBe('2026-11-27T15:00:00.123Z');
    expect(a.errorEvents).toBe(1);
    expect(a.signatures[0]).toMatchObject({ type: 'ValueError', template: 'payment failed for order <n>' });
  });

  it('takes a signature from exc_info and from a raw traceback that follows an error line', async () => {
    const text = [
      j({
        ts: '2026-11-27T15:00:00Z',
        level: 'ERROR',
        msg: 'Unhandled exception',
        path: '/pay/1',
        status: 500,
        exc_info: 'Traceback (most recent call last):\n  File "a.py", line 3, in f\n    g()\nKeyError: \'order_17\'',
      }),
      j({ ts: '2026-11-27T15:00:01Z', level: 'ERROR', msg: 'Unhandled exception', path: '/pay/2', status: 500 }),
      'Traceback (most recent call last):\n',
      '  File "/app/x.py", line 10, in handler\n',
      '    raise KeyError(key)\n',
      "KeyError: 'order_99'\n",
      j({ ts: '2026-11-27T15:00:02Z', level: 'INFO', msg: 'ok', path: '/pay/3', status: 200 }),
    ].join('');
    const a = await analyze(text);
    expect(a.errorEvents).toBe(2);
    expect(a.totals.formats).toEqual({ json: 3, continuation: 4 });
    expect(a.signatures).toHaveLength(1);
    expect(a.signatures[0]).toMatchObject({
      type: 'KeyError',
      template: "'order_<n>'",
      count: 2,
      firstSeen: '2026-11-27T15:00:00.000Z',
      lastSeen: '2026-11-27T15:00:01.000Z',
    });
  });

  it('learns keys that first appear after a run of lines without them', async () => {
    let text = '';
    for (let i = 0; i < 40; i++) text += j({ ts: '2026-11-27T15:00:00Z', level: 'INFO', msg: `starting worker ${i}` });
    for (let i = 0; i < 400; i++)
      text += j({
        ts: '2026-11-27T15:00:01Z',
        level: 'INFO',
        msg: 'request',
        path: `/late/${i}`,
        status_code: i % 10 ? 200 : 503,
        method: 'GET',
        elapsed_ms: 5,
      });
    const a = await analyze(text);
    expect(a.errorEvents).toBe(40);
    expect(a.topFailingEndpoints[0]).toMatchObject({ endpoint: 'GET /late/:id', errors: 40, requests: 400, statuses: { '503': 40 } });
    expect(a.latency[0].count).toBe(400);
  });

  it('counts malformed lines and binary garbage, and goes on', async () => {
    const garbage = Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x02, 0x1b, 0x00, 0x0a]);
    const a = await analyze([
      j({ ts: '2026-11-27T15:00:00Z', level: 'error', msg: 'a' }),
      '{"ts":"2026-11-27T15:00:01Z","level":"error",\n',
      garbage,
      '{"level":"ERROR", broken}\n',
      j({ ts: '2026-11-27T15:00:02Z', level: 'error', msg: 'b' }),
    ]);
    expect(a.totals.lines).toBe(5);
    expect(a.totals.malformed).toBe(3);
    expect(a.errorEvents).toBe(2);
  });

  it('handles a 10 MB single line', async () => {
    const big = `${j({ ts: '2026-11-27T15:00:00Z', level: 'ERROR', msg: `payload ${'x'.repeat(10 * 1024 * 1024)}`, path: '/upload', status: 500 })}`;
    const pieces: Buffer[] = [];
    const buf = Buffer.from(big + j({ ts: '2026-11-27T15:00:01Z', level: 'INFO', path: '/upload', status: 200 }));
    for (let i = 0; i < buf.length; i += 65536) pieces.push(buf.subarray(i, i + 65536));
    const a = await analyze(pieces);
    expect(a.totals.lines).toBe(2);
    expect(a.totals.malformed).toBe(0);
    expect(a.errorEvents).toBe(1);
    expect(a.signatures[0].sample.length).toBeLessThanOrEqual(301);
  });
});

describe('text formats', () => {
  it('reads uvicorn access and error lines with a traceback as one event', async () => {
    const text = [
      'INFO:     127.0.0.1:51234 - "GET /api/orders/12 HTTP/1.1" 200 OK',
      'INFO:     127.0.0.1:51235 - "POST /api/orders HTTP/1.1" 500 Internal Server Error',
      'ERROR:    Exception in ASGI application',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/site-packages/uvicorn/protocols/http/h11_impl.py", line 408, in run_asgi',
      '    result = await app(self.scope, self.receive, self.send)',
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) could not connect to server',
      '',
    ].join('\n');
    const a = await analyze(text);
    // The traceback header, two frame lines and the exception line continue the ERROR event.
    expect(a.totals.formats).toMatchObject({ uvicorn: 3, continuation: 4 });
    expect(a.errorEvents).toBe(2);
    expect(a.topFailingEndpoints[0]).toMatchObject({ endpoint: 'POST /api/orders', errors: 1, statuses: { '500': 1 } });
    expect(a.signatures.map((s) => s.type).sort()).toEqual(['HTTP 500', 'sqlalchemy.exc.OperationalError'].sort());
  });

  it('reads nginx combined and gunicorn access lines with their request times', async () => {
    const text = [
      '10.0.0.1 - - [27/Nov/2026:15:00:01 +0000] "GET /api/items/5 HTTP/1.1" 200 512 "-" "curl/8.0" 0.120',
      '10.0.0.2 - alice [27/Nov/2026:15:00:02 +0000] "GET /api/items/6 HTTP/1.1" 502 157 "https://x/" "Mozilla/5.0" 1.500',
      '10.0.0.3 - - [27/Nov/2026:16:00:03 +0100] "POST /api/items HTTP/1.0" 201 0 "-" "python-requests/2.31" 35000',
      // Werkzeug (Flask's development server): a space for the colon, no size.
      '127.0.0.1 - - [27/Nov/2026 15:00:02] "GET /api/items/7 HTTP/1.1" 404 -',
      '',
    ].join('\n');
    const a = await analyze(text);
    expect(a.totals.formats).toEqual({ combined: 4 });
    expect(a.totals.undated).toBe(0);
    expect(a.errorEvents).toBe(1);
    expect(a.totals.firstTimestamp).toBe('2026-11-27T15:00:01.000Z');
    expect(a.totals.lastTimestamp).toBe('2026-11-27T15:00:03.000Z');
    const get = a.latency.find((l) => l.endpoint === 'GET /api/items/:id')!;
    expect(get.max).toBe(1500);
    const post = a.latency.find((l) => l.endpoint === 'POST /api/items')!;
    expect(post.max).toBe(35); // gunicorn %(D)s is microseconds
  });

  it("reads gunicorn's and Celery's bracketed times, and nginx's error log", async () => {
    const text = [
      '[2026-11-27 15:00:00 +0000] [7] [INFO] Booting worker with pid: 7',
      '[2026-11-27 15:00:05 +0100] [7] [ERROR] Exception in worker process',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 589, in spawn_worker',
      "ModuleNotFoundError: No module named 'app.settings'",
      '[2026-11-27 15:00:06 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:7)',
      "[2026-11-27 15:00:07,456: ERROR/ForkPoolWorker-1] Task app.tasks.send[1b2c] raised unexpected: KeyError('x')",
      '2026/11/27 15:00:08 [error] 12#12: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET /api/x/17 HTTP/1.1", upstream: "http://10.0.0.2:8000/api/x/17", host: "example.com"',
      '2026/11/27 15:00:09 [error] 12#12: *3 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.3, server: _, request: "GET /api/x/18 HTTP/1.1"',
      '2026/11/27 15:00:10 [warn] 12#12: *2 an upstream response is buffered to a temporary file',
      '',
    ].join('\n');
    const a = await analyze(text);
    expect(a.totals.formats).toEqual({ text: 7, continuation: 3 });
    expect(a.totals.undated).toBe(0);
    expect(a.totals.firstTimestamp).toBe('2026-11-27T14:00:05.000Z'); // +0100
    expect(a.totals.levels).toMatchObject({ info: 1, error: 4, critical: 1, warning: 1 });
    expect(a.errorEvents).toBe(5);
    const sig = (type: string) => a.signatures.find((s) => s.type === type);
    expect(sig('ModuleNotFoundError')?.template).toBe("No module named 'app.settings'");
    expect(sig('CRITICAL')?.template).toBe('WORKER TIMEOUT (pid:<n>)');
    // One signature for both upstream failures, whatever the client and path; the path is the endpoint.
    expect(a.signatures.filter((s) => s.template.startsWith('connect() failed'))).toEqual([
      expect.objectContaining({ count: 2, template: 'connect() failed (<n>: Connection refused) while connecting to upstream' }),
    ]);
    expect(a.topFailingEndpoints.find((e) => e.endpoint === 'GET /api/x/:id')?.errors).toBe(2);
  });

  it('reads Kubernetes (CRI) container lines: JSON, tracebacks and uvicorn lines behind "<time> stdout F "', async () => {
    const text = [
      '2026-11-27T15:00:00.123456789Z stdout F {"ts":"2026-11-27T15:00:00Z","level":"ERROR","msg":"boom","path":"/api/k/1","status":500}',
      '2026-11-27T15:00:00.223456789Z stderr F Traceback (most recent call last):',
      '2026-11-27T15:00:00.223456789Z stderr F   File "/app/x.py", line 3, in h',
      "2026-11-27T15:00:00.223456789Z stderr F KeyError: 'k9'",
      '2026-11-27T15:00:01.123456789Z stderr F INFO:     10.0.0.1:5123 - "GET /api/k/2 HTTP/1.1" 502 Bad Gateway',
      '2026-11-27T15:00:02.123456789Z stdout F {"ts":"2026-11-27T15:00:02Z","level":"INFO","msg":"ok","path":"/api/k/3","status":200,"duration_ms":12}',
      '',
    ].join('\n');
    const a = await analyze(text);
    expect(a.totals.formats).toEqual({ json: 2, continuation: 3, uvicorn: 1 });
    expect(a.errorEvents).toBe(2);
    expect(a.signatures.find((s) => s.type === 'KeyError')?.template).toBe("'k<n>'");
    expect(a.topFailingEndpoints.find((e) => e.endpoint === 'GET /api/k/:id')).toMatchObject({ errors: 1, statuses: { '502': 1 } });
    expect(a.totals.lastTimestamp).toBe('2026-11-27T15:00:02.000Z');
  });

  it("reads uvicorn's coloured lines (a container with a TTY) and Python's basicConfig format", async () => {
    const text = [
      '\u001b[32mINFO\u001b[0m:     127.0.0.1:5123 - "GET /api/x/1 HTTP/1.1" \u001b[32m200 OK\u001b[0m',
      '\u001b[31mERROR\u001b[0m:    Exception in ASGI application',
      'Traceback (most recent call last):',
      '  File "/app/main.py", line 9, in h',
      'RuntimeError: kaboom 7',
      '\u001b[32mINFO\u001b[0m:     127.0.0.1:5124 - "POST /api/x HTTP/1.1" \u001b[31m500 Internal Server Error\u001b[0m',
      'INFO:app.main:started',
      'ERROR:app.api:payment failed for order 991',
      'WARNING:urllib3.connectionpool:Retrying (Retry(total=2)) after connection broken',
      '',
    ].join('\n');
    const a = await analyze(text);
    expect(a.totals.formats).toEqual({ uvicorn: 3, continuation: 3, text: 3 });
    expect(a.totals.levels).toMatchObject({ info: 3, error: 2, warning: 1 });
    expect(a.errorEvents).toBe(3);
    expect(a.signatures.find((s) => s.type === 'RuntimeError')?.template).toBe('kaboom <n>');
    expect(a.signatures.find((s) => s.type === 'ERROR')?.template).toBe('payment failed for order <n>');
    expect(a.topFailingEndpoints.find((e) => e.endpoint === 'POST /api/x')?.statuses).toEqual({ '500': 1 });
  });

  it("reads Redis's own log: its time, and '#' lines as warnings unless they say something failed", async () => {
    const text = [
      '1:C 27 Nov 2026 15:00:00.123 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
      '1:M 27 Nov 2026 15:00:00.456 * Ready to accept connections tcp',
      '1:M 27 Nov 2026 15:00:05.789 # WARNING Memory overcommit must be enabled!',
      "1:M 27 Nov 2026 15:01:00.000 # Can't save in background: fork: Cannot allocate memory",
      '',
    ].join('\n');
    const a = await analyze(text);
    expect(a.totals.formats).toEqual({ text: 4 });
    expect(a.totals.levels).toMatchObject({ warning: 2, info: 1, error: 1 });
    expect(a.totals.firstTimestamp).toBe('2026-11-27T15:00:00.123Z');
    expect(a.signatures).toEqual([
      expect.objectContaining({ type: 'ERROR', template: "Can't save in background: fork: Cannot allocate memory" }),
    ]);
  });

  it('reads plain lines that start with a timestamp, and logfmt', async () => {
    const text = [
      '2026-11-27 15:00:01,123 INFO [app.api] started',
      '2026-11-27 15:00:02,456 ERROR [app.api] payment failed for order 77',
      'Traceback (most recent call last):',
      '  File "app.py", line 1, in <module>',
      'ValueError: bad amount -5',
      '2026-11-27T15:00:03Z level=error msg="db down" path=/api/x/9 status=503 duration=120ms method=GET',
      'just some words with no time',
      '',
    ].join('\n');
    const a = await analyze(text);
    expect(a.totals.formats).toMatchObject({ text: 3, continuation: 3, unrecognized: 1 });
    expect(a.errorEvents).toBe(2);
    expect(a.signatures.find((s) => s.type === 'ValueError')!.template).toBe('bad amount -<n>');
    expect(a.latency[0]).toMatchObject({ endpoint: 'GET /api/x/:id', max: 120 });
  });
});

describe('windows, spikes and the chart', () => {
  function minuteLog(errorsPerMinute: number[], start = Date.parse('2026-11-27T15:00:00Z'), linesPerMinute = 60): string {
    let out = '';
    errorsPerMinute.forEach((errors, m) => {
      for (let i = 0; i < linesPerMinute; i++) {
        const ts = new Date(start + m * 60_000 + i * 1000).toISOString();
        const isErr = i < errors;
        out += j({
          ts,
          level: isErr ? 'ERROR' : 'INFO',
          path: isErr ? '/orders/1' : '/health',
          method: isErr ? 'POST' : 'GET',
          status: isErr ? 500 : 200,
          msg: isErr ? 'boom' : 'ok',
        });
      }
    });
    return out;
  }

  it('keeps only lines inside --since/--until, to the millisecond', async () => {
    const text = minuteLog([0, 0, 0]);
    const a = await analyze(text, { window: { since: new Date('2026-11-27T15:00:30Z'), until: new Date('2026-11-27T15:01:29.999Z') } });
    expect(a.totals.lines).toBe(180);
    expect(a.totals.linesInWindow).toBe(60);
    expect(a.totals.firstTimestamp).toBe('2026-11-27T15:00:30.000Z');
    expect(a.totals.lastTimestamp).toBe('2026-11-27T15:01:29.000Z');
    expect(a.errorRatePerMinute.map((m) => m.lines)).toEqual([30, 30]);
  });

  it('reports an empty window as empty, not as an error', async () => {
    const a = await analyze(minuteLog([5, 5]), {
      window: { since: new Date('2026-11-28T00:00:00Z'), until: new Date('2026-11-28T01:00:00Z') },
    });
    expect(a.totals.linesInWindow).toBe(0);
    expect(a.errorEvents).toBe(0);
    expect(a.errorRatePerMinute).toEqual([]);
    expect(a.spike).toBeNull();
  });

  it('finds the minute errors left the baseline and the deploy just before it', async () => {
    const text = minuteLog([1, 0, 1, 1, 0, 1, 30, 35, 32]);
    const deploys = [
      { id: 1, service: 'backend', version: 'old111', kind: 'deploy', at: '2026-11-27T14:00:00Z', by: 'ci' },
      { id: 2, service: 'backend', version: 'abc123', kind: 'deploy', at: '2026-11-27T15:05:20Z', by: 'ci' },
    ];
    const a = await analyze(text, { deploys });
    expect(a.spike).not.toBeNull();
    expect(a.spike!.minute).toBe('2026-11-27T15:06:00.000Z');
    expect(a.spike!.endpoint).toBe('POST /orders/:id');
    expect(a.spike!.change).toMatchObject({ version: 'abc123', secondsBefore: 40 });
    expect(a.spike!.summary).toContain('errors on POST /orders/:id started 40s after deploy abc123 of backend');
    const chart = renderErrorChart(a.errorRatePerMinute, { mark: a.spike!.minute });
    expect(chart.split('\n')).toHaveLength(9);
    expect(chart.split('\n')[6]).toContain('← spike');
  });

  it('does not call steady errors a spike', async () => {
    const a = await analyze(minuteLog([5, 6, 5, 4, 6, 5, 5]));
    expect(a.spike).toBeNull();
  });

  it('estimates latency percentiles within the histogram precision', async () => {
    let text = '';
    for (let i = 1; i <= 1000; i++)
      text += j({ ts: '2026-11-27T15:00:00Z', level: 'INFO', path: '/x', method: 'GET', status: 200, duration_ms: i });
    const a = await analyze(text);
    const l = a.latency[0];
    expect(l.count).toBe(1000);
    expect(Math.abs(l.p50 - 500) / 500).toBeLessThan(0.03);
    expect(Math.abs(l.p99 - 990) / 990).toBeLessThan(0.03);
    expect(l.max).toBe(1000);
    expect(l.mean).toBeCloseTo(500.5, 5);
  });
});

describe('redaction', () => {
  it('lets no planted secret out of the analysis', async () => {
    const secrets = {
      bearer: 'Bearer abcDEF1234567890ghijkl',
      dsn: 'postgres://app:S3cretPassw0rd@db.internal:5432/app',
      aws: 'AKIAIOSFODNN7EXAMPLE',
      jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      password: 'password=hunter2hunter2',
      token: 'token=tok_live_9f8e7d6c5b4a',
      team: 'ACME-INTERNAL-4242',
    };
    const text = Object.entries(secrets)
      .map(([k, v], i) =>
        j({
          ts: `2026-11-27T15:00:0${i}Z`,
          level: 'ERROR',
          msg: `failure ${k}: ${v}`,
          path: `/api/${k}`,
          status: 500,
          exc_info: `Traceback (most recent call last):\nRuntimeError: failed with ${v}`,
        }),
      )
      .join('');
    const a = await analyze(text, { redact: ['ACME-INTERNAL-\\d+'] });
    const out = JSON.stringify(a);
    for (const v of Object.values(secrets)) {
      const secretPart = v.replace(/^(Bearer |password=|token=)/, '');
      expect(out).not.toContain(secretPart);
    }
    expect(out).toContain('[REDACTED]');
    expect(a.errorEvents).toBe(7);
  });
});
