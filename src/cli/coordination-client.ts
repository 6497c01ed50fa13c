import { callApi } from './api-client.js';
import type { Runtime } from './runtime.js';

/** Calls the coordination API on a running server (same error shapes as the incident backend). */
export function callServer<T>(rt: Runtime, base: string, method: string, path: string, body?: unknown): Promise<T> {
  return callApi<T>(rt, base, method, path, body, { timeoutMs: 15_000 });
}
