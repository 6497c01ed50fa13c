/**
 * Secret redaction for everything warroom prints, stores or sends. Pure string rules; the
 * logs module adds team patterns from config through redactWith().
 */
export const REDACTED = '[REDACTED]';

const RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  // user:password@ in URLs and DSNs
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):([^\s@/]+)@/gi, (_m, pre) => `${pre}:${REDACTED}@`],
  // Authorization: Bearer xxx / Basic xxx
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, (_m, kind) => `${kind} ${REDACTED}`],
  // JSON Web Tokens
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED],
  // AWS access key ids and secrets
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  [/(aws_secret_access_key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/gi, (_m, pre) => `${pre}${REDACTED}`],
  // warroom's own API tokens
  [/\bwr_[a-f0-9]{12}_[A-Za-z0-9_-]{43}\b/g, REDACTED],
  // Slack tokens and webhook paths
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/(hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g, (_m, pre) => `${pre}${REDACTED}`],
  // key=value and "key": "value" for secret-ish keys
  [
    /(["']?\b(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|client[_-]?secret|private[_-]?key|auth)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/gi,
    (_m, pre, val: string) => `${pre}${val.startsWith('"') ? `"${REDACTED}"` : val.startsWith("'") ? `'${REDACTED}'` : REDACTED}`,
  ],
];

export function redactText(text: string, extra: RegExp[] = []): string {
  let out = text;
  for (const [re, rep] of RULES) out = out.replace(re, rep as string);
  for (const re of extra) out = out.replace(re, REDACTED);
  return out;
}

/** Builds a redactor with team patterns (strings from config are compiled once, globally). */
export function redactWith(patterns: string[] = []): (text: string) => string {
  const extra = patterns.map((p) => new RegExp(p, 'g'));
  return (t) => redactText(t, extra);
}
