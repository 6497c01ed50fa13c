import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { Redis } from 'ioredis';

/** Real loopback peers for the check tests: nothing here is a mock of the code under test. */

export interface Peer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttp(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Peer> {
  const server = createHttpServer(handler);
  return listen(server, 'http');
}

async function listen(server: Server | NetServer, scheme: string): Promise<Peer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Accepts TCP connections and never writes a byte: the classic wedged service. */
export async function startHangingListener(): Promise<Peer> {
  return listen(
    createNetServer(() => {
      /* accept and stay silent */
    }),
    'http',
  );
}

/** A port with nothing listening: bind, note the port, close. */
export async function refusedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const DAY = 86_400_000;

/** A self-signed certificate for localhost valid from `fromDays` to `toDays` relative to now. */
export async function makeCert(fromDays: number, toDays: number, cn = 'localhost') {
  const now = Date.now();
  return generate([{ name: 'commonName', value: cn }], {
    keySize: 2048,
    notBeforeDate: new Date(now + fromDays * DAY),
    notAfterDate: new Date(now + toDays * DAY),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: cn },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
}

export async function startHttps(
  cert: { private: string; cert: string },
  handler?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Peer> {
  const server = createHttpsServer(
    { key: cert.private, cert: cert.cert },
    handler ??
      ((_q, r) => {
        r.setHeader('content-type', 'application/json');
        r.end('{"status":"ok"}');
      }),
  );
  return listen(server, 'https');
}

/** A redis-server of our own on a random port, for server settings we must not change on the shared one. */
export async function startRedis(args: string[] = []): Promise<{ url: string; port: number; child: ChildProcess; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 30000 + Math.floor(Math.random() * 20000);
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const ok = await new Promise<boolean>((resolve) => {
      const deadline = setTimeout(() => resolve(false), 10_000);
      const poll = async () => {
        if (child.exitCode !== null) {
          clearTimeout(deadline);
          return resolve(false);
        }
        const r = new Redis({
          port,
          host: '127.0.0.1',
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
          password: args.includes('--requirepass') ? args[args.indexOf('--requirepass') + 1] : undefined,
        });
        r.on('error', () => {});
        try {
          await r.connect();
          await r.ping();
          r.disconnect();
          clearTimeout(deadline);
          resolve(true);
        } catch {
          r.disconnect();
          setTimeout(poll, 50);
        }
      };
      void poll();
    });
    if (ok) {
      return {
        url: `redis://127.0.0.1:${port}/0`,
        port,
        child,
        stop: () =>
          new Promise<void>((r) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              rmSync(dir, { recursive: true, force: true });
              return r();
            }
            child.once('exit', () => {
              rmSync(dir, { recursive: true, force: true });
              r();
            });
            child.kill('SIGKILL');
          }),
      };
    }
    child.kill('SIGKILL');
    if (!/Address already in use/.test(out)) throw new Error(`redis-server did not start: ${out}`);
  }
  throw new Error('redis-server: no free port after 5 attempts');
}

/**
 * A stand-in for the Docker Engine on a unix socket. No Docker engine runs on this machine, so
 * this server replays the Engine API's real wire format for GET /v1.41/containers/{id}/json
 * (bodies shaped like dockerd 24's answers, including its 404 {"message": ...}).
 */
export async function startFakeDockerEngine(
  containers: Record<string, unknown>,
): Promise<{ socket: string; requests: string[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-docker-'));
  const socket = join(dir, 'docker.sock');
  const requests: string[] = [];
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/v1\.\d+\/containers\/([^/]+)\/json$/.exec(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.setHeader('api-version', '1.43');
    res.setHeader('server', 'Docker/24.0.7 (linux)');
    if (!m) {
      res.statusCode = 404;
      return res.end('{"message":"page not found"}\n');
    }
    const name = decodeURIComponent(m[1]);
    const c = containers[name];
    if (!c) {
      res.statusCode = 404;
      return res.end(`${JSON.stringify({ message: `No such container: ${name}` })}\n`);
    }
    res.end(`${JSON.stringify(c)}\n`);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return {
    socket,
    requests,
    close: () =>
      new Promise<void>((r) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          r();
        }),
      ),
  };
}

/** An inspect body shaped like dockerd's (trimmed to the fields a real one always has). */
export function inspectBody(name: string, state: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    Id: 'f'.repeat(64),
    Created: '2024-01-15T14:00:00.000000000Z',
    Path: 'uvicorn',
    Args: ['app:app'],
    Name: `/${name}`,
    RestartCount: 0,
    Config: { Image: 'app-backend:abc123', Hostname: 'f'.repeat(12) },
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 4242,
      ExitCode: 0,
      Error: '',
      StartedAt: '2024-01-15T14:00:01.5Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      ...state,
    },
    ...extra,
  };
}
