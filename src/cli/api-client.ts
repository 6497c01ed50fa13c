import { WarroomError, type ErrorCode } from '../core/errors.js';
import type { Runtime } from './runtime.js';

/**
 * One call to a running warroom server's REST API (--server / WARROOM_URL with WARROOM_TOKEN).
 * Server errors come back as the same WarroomError codes the local store would raise, so a
 * command behaves the same against either.
 */
export async function callApi<T>(
  rt: Runtime,
  base: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  const token = rt.io.env.WARROOM_TOKEN;
  if (!token)
    throw new WarroomError(
      'UNAUTHORIZED',
      'WARROOM_TOKEN is not set; create one on the server with "warroom token create --role responder"',
    );
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Only guards a dead connection; long operations (triage, remediation) pass their own bound.
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    throw new WarroomError('UNAVAILABLE', `cannot reach the warroom server at ${base}: ${cause}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new WarroomError('UNAVAILABLE', `the server at ${base} answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: ErrorCode; message?: string; field?: string; details?: Record<string, unknown> } } | null)
      ?.error;
    throw new WarroomError(err?.code ?? 'UNAVAILABLE', err?.message ?? `server answered ${res.status}`, {
      field: err?.field,
      details: err?.details,
    });
  }
  return json as T;
}

/** ?a=1&b=x from an object; undefined, null and false are left out, arrays are comma-joined. */
export function queryString(o: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === false) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
