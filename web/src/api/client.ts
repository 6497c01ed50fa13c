import type { ChangeResult, Incident, IncidentDetail, Session, SeverityLevel, TimelineEntry } from './types.js';

/** An API error as the server sends it: { error: { code, message, field? } }. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The CSRF token of the current session; sent as X-CSRF-Token on every state-changing request. */
export function setCsrfToken(t: string | null): void {
  csrfToken = t;
}

/** Called when the server says the session is gone (expired, signed out elsewhere, user removed). */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let r: Response;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError('NETWORK', 'cannot reach the warroom server; check your connection and try again', 0);
  }
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError('INTERNAL', `the server answered ${r.status} with something that is not JSON`, r.status);
  }
  if (!r.ok) {
    const e = (json as { error?: { code?: string; message?: string; field?: string } }).error ?? {};
    if (r.status === 401 && path !== '/api/v1/session') for (const fn of unauthorizedListeners) fn();
    throw new ApiError(e.code ?? 'INTERNAL', e.message ?? `request failed (${r.status})`, r.status, e.field);
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  session: () => request<{ session: Session | null }>('GET', '/api/v1/session'),
  signIn: (body: { username: string; password: string } | { token: string }) =>
    request<{ session: Session }>('POST', '/api/v1/session', body),
  signOut: () => request<void>('DELETE', '/api/v1/session'),
  severities: () => request<{ severities: SeverityLevel[] }>('GET', '/api/v1/severities'),
  openIncidents: () => request<{ incidents: Incident[] }>('GET', '/api/v1/incidents'),
  resolvedIncidents: (limit = 10) => request<{ incidents: Incident[] }>('GET', `/api/v1/incidents?all=true&status=resolved&limit=${limit}`),
  incident: (id: string) => request<IncidentDetail>('GET', `/api/v1/incidents/${enc(id)}`),
  declare: (body: { title: string; severity: string; impact?: string | null; commander?: string | null; services?: string[] }) =>
    request<ChangeResult>('POST', '/api/v1/incidents', body),
  addEntry: (id: string, body: { text: string; kind: string }) =>
    request<TimelineEntry>('POST', `/api/v1/incidents/${enc(id)}/timeline`, body),
  setStatus: (id: string, body: { status: string; note?: string | null }) =>
    request<ChangeResult>('POST', `/api/v1/incidents/${enc(id)}/status`, body),
  resolve: (id: string, body: { summary?: string | null }) => request<ChangeResult>('POST', `/api/v1/incidents/${enc(id)}/resolve`, body),
  reopen: (id: string, body: { reason?: string | null }) => request<ChangeResult>('POST', `/api/v1/incidents/${enc(id)}/reopen`, body),
  setSeverity: (id: string, body: { severity: string; reason: string }) =>
    request<ChangeResult>('POST', `/api/v1/incidents/${enc(id)}/severity`, body),
  assignRole: (id: string, body: { role: string; to: string }) => request<ChangeResult>('POST', `/api/v1/incidents/${enc(id)}/roles`, body),
  ack: (id: string) => request<ChangeResult>('POST', `/api/v1/incidents/${enc(id)}/ack`),
};
