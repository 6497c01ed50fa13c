import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { validation, WarroomError } from '../core/errors.js';
import { redactWith } from '../core/redact.js';
import type { ServiceConfig } from '../config/schema.js';
import { JSON_ALIASES, parseLeadingTimestamp, parseTimestampValue } from './scan/fields.js';
import { openLogStream } from './sources/file-read.js';
import { resolveLogFiles } from './sources/file.js';
import { streamSources, type SourceKind } from './sources/index.js';

export interface FetchedSource {
  source: SourceKind;
  /** What was read: file paths, the container, the unit, the command (redacted). */
  target: string;
  /** File written in the output directory (absent when the source failed before writing). */
  file: string | null;
  lines: number;
  bytes: number;
  /** Lines read but left out because their time lies outside the window. */
  skipped: number;
  /** Why the source failed (the others are still fetched). */
  error: string | null;
}

export interface FetchManifest {
  service: string;
  window: { since: string; until: string };
  fetchedAt: string;
  outputDir: string;
  sources: FetchedSource[];
}

const JSON_TS = new RegExp(
  `"(?:${JSON_ALIASES.ts.map((k) => k.replace(/[.@]/g, (c) => `\\${c}`)).join('|')})"\\s*:\\s*("[^"]*"|\\d+(?:\\.\\d+)?)`,
);
const CLF_TS = /\[(\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?)\]/;

/** The time a log line carries, if any: a leading timestamp, a JSON time field, or [CLF time]. */
export function lineTime(line: string, refYear?: number): number | null {
  const lead = parseLeadingTimestamp(line, refYear);
  if (lead) return lead.ms;
  if (line.charCodeAt(0) === 123) {
    const m = JSON_TS.exec(line);
    if (m) return parseTimestampValue(m[1].startsWith('"') ? m[1].slice(1, -1) : Number(m[1]));
  }
  const c = CLF_TS.exec(line);
  return c ? (parseLeadingTimestamp(c[1])?.ms ?? null) : null;
}

/**
 * Filters a byte stream to the lines inside a window, redacts them and writes them out.
 * Lines without a time (traceback frames, continuation lines) go with the line before them.
 */
async function writeWindow(
  stream: AsyncIterable<Buffer | string>,
  path: string,
  window: { since: Date; until: Date },
  redact: (s: string) => string,
): Promise<{ lines: number; bytes: number; skipped: number }> {
  const out = createWriteStream(path);
  const since = window.since.getTime();
  const until = window.until.getTime();
  const refYear = window.until.getUTCFullYear();
  let carry = '';
  let keep = true;
  let lines = 0;
  let bytes = 0;
  let skipped = 0;
  const handle = async (line: string) => {
    const t = lineTime(line, refYear);
    if (t !== null) keep = t >= since && t <= until;
    if (!keep) {
      skipped++;
      return;
    }
    const text = `${redact(line)}\n`;
    lines++;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  try {
    for await (const chunk of stream) {
      const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const parts = text.split('\n');
      carry = parts.pop() ?? '';
      for (const l of parts) await handle(l.endsWith('\r') ? l.slice(0, -1) : l);
    }
    if (carry) await handle(carry);
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { lines, bytes, skipped };
}

async function* concatFiles(files: { path: string; gzip: boolean }[]): AsyncGenerator<Buffer> {
  for (const f of files) {
    let last = 10;
    for await (const c of openLogStream(f)) {
      const b = c as Buffer;
      if (b.length) last = b[b.length - 1];
      yield b;
    }
    // A file that ends without a newline must not glue its last line to the next file's first.
    if (last !== 10) yield Buffer.from('\n');
  }
}

/**
 * `warroom logs fetch`: every configured source of a service, for a window, written redacted
 * to <outputDir>/<service>.<source>.log with a manifest.json. A failing source is reported in
 * the manifest and does not stop the others.
 */
export async function fetchServiceLogs(
  name: string,
  svc: ServiceConfig,
  window: { since: Date; until: Date },
  outputDir: string,
  opts: { redact?: string[]; cwd?: string; now?: Date } = {},
): Promise<FetchManifest> {
  if (window.since.getTime() > window.until.getTime()) throw validation('--since: must be before --until', 'since');
  const src = svc.logs;
  if (!src || (!src.file && !src.docker && !src.journald && !src.command)) {
    throw validation(`services.${name}.logs: no log source configured (set file, docker, journald or command)`, `services.${name}.logs`);
  }
  const dir = resolve(opts.cwd ?? process.cwd(), outputDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new WarroomError('FORBIDDEN', `--output-dir: cannot create ${dir}: ${(e as Error).message}`, { field: 'output-dir' });
  }
  const redact = redactWith(opts.redact ?? []);
  const sources: FetchedSource[] = [];
  const run = async (source: SourceKind, target: string, open: () => AsyncIterable<Buffer>) => {
    const file = `${name}.${source}.log`;
    try {
      const r = await writeWindow(open(), join(dir, file), window, redact);
      sources.push({ source, target: redact(target), file, ...r, error: null });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      sources.push({ source, target: redact(target), file, lines: 0, bytes: 0, skipped: 0, error: redact(msg) });
    }
  };
  if (src.file) {
    let files: ReturnType<typeof resolveLogFiles> = [];
    let err: string | null = null;
    try {
      files = resolveLogFiles(src.file, { since: window.since, cwd: opts.cwd, field: `services.${name}.logs.file` });
    } catch (e) {
      err = (e as Error).message;
    }
    if (err)
      sources.push({ source: 'file', target: redact(src.file.join(', ')), file: null, lines: 0, bytes: 0, skipped: 0, error: redact(err) });
    else await run('file', files.map((f) => f.path).join(', ') || src.file.join(', '), () => concatFiles(files));
  }
  for (const s of streamSources(svc, window, { service: name })) await run(s.kind, s.target, s.open);
  const manifest: FetchManifest = {
    service: name,
    window: { since: window.since.toISOString(), until: window.until.toISOString() },
    fetchedAt: (opts.now ?? new Date()).toISOString(),
    outputDir: dir,
    sources,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
