import { redactText } from '../core/redact.js';

/**
 * Query text fit to print: string and numeric literals become ?, so a WHERE email = '…' or a
 * password in an ALTER ROLE never reaches a report; then the usual secret rules; then truncated.
 */
export function redactSql(query: string | null | undefined, max = 300): string | null {
  if (query == null) return null;
  let q = query
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '?') // dollar-quoted bodies
    .replace(/(?:[EeBbXxNn]|[Uu]&)?'(?:[^']|'')*'/g, '?') // '...' with '' escapes, and E'', B'', X''
    .replace(/(?<![\w$.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  q = redactText(q);
  return q.length > max ? `${q.slice(0, max - 1)}…` : q;
}
