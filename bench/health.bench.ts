// Triage figures (issue 3):
//  1. `warroom health` over 200 HTTP services, 20 of which accept and never answer, per-check
//     timeout 2 s — beside the seed's approach, a sequential curl loop over the same 200 URLs.
//     Target: warroom ≤ 2.3 s (timeout + 0.3 s).
//  2. `warroom triage` on a healthy local stack: the example FastAPI app + PostgreSQL + Redis. Target < 2 s.
// Usage: npm run bench -- health   (needs the built binary: npm run bench builds first; curl; /usr/bin/python3 with FastAPI)
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFastApi } from '../test/triage/fastapi-app.js';

const BIN = resolve('bin/warroom.js');
const N = 200;
const HANGING = 20;
const sockets = new Set<Socket>();

async function listen(s: Server | NetServer): Promise<number> {
  s.on('connection', (c: Socket) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

function runWarroom(args: string[], cwd: string): Promise<{ code: number | null; ms: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', WARROOM_CONFIG: undefined, DATABASE_URL: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code, ms: performance.now() - t0, stdout, stderr }));
  });
}

async function benchHealth() {
  const servers: (Server | NetServer)[] = [];
  const urls: string[] = [];
  for (let i = 0; i < N; i++) {
    // Every 10th service is wedged: it accepts the connection and never answers.
    const s =
      i % (N / HANGING) === 0
        ? createNetServer(() => {})
        : createHttpServer((_q, r) => {
            r.setHeader('content-type', 'application/json');
            r.end('{"status":"ok","checks":{"db":"ok"}}');
          });
    servers.push(s);
    urls.push(`http://127.0.0.1:${await listen(s)}/health/ready`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'warroom-bench-health-'));
  writeFileSync(join(dir, 'warroom.yaml'), `services:\n${urls.map((u, i) => `  svc-${i}:\n    health: ${u}\n`).join('')}`);

  // Warm the OS file cache for node and the bundle so the first run is not a cold-disk figure.
  await runWarroom(['--version'], dir);
  const runs: { ms: number; reportMs: number; down: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runWarroom(['health', '--json', '--timeout', '2s'], dir);
    const report = JSON.parse(r.stdout) as { durationMs: number; counts: { down: number } };
    runs.push({ ms: r.ms, reportMs: report.durationMs, down: report.counts.down });
  }
  // CPU time of one more run: on a shared, loaded machine wall time is mostly waiting for a core.
  const cpu = await new Promise<string>((res) => {
    const c = spawn('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, BIN, 'health', '--json', '--timeout', '2s'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('close', () => {
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(err);
      res(m ? `${(Number(m[1]) + Number(m[2])).toFixed(2)} s (user ${m[1]} s, sys ${m[2]} s)` : 'n/a');
    });
    c.on('error', () => res('n/a (/usr/bin/time missing)'));
  });
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const median = [...runs].sort((a, b) => a.ms - b.ms)[1];

  // The seed's approach: one curl after another. Bounded with --max-time 2 like warroom's timeout.
  // Spawned asynchronously (one at a time) so this process keeps serving the 180 healthy endpoints.
  const t0 = performance.now();
  let curlDown = 0;
  for (const u of urls) {
    const code = await new Promise<string>((res) => {
      const c = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', u], {
        shell: false,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('close', () => res(out.trim()));
    });
    if (code !== '200') curlDown++;
  }
  const curlMs = performance.now() - t0;

  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
  console.log(`health: ${N} HTTP services, ${HANGING} accept-and-never-answer, per-check timeout 2 s`);
  console.log(
    `  warroom health (whole process, 3 runs): ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(' s, ')} s; median ${(median.ms / 1000).toFixed(2)} s, best ${(best.ms / 1000).toFixed(2)} s (target ≤ 2.3 s)`,
  );
  console.log(`  CPU time of one warroom health process: ${cpu}`);
  console.log(
    `  of which the checks (report durationMs): ${runs.map((r) => (r.reportMs / 1000).toFixed(2)).join(' s, ')} s; down found: ${runs[0].down}`,
  );
  console.log(`  sequential curl loop (--max-time 2, all ${N} URLs): ${(curlMs / 1000).toFixed(1)} s; down found: ${curlDown}`);
  console.log(`  ratio curl loop / warroom (median): ${(curlMs / median.ms).toFixed(1)}×`);
}

async function benchTriage() {
  const pgUrl = process.env.WARROOM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = 'redis://127.0.0.1:6379/11';
  const app = await startFastApi({ DATABASE_URL: pgUrl, REDIS_URL: redisUrl });
  const dir = mkdtempSync(join(tmpdir(), 'warroom-bench-triage-'));
  writeFileSync(
    join(dir, 'warroom.yaml'),
    `services:\n  backend:\n    health: ${app.url}/health/ready\n    depends_on: [db, cache]\n  db:\n    postgres: ${pgUrl}\n  cache:\n    redis: ${redisUrl}\n`,
  );
  try {
    await runWarroom(['triage', '--json'], dir); // first run creates the local store
    const runs: { ms: number; reportMs: number; findings: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runWarroom(['triage', '--json'], dir);
      const rep = JSON.parse(r.stdout) as { durationMs: number; findings: unknown[] };
      runs.push({ ms: r.ms, reportMs: rep.durationMs, findings: rep.findings.length });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log('triage: healthy local stack (FastAPI app + PostgreSQL + Redis), 5 runs');
    console.log(
      `  whole process: median ${(med(runs.map((r) => r.ms)) / 1000).toFixed(2)} s (runs: ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}) (target < 2 s)`,
    );
    console.log(
      `  triage itself (report durationMs): median ${med(runs.map((r) => r.reportMs))} ms; findings: ${runs.map((r) => r.findings).join(', ')}`,
    );
  } finally {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim();
console.log(`load average at start: ${load}`);
await benchHealth();
await benchTriage();
