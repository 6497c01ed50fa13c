import { classifyLevel, parseDurationValue, parseLeadingTimestamp, type LevelClass } from './fields.js';

/** What a non-JSON line says, once recognised. */
export interface TextFacts {
  format: 'uvicorn' | 'combined' | 'text';
  ms: number | null;
  level: LevelClass;
  method: string | null;
  path: string | null;
  status: number | null;
  durationMs: number | null;
  message: string;
}

// "GET /path HTTP/1.1" 200 — the request part shared by uvicorn, gunicorn and nginx lines.
const REQUEST_RE = /"([A-Z]{3,7}) (\S+)(?: HTTP\/[\d.]+)?" (\d{3})\b/;
// nginx combined / gunicorn default: host ident user [time] "request" status bytes "referer" "agent" [extra...]
const COMBINED_RE = /^(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) (?:\d+|-)(?: "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*")?(.*)$/;
// uvicorn's default formatter: "INFO:     127.0.0.1:51234 - ..." (level, colon, padding).
const UVICORN_RE = /^(TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+(.*)$/;
// Python's logging.basicConfig() default, "%(levelname)s:%(name)s:%(message)s": "ERROR:app.api:payment failed".
const PY_BASIC_RE = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):([\w.-]*):(.*)$/;
// Redis's own log: "1:M 27 Nov 2026 15:00:05.789 # message" (pid, role, time, level mark).
const REDIS_RE = /^\d+:[XCSM] (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))? ([.\-*#]) (.*)$/;
// Redis marks warnings and errors alike with '#': these words make it an error.
const REDIS_ERROR_RE = /\b(?:error|errors|failed|failure|can't|cannot|unable|fatal|oom|corrupt\w*)\b/i;
const MONTH_INDEX: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
// Colour codes (uvicorn and others colour their levels when the output is a terminal, as in a
// container run with a TTY).
// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;]*m/g;
// A level word: alone, in brackets, after a colon, or before a slash (Celery's "ERROR/ForkPoolWorker-1").
const LEVEL_WORD_RE =
  /(?:^|[\s[(|:<])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|CRIT|FATAL|PANIC|SEVERE|EMERG|ALERT)(?=[\s\]):|>/]|$)/;
// nginx's error log writes its level in lower case, in brackets: "[error]", "[warn]", "[crit]".
const BRACKET_LEVEL_RE = /\[(trace|debug|info|notice|warn|warning|error|err|crit|critical|fatal|alert|emerg)\]/i;
// nginx's error log names the request without a status: request: "GET /api/x HTTP/1.1".
const NGINX_REQUEST_RE = /\brequest: "([A-Z]{3,7}) (\S+)(?: HTTP\/[\d.]+)?"/;
// nginx's error message: "12#12: *1 connect() failed (...) while connecting to upstream, client: ..."
// — the process, thread and connection numbers before it and the request details after it are
// not the error's kind (they would split one error into a signature per client and path).
const NGINX_MESSAGE_RE = /^\d+#\d+: (?:\*\d+ )?(.*?)(?:, client: .*)?$/;
const LOGFMT_LEVEL_RE = /\b(?:level|lvl|severity)=["']?([A-Za-z]+|\d+)/i;
const LOGFMT_STATUS_RE = /\b(?:status|status_code|code)=["']?(\d{3})\b/;
const LOGFMT_PATH_RE = /\b(?:path|url|uri|route)=["']?([^\s"']+)/;
const LOGFMT_METHOD_RE = /\bmethod=["']?([A-Za-z]{3,7})\b/;
const LOGFMT_DURATION_RE =
  /\b(duration|latency|elapsed|took|response_time|request_time)(_ms|_s|_seconds)?=["']?(\d+(?:\.\d+)?)(ms|s|us|µs|ns)?\b/;
const CLF_DURATION_RE = /(?:^|\s)(?:rt=|request_time=|upstream_response_time=)?(\d+(?:\.\d+)?)\s*$/;

function fillRequest(f: TextFacts, text: string): void {
  const r = REQUEST_RE.exec(text);
  if (r) {
    f.method = r[1];
    f.path = r[2];
    f.status = Number(r[3]);
    return;
  }
  const st = LOGFMT_STATUS_RE.exec(text);
  if (st) f.status = Number(st[1]);
  const p = LOGFMT_PATH_RE.exec(text);
  if (p && p[1].startsWith('/')) f.path = p[1];
  const m = LOGFMT_METHOD_RE.exec(text);
  if (m) f.method = m[1].toUpperCase();
}

function fillDuration(f: TextFacts, text: string): void {
  const d = LOGFMT_DURATION_RE.exec(text);
  if (!d) return;
  const scale = d[2] === '_s' || d[2] === '_seconds' || d[1] === 'request_time' ? 1000 : 1;
  f.durationMs = parseDurationValue(d[4] ? `${d[3]}${d[4]}` : d[3], scale);
}

/**
 * Recognises uvicorn/gunicorn access and error lines, nginx combined, and any line that starts
 * with a timestamp (ISO 8601, common log format, syslog). Returns null for anything else.
 */
export function parseTextLine(raw: string, refYear?: number): TextFacts | null {
  const line = raw.includes('\u001b') ? raw.replace(ANSI_RE, '') : raw;
  const f: TextFacts = { format: 'text', ms: null, level: 'none', method: null, path: null, status: null, durationMs: null, message: line };
  const uv = UVICORN_RE.exec(line);
  if (uv) {
    f.format = 'uvicorn';
    f.level = classifyLevel(uv[1]);
    f.message = uv[2];
    fillRequest(f, uv[2]);
    return f;
  }
  const rd = REDIS_RE.exec(line);
  if (rd && MONTH_INDEX[rd[2]] !== undefined) {
    f.ms = Date.UTC(+rd[3], MONTH_INDEX[rd[2]], +rd[1], +rd[4], +rd[5], +rd[6], rd[7] ? Number(rd[7].padEnd(3, '0')) : 0);
    f.message = rd[9];
    const mark = rd[8];
    f.level =
      mark === '#' ? (/^WARNING\b/.test(rd[9]) || !REDIS_ERROR_RE.test(rd[9]) ? 'warning' : 'error') : mark === '*' ? 'info' : 'debug';
    return f;
  }
  const py = PY_BASIC_RE.exec(line);
  if (py) {
    f.level = classifyLevel(py[1]);
    f.message = py[3];
    fillRequest(f, py[3]);
    return f;
  }
  const clf = COMBINED_RE.exec(line);
  if (clf) {
    f.format = 'combined';
    const t = parseLeadingTimestamp(clf[2], refYear);
    f.ms = t ? t.ms : null;
    const req = /^([A-Z]{3,7}) (\S+)/.exec(clf[3]);
    if (req) {
      f.method = req[1];
      f.path = req[2];
    }
    f.status = Number(clf[4]);
    f.level = f.status >= 500 ? 'error' : f.status >= 400 ? 'warning' : 'info';
    // A trailing number is the request time: with a decimal point it is seconds (nginx
    // $request_time, gunicorn %(L)s); a whole number is microseconds (gunicorn %(D)s).
    const d = CLF_DURATION_RE.exec(clf[5] ?? '');
    if (d) f.durationMs = d[1].includes('.') ? Number(d[1]) * 1000 : Number(d[1]) / 1000;
    f.message = clf[3];
    return f;
  }
  // A timestamp first, or in brackets (gunicorn "[2026-11-27 15:00:00 +0000] [7] [ERROR]",
  // Celery "[2026-11-27 15:00:00,123: ERROR/ForkPoolWorker-1]").
  const bracket = line.charCodeAt(0) === 91 ? 1 : 0;
  const ts = parseLeadingTimestamp(bracket ? line.slice(1) : line, refYear);
  if (ts) {
    f.ms = ts.ms;
    const rest = line.slice(bracket + ts.length);
    const lf = LOGFMT_LEVEL_RE.exec(rest);
    const lw = lf ? null : (LEVEL_WORD_RE.exec(rest.slice(0, 100)) ?? BRACKET_LEVEL_RE.exec(rest.slice(0, 100)));
    if (lf) f.level = classifyLevel(lf[1]);
    else if (lw) f.level = classifyLevel(lw[1]);
    f.message = (lw ? rest.slice(lw.index + lw[0].length) : rest).replace(/^(?:\/\S*)?[\s\]:|>-]+/, '');
    fillRequest(f, rest);
    const nm = NGINX_MESSAGE_RE.exec(f.message);
    if (nm) {
      f.message = nm[1];
      const nr = f.path === null ? NGINX_REQUEST_RE.exec(rest) : null;
      if (nr) {
        f.method = nr[1];
        f.path = nr[2];
      }
    }
    fillDuration(f, rest);
    if (f.level === 'none' && f.status !== null) f.level = f.status >= 500 ? 'error' : 'info';
    return f;
  }
  // No timestamp, but an access line (uvicorn without its level prefix, proxies) or logfmt.
  const req = REQUEST_RE.exec(line);
  if (req) {
    f.format = 'uvicorn';
    f.method = req[1];
    f.path = req[2];
    f.status = Number(req[3]);
    f.level = f.status >= 500 ? 'error' : 'info';
    return f;
  }
  const lf = LOGFMT_LEVEL_RE.exec(line);
  if (lf) {
    f.level = classifyLevel(lf[1]);
    fillRequest(f, line);
    fillDuration(f, line);
    return f;
  }
  return null;
}
