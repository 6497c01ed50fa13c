import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { validation } from '../../core/errors.js';
import { sniffLogFile } from './file-read.js';

export interface LogFile {
  path: string;
  size: number;
  mtimeMs: number;
  gzip: boolean;
  /** Docker json-file entries (each line wraps one of the application's: unwrapped when read). */
  dockerJson?: boolean;
  /** Rotation number (app.log.3 → 3; 0 for the live file or a date suffix). */
  rotation: number;
}

// app.log.1, app.log.2.gz, app.log-20261126, app.log-20261126.gz, app.log.2026-11-26.gz
const ROTATED = /^[.-](\d{1,4}|\d{8}(?:\d{2,6})?|\d{4}-\d{2}-\d{2}(?:[T_-]?\d{2}(?::?\d{2}){0,2})?)(\.gz)?$|^\.gz$/;

function describe(path: string, rotation: number): LogFile {
  const st = statSync(path);
  const { gzip, dockerJson } = st.size >= 2 ? sniffLogFile(path) : { gzip: false, dockerJson: false };
  return { path, size: st.size, mtimeMs: st.mtimeMs, gzip, dockerJson, rotation };
}

/**
 * The files behind configured paths and globs, with their rotated siblings (app.log.1,
 * app.log.2.gz, app.log-20261126.gz), oldest first. "Oldest" is by modification time — a
 * rotated file stops being written when it is rotated — with the rotation number breaking
 * ties (app.log.3 is older than app.log.2). With `since`, files last written before it are
 * skipped without being opened: none of their lines can be in the window.
 */
export function resolveLogFiles(
  patterns: string[],
  opts: { cwd?: string; since?: Date; rotated?: boolean; field?: string } = {},
): LogFile[] {
  const cwd = opts.cwd ?? process.cwd();
  const seen = new Map<string, LogFile>();
  for (const pattern of patterns) {
    const abs = resolve(cwd, pattern);
    const bases = isDynamicPattern(pattern) ? globSync(pattern, { cwd, absolute: true, onlyFiles: true, dot: true }).sort() : [abs];
    let found = 0;
    for (const base of bases) {
      let st;
      try {
        st = statSync(base);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      found++;
      if (!seen.has(base)) seen.set(base, describe(base, 0));
      if (opts.rotated === false) continue;
      const dir = dirname(base);
      const name = basename(base);
      let entries: string[] = [];
      try {
        entries = readdirSync(dir);
      } catch {
        entries = [];
      }
      for (const e of entries) {
        if (e === name || !e.startsWith(name)) continue;
        const m = ROTATED.exec(e.slice(name.length));
        if (!m) continue;
        const p = join(dir, e);
        if (seen.has(p)) continue;
        const n = m[1] && /^\d{1,4}$/.test(m[1]) ? Number(m[1]) : 0;
        try {
          if (statSync(p).isFile()) seen.set(p, describe(p, n));
        } catch {
          // vanished between readdir and stat (rotation in progress): nothing to read
        }
      }
    }
    if (!found) {
      // A missing live file is fine when rotated ones exist; a pattern matching nothing is not.
      if (!isDynamicPattern(pattern)) {
        const dir = dirname(abs);
        const name = basename(abs);
        let entries: string[] = [];
        try {
          entries = readdirSync(dir);
        } catch {
          entries = [];
        }
        const rotated = entries.filter((e) => e.startsWith(name) && ROTATED.test(e.slice(name.length)));
        for (const e of rotated) {
          const p = join(dir, e);
          const m = ROTATED.exec(e.slice(name.length))!;
          if (!seen.has(p)) seen.set(p, describe(p, m[1] && /^\d{1,4}$/.test(m[1]) ? Number(m[1]) : 0));
        }
        if (rotated.length) continue;
      }
      throw validation(`${opts.field ?? 'file'}: no log file matches "${pattern}"`, opts.field ?? 'file');
    }
  }
  const since = opts.since?.getTime();
  return [...seen.values()]
    .filter((f) => since === undefined || f.mtimeMs >= since)
    .sort((a, b) => a.mtimeMs - b.mtimeMs || b.rotation - a.rotation || a.path.localeCompare(b.path));
}
