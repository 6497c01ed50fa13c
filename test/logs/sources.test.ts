import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFiles, analyzeServiceLogs } from '../../src/logs/analyze.js';
import { fetchServiceLogs } from '../../src/logs/fetch.js';
import { resolveLogFiles } from '../../src/logs/sources/file.js';
import { demuxDockerFrames, dockerLogLines, linesFromFrames } from '../../src/logs/sources/docker.js';
import { journalctlArgs, journaldLogLines } from '../../src/logs/sources/journald.js';
import { childOutput } from '../../src/logs/sources/process.js';
import { expandCommandArgs } from '../../src/logs/sources/index.js';
import type { ServiceConfig } from '../../src/config/schema.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'warroom-logs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const j = (ts: string, level: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ ts, level, msg: `${level} at ${ts}`, ...extra })}\n`;
const window = { since: new Date('2026-11-27T15:00:00Z'), until: new Date('2026-11-27T15:30:00Z') };

async function collect(it: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

describe('files with rotation and gzip', () => {
  it('names a corrupt gzip file instead of failing with a stack trace', async () => {
    const p = join(dir, 'broken.log.gz');
    const whole = gzipSync(j('2026-11-27T15:01:00Z', 'ERROR').repeat(2000));
    writeFileSync(p, whole.subarray(0, whole.length >> 1));
    await expect(analyzeFiles([p])).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('corrupt gzip data') });
  });

  it("unwraps Docker's json-file logs: JSON and text lines, tracebacks, a line Docker split, a line that is no entry", async () => {
    const p = join(dir, 'abc123-json.log');
    const t = (s: number) => `2026-11-27T15:00:0${s}.123456789Z`;
    const long = JSON.stringify({
      ts: '2026-11-27T15:00:02Z',
      level: 'INFO',
      msg: 'x'.repeat(20_000),
      path: '/api/a/3',
      status: 200,
      duration_ms: 7,
    });
    const entries = [
      {
        log: `${JSON.stringify({ ts: '2026-11-27T15:00:00Z', level: 'ERROR', msg: 'boom', path: '/api/a/1', status: 500 })}\n`,
        stream: 'stdout',
        time: t(0),
      },
      { log: 'Traceback (most recent call last):\n', stream: 'stderr', time: t(0) },
      { log: '  File "/app/x.py", line 3, in h\n', stream: 'stderr', time: t(0) },
      { log: "KeyError: 'k9'\n", stream: 'stderr', time: t(0) },
      { log: 'INFO:     10.0.0.1:5123 - "GET /api/a/2 HTTP/1.1" 503 Service Unavailable\n', stream: 'stdout', time: t(1) },
      // Docker cuts lines at 16 KiB: the parts carry no newline until the last.
      { log: long.slice(0, 16_384), stream: 'stdout', time: t(2) },
      { log: `${long.slice(16_384)}\n`, stream: 'stdout', time: t(2) },
    ];
    writeFileSync(p, `${entries.map((e) => JSON.stringify(e)).join('\n')}\nnot an entry\n`);
    expect(resolveLogFiles([p])[0]).toMatchObject({ gzip: false, dockerJson: true });
    const a = await analyzeFiles([p]);
    expect(a.totals.formats).toEqual({ json: 2, continuation: 3, uvicorn: 1, unrecognized: 1 });
    expect(a.totals.malformed).toBe(0);
    expect(a.errorEvents).toBe(2);
    expect(a.signatures.find((s) => s.type === 'KeyError')?.template).toBe("'k<n>'");
    expect(a.latency.find((l) => l.endpoint === '/api/a/:id')).toMatchObject({ count: 1, max: 7 });
    expect(a.totals.lastTimestamp).toBe('2026-11-27T15:00:02.000Z');
  });

  it('reads rotated and gzipped siblings oldest first, skipping files last written before the window', () => {
    const d = mkdtempSync(join(dir, 'rot-'));
    const files: [string, string, string][] = [
      ['app.log.4.gz', j('2026-11-26T10:00:00Z', 'INFO'), '2026-11-26T10:00:00Z'],
      [
        'app.log.3.gz',
        j('2026-11-27T14:58:00Z', 'INFO') + j('2026-11-27T15:01:00Z', 'ERROR', { path: '/a/1', status: 500 }),
        '2026-11-27T15:01:00Z',
      ],
      ['app.log.2', j('2026-11-27T15:05:00Z', 'ERROR', { path: '/a/2', status: 502 }), '2026-11-27T15:05:00Z'],
      ['app.log.1', j('2026-11-27T15:10:00Z', 'INFO'), '2026-11-27T15:10:00Z'],
      [
        'app.log',
        j('2026-11-27T15:20:00Z', 'ERROR', { path: '/a/3', status: 503 }) + j('2026-11-27T15:45:00Z', 'ERROR'),
        '2026-11-27T15:45:00Z',
      ],
      ['other.log', j('2026-11-27T15:20:00Z', 'ERROR'), '2026-11-27T15:20:00Z'],
    ];
    for (const [name, text, mtime] of files) {
      const p = join(d, name);
      writeFileSync(p, name.endsWith('.gz') ? gzipSync(text) : text);
      utimesSync(p, new Date(mtime), new Date(mtime));
    }
    const found = resolveLogFiles([join(d, 'app.log')], { since: window.since });
    expect(found.map((f) => f.path.slice(d.length + 1))).toEqual(['app.log.3.gz', 'app.log.2', 'app.log.1', 'app.log']);
    expect(found.map((f) => f.gzip)).toEqual([true, false, false, false]);
    expect(resolveLogFiles([join(d, 'app.log*')], { rotated: false }).length).toBe(5);
    expect(() => resolveLogFiles([join(d, 'missing.log')])).toThrow(/no log file matches/);
  });

  it('fetches a window in time order, redacted, with a manifest; and analyses the same sources', async () => {
    const d = mkdtempSync(join(dir, 'fetch-'));
    const older =
      j('2026-11-27T15:02:00Z', 'ERROR', { path: '/pay/1', status: 500, msg: 'db postgres://app:Hunter2Secret@db:5432/x down' }) +
      'Traceback (most recent call last):\n  File "x.py", line 1, in f\nConnectionError: refused\n';
    writeFileSync(join(d, 'api.log.1.gz'), gzipSync(j('2026-11-27T14:50:00Z', 'INFO') + older));
    utimesSync(join(d, 'api.log.1.gz'), new Date('2026-11-27T15:02:00Z'), new Date('2026-11-27T15:02:00Z'));
    writeFileSync(
      join(d, 'api.log'),
      j('2026-11-27T15:10:00Z', 'INFO', { token: 'tok_abcdef123456' }) + j('2026-11-27T15:40:00Z', 'ERROR'),
    );
    const svc: ServiceConfig = { logs: { file: [join(d, 'api.log')] } };
    const out = join(d, 'out');
    const m = await fetchServiceLogs('api', svc, window, out, { now: new Date('2026-11-27T15:31:00Z') });
    expect(m).toMatchObject({
      service: 'api',
      window: { since: '2026-11-27T15:00:00.000Z', until: '2026-11-27T15:30:00.000Z' },
      fetchedAt: '2026-11-27T15:31:00.000Z',
    });
    expect(m.sources).toEqual([
      {
        source: 'file',
        target: `${join(d, 'api.log.1.gz')}, ${join(d, 'api.log')}`,
        file: 'api.file.log',
        lines: 5,
        bytes: expect.any(Number),
        skipped: 2,
        error: null,
      },
    ]);
    const written = readFileSync(join(out, 'api.file.log'), 'utf8');
    expect(written.split('\n').filter(Boolean)).toHaveLength(5);
    expect(written.indexOf('15:02:00')).toBeLessThan(written.indexOf('15:10:00'));
    expect(written).toContain('ConnectionError: refused');
    expect(written).not.toContain('Hunter2Secret');
    expect(written).not.toContain('tok_abcdef123456');
    expect(m.sources[0].bytes).toBe(Buffer.byteLength(written));
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(m);

    const a = await analyzeServiceLogs(svc, window, { name: 'api' });
    expect(a.totals.linesInWindow).toBe(5);
    expect(a.errorEvents).toBe(1);
    expect(a.signatures[0]).toMatchObject({ type: 'ConnectionError', template: 'refused', count: 1 });
  });
});

// No Docker engine runs here: this server speaks the Engine API on a unix socket and replays
// its real wire format — 8-byte headers ([stream, 0, 0, 0, size uint32 BE]) then the payload —
// cut at awkward places: inside a header, inside lines, with stderr frames between the halves
// of a stdout line, and a traceback spread over several frames.
describe('docker source', () => {
  let server: Server;
  let socket: string;
  let seenQuery: URLSearchParams | null = null;
  const frame = (stream: 1 | 2, text: string) => {
    const payload = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = stream;
    h.writeUInt32BE(payload.length, 4);
    return Buffer.concat([h, payload]);
  };
  const ts = (s: string) => `2026-11-27T15:0${s}.123456789Z `;
  const body = Buffer.concat([
    frame(1, `${ts('1:00')}{"level":"INFO","path":"/orders/1","status":200,"duration_ms":12}\n${ts('1:01')}{"level":"INFO","pa`),
    frame(2, `${ts('1:02')}ERROR Unhandled exception in POST /orders\n${ts('1:02')}Traceback (most recent call last):\n`),
    frame(1, `th":"/orders/2","status":200,"duration_ms":30}\n`),
    frame(2, `${ts('1:02')}  File "/app/orders.py", line 7, in create\n${ts('1:02')}    db.commit()\n${ts('1:02')}sqlalchemy.exc.Integ`),
    frame(2, `rityError: duplicate key value violates unique constraint "orders_pkey"\n`),
    frame(1, `${ts('1:03')}{"level":"ERROR","path":"/orders/3","method":"POST","status":500}\n`),
  ]);

  beforeAll(async () => {
    socket = join(dir, 'docker.sock');
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://docker');
      if (url.pathname === '/v1.41/containers/app/json') {
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ Id: 'abc', Name: '/app', Config: { Tty: false } }));
      }
      if (url.pathname === '/v1.41/containers/app/logs') {
        seenQuery = url.searchParams;
        res.setHeader('content-type', 'application/vnd.docker.multiplexed-stream');
        // Cut the byte stream at odd offsets, including inside frame headers.
        const cuts = [3, 50, 51, 140, 141, 147, 260, 400];
        let prev = 0;
        for (const c of cuts) {
          res.write(body.subarray(prev, c));
          prev = c;
        }
        return res.end(body.subarray(prev));
      }
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ message: `No such container: ${url.pathname.split('/')[3]}` }));
    });
    await new Promise<void>((r) => server.listen(socket, r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('demultiplexes frames whose boundaries are not line boundaries', async () => {
    async function* pieces() {
      for (let i = 0; i < body.length; i += 7) yield body.subarray(i, i + 7);
    }
    const text = await collect(linesFromFrames(demuxDockerFrames(pieces())));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines).toContain(`${ts('1:01')}{"level":"INFO","path":"/orders/2","status":200,"duration_ms":30}`);
    expect(lines).toContain(`${ts('1:02')}sqlalchemy.exc.IntegrityError: duplicate key value violates unique constraint "orders_pkey"`);
  });

  it('reads a container through the Engine API with the window, and analyses it', async () => {
    const text = await collect(dockerLogLines({ container: 'app', socket, since: window.since, until: window.until }));
    expect(seenQuery!.get('stdout')).toBe('1');
    expect(seenQuery!.get('stderr')).toBe('1');
    expect(seenQuery!.get('timestamps')).toBe('1');
    expect(seenQuery!.get('since')).toBe(String(window.since.getTime() / 1000));
    expect(seenQuery!.get('until')).toBe(String(window.until.getTime() / 1000));
    expect(text.trimEnd().split('\n')).toHaveLength(8);

    const a = await analyzeServiceLogs({ logs: { docker: 'app' }, container: { name: 'app', socket } }, window);
    expect(a.totals.lines).toBe(8);
    expect(a.errorEvents).toBe(2);
    expect(a.signatures.map((s) => s.type).sort()).toEqual(['ERROR', 'sqlalchemy.exc.IntegrityError']);
    expect(a.signatures.find((s) => s.type === 'sqlalchemy.exc.IntegrityError')!.firstSeen).toBe('2026-11-27T15:01:02.123Z');
    expect(a.latency.find((l) => l.endpoint === '/orders/:id')!.count).toBe(2);
  });

  it('names a missing container', async () => {
    await expect(collect(dockerLogLines({ container: 'nope', socket, since: window.since, until: window.until }))).rejects.toThrow(
      /No such container: nope/,
    );
  });
});

describe('journald source', () => {
  it('runs journalctl with an argument array and turns its JSON records into lines', async () => {
    const argsFile = join(dir, 'journalctl-args.json');
    const fake = join(dir, 'fake-journalctl.mjs');
    // A stand-in journalctl (a real child process) that prints what `journalctl -o json` prints.
    const records = [
      {
        __REALTIME_TIMESTAMP: String(Date.parse('2026-11-27T15:01:00Z') * 1000),
        PRIORITY: '6',
        MESSAGE: 'worker started',
        _SYSTEMD_UNIT: 'api.service',
      },
      {
        __REALTIME_TIMESTAMP: String(Date.parse('2026-11-27T15:02:00Z') * 1000),
        PRIORITY: '3',
        MESSAGE: 'Traceback (most recent call last):\n  File "w.py", line 2, in run\nOSError: [Errno 28] No space left on device',
        _SYSTEMD_UNIT: 'api.service',
      },
      {
        __REALTIME_TIMESTAMP: String(Date.parse('2026-11-27T15:03:00Z') * 1000),
        PRIORITY: '6',
        MESSAGE: [123, 34, 108, 101, 118, 101, 108, 34, 58, 34, 101, 114, 114, 111, 114, 34, 125],
        _SYSTEMD_UNIT: 'api.service',
      },
      {
        __REALTIME_TIMESTAMP: String(Date.parse('2026-11-27T15:04:00Z') * 1000),
        PRIORITY: '3',
        MESSAGE: 'disk almost full',
        _SYSTEMD_UNIT: 'api.service',
      },
    ];
    writeFileSync(
      fake,
      `#!/usr/bin/env node\nimport { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\nfor (const r of ${JSON.stringify(records)}) process.stdout.write(JSON.stringify(r) + '\\n');\n`,
    );
    chmodSync(fake, 0o755);
    const text = await collect(journaldLogLines({ unit: 'api.service', since: window.since, until: window.until, bin: fake }));
    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual(
      journalctlArgs({ unit: 'api.service', since: window.since, until: window.until }),
    );
    expect(journalctlArgs({ unit: 'api.service', since: window.since, until: window.until })).toEqual([
      '-o',
      'json',
      '--no-pager',
      '-u',
      'api.service',
      '--since',
      '@1795791600',
      '--until',
      '@1795793400',
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('2026-11-27T15:01:00.000Z INFO worker started');
    expect(lines[1]).toBe('2026-11-27T15:02:00.000Z Traceback (most recent call last):');
    expect(lines[4]).toBe('2026-11-27T15:03:00.000Z {"level":"error"}');
    expect(lines[5]).toBe('2026-11-27T15:04:00.000Z ERROR disk almost full');

    process.env.WARROOM_JOURNALCTL = fake;
    try {
      const a = await analyzeServiceLogs({ logs: { journald: 'api.service' } }, window);
      expect(a.totals.lines).toBe(6);
      expect(a.errorEvents).toBe(3);
      expect(a.signatures.map((s) => s.type).sort()).toEqual(['ERROR', 'ERROR', 'OSError']);
      expect(a.signatures.find((s) => s.type === 'OSError')!.template).toBe('[Errno <n>] No space left on device');
    } finally {
      delete process.env.WARROOM_JOURNALCTL;
    }
  });

  it('runs the real journalctl: no journal here, so the window is empty', async () => {
    const a = await analyzeServiceLogs({ logs: { journald: 'warroom-test-nonexistent.service' } }, window);
    expect(a.totals.lines).toBe(0);
    expect(a.errorEvents).toBe(0);
    expect(a.errorRatePerMinute).toEqual([]);
  });
});

describe('command source', () => {
  it('expands the window into the argument array and reads stdout', async () => {
    const argv = expandCommandArgs(
      [process.execPath, '-e', 'for (const a of process.argv.slice(1)) console.log(a)', '{since}', '{until_epoch}', '{service}'],
      window,
      'api',
    );
    const text = await collect(childOutput(argv, 'logs command'));
    expect(text).toBe('2026-11-27T15:00:00.000Z\n1795793400\napi\n');
  });

  it('reports a failing command with the end of its stderr, redacted', async () => {
    const argv = [process.execPath, '-e', 'console.error("auth failed for postgres://u:TopSecret99@db/x"); process.exit(3)'];
    await expect(collect(childOutput(argv, 'logs command'))).rejects.toThrow(
      /exited with 3: auth failed for postgres:\/\/u:\[REDACTED\]@db\/x/,
    );
    await expect(collect(childOutput(['/nonexistent/bin/logtool'], 'logs command'))).rejects.toThrow(/program not found/);
  });
});
