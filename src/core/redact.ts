/**
 * Secret redaction for everything warroom prints, stores or sends. Pure string rules; the
 * logs module adds team patterns from config through redactWith().
 *
 * The rules match secrets, not field names: a known token shape (AWS, JWT, GitHub, Slack,
 * Stripe, warroom's own wr_…) is removed wherever it appears, and the value after a secret-ish
 * key (`password=`, `DB_PASSWORD=`, `"access_token": "…"`, `--token …`) is removed when it looks
 * like a credential. Prose after a key is kept, so warroom's own messages read as written
 * ("password: must be at least 10 characters", "missing or invalid token: send …").
 * Replacements never add a newline, a quote or a backslash: JSON text stays valid JSON.
 */
export const REDACTED = '[REDACTED]';

type Replacer = (match: string, ...args: never[]) => string;

/** Single words that say something about a value, not the value ("token: missing", "auth=failed"). */
const STATUS_WORDS = new Set(
  (
    'required missing invalid expected empty none null nil undefined unset set redacted masked hidden ok okay ' +
    'failed failure wrong incorrect expired revoked rotated changed updated reset provided given omitted ' +
    'true false yes no on off enabled disabled unknown valid accepted rejected denied refused absent present ' +
    'ignored supplied needed mismatch'
  ).split(' '),
);

/** Words that follow "Bearer" in prose ("a Bearer token", "Bearer authentication"). */
const BEARER_PROSE = new Set(
  (
    'token tokens auth authentication authorization scheme realm header headers credential credentials ' +
    'or and the a an is are was with without to for of in on not only prefix type value string'
  ).split(' '),
);

const WORD = /^[A-Za-z]+(?:['’-][A-Za-z]+)*$/;
/** Stands for a value rather than being one: ${VAR}, $VAR, <token>, {token}, ***, …, [REDACTED]. */
const PLACEHOLDER = /^(?:\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|\{[^{}]*\}|\*+|x{3,}|X{3,}|\.{3}|…|\[REDACTED\]|%s)$/;
/** A quoted header or field name ("Authorization", "X-Api-Key"): something to send, not a secret. */
const HEADER_NAME =
  /^(?:X-)?(?:[A-Z][a-z]*-)*(?:Authorization|Cookie|Token|Key|Secret|Password|Auth|Signature|Session|Id|[A-Z][a-z]+-[A-Z][a-z]+)$/;

function isStatusWord(v: string): boolean {
  return STATUS_WORDS.has(v.toLowerCase().replace(/[.!?]$/, ''));
}

/**
 * Whether the value after a secret-ish key is a secret.
 *  - quoted: yes, unless it is empty, a placeholder, or (after an unquoted key) prose or a header name;
 *  - unquoted: yes, unless it is a placeholder or a status word, or, after "key:", a word that
 *    starts a sentence ("password: must be at least…").
 */
function isSecretValue(raw: string, o: { quotedKey: boolean; colon: boolean; rest: string }): boolean {
  const quote = /^(\\?["'])([\s\S]*)\1$/.exec(raw);
  const v = (quote ? quote[2] : raw).trim();
  if (!v || PLACEHOLDER.test(v) || v.includes(REDACTED)) return false;
  if (quote) {
    if (o.quotedKey) return !/^(?:null|true|false)$/.test(v);
    if (/^[A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z'’,-]+)+[.!?]?$/.test(v)) return false; // "must be set"
    if (HEADER_NAME.test(v) || /<[^<>]+>/.test(v)) return false;
    return true;
  }
  if (/^(?:null|true|false|none)$/i.test(v)) return false;
  if (isStatusWord(v)) return false;
  if (o.quotedKey) return true;
  // "password: must be at least 10 characters", "token: sign in with a token": prose.
  const word = v.replace(/[.,!?:]$/, '');
  if (o.colon && WORD.test(word) && /^(?:[ \t]+[A-Za-z("'“]|['’][a-z])/.test(o.rest)) return false;
  return true;
}

// A key that names a secret, ending at the secret word: DB_PASSWORD, PGPASSWORD, access_token,
// client_secret, SECRET_KEY, X-Api-Key, MYSQL_PWD, pass, _auth. Not token_bucket, tokens, author.
const SECRET_WORDS = 'passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|credentials?';
const KEY = String.raw`(?:[A-Za-z0-9_.-]*?(?:${SECRET_WORDS})|(?:[A-Za-z0-9.-]*[_.-])?(?:pass|auth))`;
const VALUE = String.raw`\$\{[^}\s]*\}|<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|\\"(?:[^"\\]|\\[^"])*\\"|[^\s,;&"'}\\]+`;

function keyValue(match: string, open: string, key: string, sep: string, value: string, offset: number, whole: string): string {
  if (value.includes(REDACTED)) return match;
  const bareKey = key.replace(/^-+/, '');
  if (/^(?:OLD)?PWD$/.test(bareKey)) return match; // the shell's working directory
  const rest = whole.slice(offset + match.length);
  // A trailing ")", "]" or "." closes the sentence around the value.
  const trail = /^[^"'\\]/.test(value) ? (/[.)\]!?:]+$/.exec(value)?.[0] ?? '') : '';
  const v = trail ? value.slice(0, -trail.length) : value;
  if (!isSecretValue(v, { quotedKey: open !== '', colon: sep.includes(':'), rest: trail + rest })) return match;
  const q = /^(\\?["'])/.exec(v)?.[1];
  const redacted = q ? `${q}${REDACTED}${q}` : REDACTED;
  return `${open}${key}${open}${sep}${redacted}${trail}`;
}

const RULES: [RegExp, string | Replacer][] = [
  // PEM private keys, whole (BEGIN to END, or to the end of the text when the END was cut off).
  [
    /(-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----)(\\r\\n|\\n|\r?\n|[ \t]+)?[\s\S]*?(?:(\\r\\n|\\n|\r?\n|[ \t]+)?(-----END \2PRIVATE KEY-----)|$)/g,
    (_m, begin, _kind, sep1, sep2, end) => `${begin}${sep1 ?? ''}${REDACTED}${sep2 ?? ''}${end ?? ''}`,
  ],
  // A PEM body line on its own (output redacted line by line sees BEGIN, the body and END apart):
  // nothing but 60-76 base64 characters in mixed case (a hex digest is one case).
  [/^(?=[^\n]*[a-z])(?=[^\n]*[A-Z])[A-Za-z0-9+/]{60,76}={0,2}\r?$/gm, REDACTED],
  // user:password@ in URLs and DSNs; the user may be empty (redis://:pw@host) and the password
  // may hold "@" (it runs to the last "@" before the host).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>\\]*):([^\s/?#"'<>\\]+)@/gi, (_m, pre) => `${pre}:${REDACTED}@`],
  // Known token shapes, wherever they appear.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED], // JSON Web Tokens
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED], // AWS access key ids
  [/\bwr_[a-f0-9]{8,}_[A-Za-z0-9_-]{20,}/g, REDACTED], // warroom API tokens
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, REDACTED], // GitHub
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, REDACTED], // GitLab
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}/g, REDACTED], // Slack
  [/(hooks\.slack\.com\/services\/)[A-Za-z0-9/]+/g, (_m, pre) => `${pre}${REDACTED}`],
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/g, REDACTED], // Stripe
  [/\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g, REDACTED], // OpenAI / Anthropic style
  [/\bAIza[0-9A-Za-z_-]{35}/g, REDACTED], // Google API keys
  [/\bnpm_[A-Za-z0-9]{36}\b/g, REDACTED], // npm
  // Authorization: Bearer xxx (also URL-encoded in a query string: Bearer%20xxx, Bearer+xxx).
  [
    /\b(Bearer|bearer|BEARER)(\s+|%20|\+)((?:[A-Za-z0-9._~+/=-]|%[0-9A-Fa-f]{2})+)/g,
    (m, kind, sep, tok: string) => (BEARER_PROSE.has(tok.toLowerCase()) ? m : `${kind}${sep}${REDACTED}`),
  ],
  // Basic credentials (base64 of user:password), not "Basic auth" or "Basic checks".
  [
    /\b(Basic)(\s+|%20|\+)((?:[A-Za-z0-9+/=]|%[0-9A-Fa-f]{2}){4,})/g,
    (m, kind, sep, tok: string) => (/^[A-Z]?[a-z]+$/.test(tok) ? m : `${kind}${sep}${REDACTED}`),
  ],
  // Authorization: <scheme> <credential> for other schemes (Token, ApiKey, …) or a bare credential.
  [
    /\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?)(?!Bearer|Basic|Digest|\[REDACTED\])([A-Za-z][\w-]*\s+)?([^\s"'\\,;]+)/gi,
    (m, pre, scheme: string | undefined, cred: string) =>
      WORD.test(cred) || PLACEHOLDER.test(cred) || (!scheme && /^[A-Za-z]+$/.test(cred)) ? m : `${pre}${scheme ?? ''}${REDACTED}`,
  ],
  // Cookie: a=b; c=d (every value) and Set-Cookie: name=value; Path=/ (the value, not the attributes).
  [
    /\b(set-cookie|cookie)(\\?["']?\s*:\s*\[?\s*\\?["']?)([^\r\n"\\]*)/gi,
    (_m, name: string, sep, rest: string) =>
      `${name}${sep}${
        name.toLowerCase() === 'set-cookie'
          ? rest.replace(/^(\s*[^=;\s]+=)([^;]+)/, (_x, k) => `${k}${REDACTED}`)
          : rest.replace(/(^|;\s*)([^=;\s]+=)([^;]+)/g, (_x, lead, k) => `${lead}${k}${REDACTED}`)
      }`,
  ],
  // --password hunter2, --token abc (a flag and its argument).
  [
    new RegExp(String.raw`(?<![\w-])(--?[A-Za-z0-9-]*?(?:${SECRET_WORDS}))(?![\w-])([ \t]+)(${VALUE})`, 'gi'),
    (m: string, flag: string, sep: string, value: string, offset: number, whole: string) =>
      keyValue(m, '', flag, sep, value, offset, whole),
  ],
  // key=value, key: value, "key": "value", KEY='value' for secret-ish keys.
  [new RegExp(String.raw`(?<![A-Za-z0-9_.-])(\\?["']?)(${KEY})(?![A-Za-z0-9])\1(\s*(?:=>|[:=])\s*)(${VALUE})`, 'gi'), keyValue],
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
