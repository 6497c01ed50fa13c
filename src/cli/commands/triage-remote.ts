import { callApi } from '../api-client.js';
import type { Runtime } from '../runtime.js';

/**
 * Calls the triage API of a running server (--server / WARROOM_URL): the incident lives there,
 * and the checks run from the server's network, with the server's config.
 */
export function callTriageApi<T>(rt: Runtime, base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  // Triage is bounded by its check timeouts on the server; this only guards a dead connection.
  return callApi<T>(rt, base, method, path, body, { timeoutMs: 120_000 });
}
