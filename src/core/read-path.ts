/**
 * Reads a dotted path ("checks.http.status", or its parts already split) from a parsed JSON
 * value: undefined as soon as a step is not an object. The one reader for triage facts, HTTP
 * JSON conditions and dotted log-field aliases.
 */
export function readPath(obj: unknown, path: string | readonly string[]): unknown {
  let cur: unknown = obj;
  for (const seg of typeof path === 'string' ? path.split('.') : path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
