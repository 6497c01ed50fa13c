import { WarroomError, type ErrorCode } from '../../core/errors.js';
import type { Runtime } from '../runtime.js';

/**
 * Calls the triage API of a running server (--server / WARROOM_URL): the incident lives there,
 * and the checks run from the server's network, with the server's config.
 */
export async function callTriageApi<T>(rt: Runtime, base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const token = rt.io.env.WARROOM_TOKEN;
  if (!token) throw new WarroomError('UNAUTHORIZED', 'WARROOM_TOKEN is not set; create one on the server with "warroom token create --role responder"');
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Triage is bounded by its check timeouts on the server; this only guards a dead connection.
      signal: AbortSignal.timeout(120_000),
    });
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    throw new WarroomError('UNAVAILABLE', `cannot reach the warroom server at ${base}: ${cause}`);
  }
  const text = await res.text();
  let json: unknown;
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
