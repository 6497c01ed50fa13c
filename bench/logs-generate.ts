// Seeded generator of a realistic JSON-lines application log for bench/logs.bench.ts (and
// the analyser tests, at small sizes). Same seed and size → byte-identical file, so figures
// from different runs and machines are comparable.
//
// Shape: a FastAPI-style service logging one JSON object per line — access lines with
// method/path/status/duration, app lines at DEBUG/INFO/WARNING, about 5% error events
// (ERROR with a path and 5xx status, some with an escaped exc_info traceback, some followed
// by a raw multi-line Python traceback on stderr, and a few CRITICAL lines without a path).
// A deploy happens two thirds of the way through and the error rate jumps after it.
import { openSync, writeSync, closeSync } from 'node:fs';

export interface GenerateOptions {
  seed?: number;
  /** Stop once this many bytes are written (the last line is always complete). */
  bytes: number;
  /** First timestamp; default 2026-11-27T15:00:00Z. */
  start?: Date;
  /** Mean gap between lines in ms (default 0.2, i.e. ~5000 lines/s). */
  gapMs?: number;
  /** Where the deploy lands, as a fraction of the file (default 2/3). */
  deployAt?: number;
}

export interface GenerateResult {
  bytes: number;
  lines: number;
  first: Date;
  last: Date;
  /** Timestamp of the simulated deploy (errors rise after it). */
  deploy: Date;
}

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';

export function generateLogFile(path: string, opts: GenerateOptions): GenerateResult {
  const rnd = mulberry32(opts.seed ?? 42);
  const int = (n: number) => Math.floor(rnd() * n);
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[int(16)];
    return s;
  };
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const pick = <T>(a: readonly T[]) => a[int(a.length)];

  const endpoints: [string, () => string, number][] = [
    ['GET', () => `/api/orders/${int(900000) + 1000}`, 14],
    ['POST', () => '/api/orders', 8],
    ['GET', () => `/api/orders/${int(900000) + 1000}/items`, 5],
    ['PUT', () => `/api/orders/${int(900000) + 1000}/items/${int(50) + 1}`, 3],
    ['GET', () => `/api/users/${int(200000) + 1}`, 10],
    ['GET', () => `/api/users/${int(200000) + 1}/orders`, 6],
    ['PATCH', () => `/api/users/${int(200000) + 1}/profile`, 2],
    ['GET', () => `/api/products/${uuid()}`, 9],
    ['GET', () => `/api/products?page=${int(40) + 1}&limit=20`, 5],
    ['GET', () => `/api/search?q=${pick(['shoes', 'red+hat', 'laptop', 'desk'])}`, 4],
    ['POST', () => '/api/payments', 4],
    ['GET', () => `/api/payments/${uuid()}/status`, 3],
    ['POST', () => '/api/auth/login', 3],
    ['POST', () => '/api/auth/refresh', 3],
    ['GET', () => `/static/js/app.${hex(20)}.js`, 3],
    ['GET', () => '/health/ready', 6],
    ['GET', () => '/health/live', 6],
    ['DELETE', () => `/api/carts/${int(500000)}/items/${int(30)}`, 2],
    ['GET', () => `/api/inventory/sku-${int(90000)}`, 2],
    ['POST', () => `/api/webhooks/stripe`, 2],
  ];
  const totalWeight = endpoints.reduce((a, e) => a + e[2], 0);
  const pickEndpoint = () => {
    let r = rnd() * totalWeight;
    for (const e of endpoints) if ((r -= e[2]) < 0) return e;
    return endpoints[0];
  };
  const failing = ['/api/orders', '/api/payments', '/api/users'];
  const exceptions: [string, () => string][] = [
    [
      'sqlalchemy.exc.OperationalError',
      () => `(psycopg2.OperationalError) connection to server at "10.0.3.${int(250)}", port 5432 failed: timeout expired`,
    ],
    ['KeyError', () => `'order_${int(100000)}'`],
    ['ValueError', () => `invalid literal for int() with base 10: '${hex(6)}'`],
    ['redis.exceptions.ConnectionError', () => `Error ${int(200) + 100} connecting to redis:6379. Connection refused.`],
    ['TimeoutError', () => `upstream payments-api did not answer within ${int(20) + 5}s`],
  ];
  const appMessages = [
    () => `cache miss for key user:${int(200000)}`,
    () => `order ${int(900000)} state changed to ${pick(['paid', 'shipped', 'cancelled'])}`,
    () => `background job sync_inventory finished in ${int(3000)} ms`,
    () => `retrying call to payments-api (attempt ${int(3) + 1})`,
    () => `slow query took ${int(2000) + 500} ms`,
  ];

  const start = (opts.start ?? new Date('2026-11-27T15:00:00Z')).getTime();
  const gap = opts.gapMs ?? 0.2;
  const deployFrac = opts.deployAt ?? 2 / 3;
  const fd = openSync(path, 'w');
  const parts: string[] = [];
  let pending = 0;
  let written = 0;
  let lines = 0;
  let t = start;
  let deployTs = 0;
  const flush = () => {
    const buf = Buffer.from(parts.join(''), 'utf8');
    writeSync(fd, buf);
    written += buf.length;
    parts.length = 0;
    pending = 0;
  };
  const push = (s: string) => {
    parts.push(s);
    pending += s.length;
    lines++;
  };

  while (written + pending < opts.bytes) {
    t += rnd() * gap * 2;
    const ts = new Date(t).toISOString();
    const after = (written + pending) / opts.bytes >= deployFrac;
    if (after && !deployTs) deployTs = t;
    const errorRate = after ? 0.085 : 0.033;
    const r = rnd();
    const rid = hex(16);
    if (r < errorRate) {
      if (rnd() < 0.1) {
        push(
          `{"ts":"${ts}","level":"CRITICAL","logger":"app.db","msg":"database connection pool exhausted (size=${int(20) + 10}, overflow=10)","request_id":"${rid}"}\n`,
        );
        continue;
      }
      const [method, mk] = rnd() < 0.7 ? [pick(['GET', 'POST']), () => `${pick(failing)}/${int(900000) + 1000}`] : pickEndpoint();
      const p = mk();
      const [exc, msg] = pick(exceptions);
      const status = pick([500, 500, 500, 502, 503, 504]);
      const dur = (rnd() * 3000 + 50).toFixed(1);
      const withExcInfo = rnd() < 0.3;
      const excInfo = withExcInfo
        ? `,"exc_info":"Traceback (most recent call last):\\n  File \\"/app/api/routes.py\\", line ${int(400) + 10}, in handler\\n    return await call_next(request)\\n${exc}: ${msg().replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
        : '';
      push(
        `{"ts":"${ts}","level":"ERROR","logger":"app.api","msg":"Unhandled exception in ${method} request","method":"${method}","path":"${p}","status":${status},"duration_ms":${dur},"exc_type":"${exc}"${excInfo},"request_id":"${rid}"}\n`,
      );
      if (!withExcInfo && rnd() < 0.25) {
        // A raw traceback on stderr, interleaved with the JSON lines (as uvicorn prints them).
        push('Traceback (most recent call last):\n');
        push(`  File "/app/services/orders.py", line ${int(300) + 10}, in create_order\n`);
        push('    row = await session.execute(stmt)\n');
        push(`  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line ${int(2000) + 100}, in execute\n`);
        push('    raise exc_class(msg)\n');
        push(`${exc}: ${msg()}\n`);
      }
      continue;
    }
    if (r < errorRate + 0.12) {
      const level = rnd() < 0.4 ? 'DEBUG' : rnd() < 0.6 ? 'WARNING' : 'INFO';
      push(`{"ts":"${ts}","level":"${level}","logger":"app.service","msg":"${pick(appMessages)()}","request_id":"${rid}"}\n`);
      continue;
    }
    const [method, mk] = pickEndpoint();
    const p = mk();
    const status = rnd() < 0.9 ? (method === 'POST' ? 201 : 200) : pick([301, 304, 400, 401, 403, 404, 404, 422, 429]);
    const dur = (Math.exp(rnd() * 4 + 1) * (p.startsWith('/api/search') ? 4 : 1)).toFixed(1);
    push(
      `{"ts":"${ts}","level":"INFO","logger":"uvicorn.access","msg":"request completed","method":"${method}","path":"${p}","status":${status},"duration_ms":${dur},"client":"10.0.${int(8)}.${int(250)}","request_id":"${rid}"}\n`,
    );
    if (pending > 1 << 20) flush();
  }
  flush();
  closeSync(fd);
  return { bytes: written, lines, first: new Date(start), last: new Date(t), deploy: new Date(deployTs || t) };
}
