import { request, type IncomingMessage } from 'node:http';
import { WarroomError } from '../core/errors.js';

/** Default Docker Engine socket; a service can name another (e.g. rootless or remote-forwarded). */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
/** Engine API version we speak; every Engine since 20.10 accepts it. */
export const DOCKER_API_VERSION = 'v1.41';

export interface EngineRequest {
  socket?: string;
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path without the version prefix, e.g. /containers/app-backend/json */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * One HTTP request to the Docker Engine API over its unix socket. The response body is
 * returned as a stream (logs are long); use engineJson for small JSON answers.
 */
export function engineRequest(r: EngineRequest): Promise<IncomingMessage> {
  const socketPath = r.socket ?? DEFAULT_DOCKER_SOCKET;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const path = `/${DOCKER_API_VERSION}${r.path}${qs.size ? `?${qs}` : ''}`;
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path, method: r.method ?? 'GET', headers: { host: 'docker' }, timeout: r.timeoutMs ?? 5000, signal: r.signal },
      resolve,
    );
    req.on('timeout', () =>
      req.destroy(new WarroomError('UNAVAILABLE', `Docker Engine at ${socketPath} did not answer within ${r.timeoutMs ?? 5000} ms`)),
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e instanceof WarroomError) return reject(e);
      const why =
        e.code === 'ENOENT'
          ? 'no socket there (is Docker running?)'
          : e.code === 'EACCES'
            ? 'permission denied (add the user to the docker group)'
            : e.message;
      reject(new WarroomError('UNAVAILABLE', `cannot reach the Docker Engine at ${socketPath}: ${why}`));
    });
    req.end();
  });
}

/** A JSON request; Engine errors ({"message": ...}) become WarroomErrors with that message. */
export async function engineJson<T>(r: EngineRequest): Promise<{ status: number; body: T }> {
  const res = await engineRequest(r);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const status = res.statusCode ?? 0;
  if (status >= 400) {
    const msg = (body as { message?: string } | null)?.message ?? text;
    throw new WarroomError(status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', `Docker Engine: ${msg || `HTTP ${status}`}`);
  }
  return { status, body: body as T };
}
