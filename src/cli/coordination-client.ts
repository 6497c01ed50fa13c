import { WarroomError, type ErrorCode } from '../core/errors.js';
import type { Runtime } from './runtime.js';

/** Calls the coordination API on a running server (same error shapes as the incident backend). */
export async function callServer<T>(rt: Runtime, base: string, method: string, path: string, body?: unknown): Promise<T> {
  const token = rt.io.env.WARROOM_TOKEN;
  if (!token) throw new WarroomError('UNAUTHORIZED', 'WARROOM_TOKEN is not set; create one on the server with "warroom token create --role responder"');
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new WarroomError('UNAVAILABLE', `cannot reach the warroom server at ${base}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new WarroomError('UNAVAILABLE', `the server at ${base} answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: ErrorCode; message?: string; field?: string } } | null)?.error;
    throw new WarroomError(err?.code ?? 'UNAVAILABLE', err?.message ?? `server answered ${res.status}`, { field: err?.field });
  }
  return json as T;
}
