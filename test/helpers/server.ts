import { spawn, type ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/build-server.js';
import { createToken } from '../../src/app/manage-tokens.js';
import type { Store } from '../../src/store/db.js';
import type { WarroomConfig } from '../../src/config/schema.js';
import { buildSeverityPolicy } from '../../src/core/severity.js';
import { testContext } from './store.js';
import { BIN } from './cli.js';
import type { AccessRole } from '../../src/app/context.js';

export interface TestServer {
  app: FastifyInstance;
  url: string;
  /** Creates a token with the role and returns it. */
  token(role: AccessRole, name?: string): Promise<string>;
  close(): Promise<void>;
}

/** A real listening server (in-process) on a random loopback port. */
export async function startTestServer(store: Store, config: WarroomConfig = {}): Promise<TestServer> {
  const { app } = await buildServer({ store, config, policy: buildSeverityPolicy(), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${addr.port}`,
    async token(role, name = `${role}-token`) {
      return (await createToken(testContext(store), { name, role })).token;
    },
    async close() {
      await app.close();
    },
  };
}

/**
 * A `warroom serve` child process; resolves once it answers /healthz. Without a given port it
 * picks one below the kernel's ephemeral range (where outgoing connections would take it) and,
 * should another process hold it anyway, tries another.
 */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServeProcess(opts: {
  cwd: string;
  env?: Record<string, string | undefined>;
  port?: number;
}): Promise<ServeProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? 20000 + Math.floor(Math.random() * 12000);
    try {
      return await spawnServe(opts, port);
    } catch (e) {
      if (opts.port !== undefined || attempt >= 5 || !/EADDRINUSE/.test((e as Error).message)) throw e;
    }
  }
}

async function spawnServe(opts: { cwd: string; env?: Record<string, string | undefined> }, port: number): Promise<ServeProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: undefined, WARROOM_CONFIG: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  child.stdout!.resume();
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a loaded 2-core machine a cold start can take seconds.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`warroom serve exited ${child.exitCode}: ${err}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`warroom serve did not start: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    stderr: () => err,
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        // Already gone (exited, or killed by a signal): 'exit' will not fire again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
