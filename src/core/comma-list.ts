/**
 * A comma-separated list as people type it ("a, b,,c") or as a query string repeats it
 * (['a', 'b']): the values trimmed, empty ones dropped; nothing given stays undefined. The one
 * parser for --kind, --format, ?kind= and ?service=.
 */
export function splitList(v: string | readonly string[]): string[];
export function splitList(v: string | readonly string[] | undefined): string[] | undefined;
export function splitList(v: string | readonly string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter(Boolean);
}
