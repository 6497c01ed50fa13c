import { lstat, readdir, realpath, statfs, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { forbidden, notFound, validation } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import { formatBytes, onlyKeys, optString, outcome } from './common.js';
import type { PrepareAction } from './types.js';

/** More candidates than this and the plan is no longer something a person can confirm. */
export const MAX_FILES = 100_000;
const SAMPLE_SIZE = 20;

/** A file-name glob (*, ?, [abc], {a,b}) as a RegExp over the base name only. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else if (ch === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) {
        re += '\\{';
        continue;
      }
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((p) => p.replace(/[.+^$()|\\*?[\]]/g, '\\$&'))
        .join('|')})`;
      i = end;
    } else re += ch.replace(/[.+^$()|\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

interface Candidate {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Resolves the configured allowed paths to real paths (symlinks followed) once. */
async function allowedRoots(paths: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    try {
      out.push(await realpath(resolve(cwd, p)));
    } catch {
      // An allowed path that does not exist on this host allows nothing.
    }
  }
  return out;
}

/**
 * Walks dir without following symlinks (a link to /etc inside /var/log must not lead there) and
 * collects regular files whose name matches and which are older than the cut-off.
 */
async function collect(dir: string, re: RegExp, cutoffMs: number, out: Candidate[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT') return;
    throw e;
  }
  for (const ent of entries) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) await collect(p, re, cutoffMs, out);
    else if (ent.isFile() && re.test(ent.name)) {
      const st = await lstat(p).catch(() => null);
      if (st?.isFile() && st.mtimeMs < cutoffMs) {
        out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
        if (out.length > MAX_FILES)
          throw validation(`path: more than ${MAX_FILES} files match; narrow it with --glob or a deeper --path`, 'path');
      }
    }
  }
}

async function freeBytes(path: string): Promise<number | null> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/**
 * clean-disk --path DIR --older-than 7d [--glob "*.log"]: lists the regular files under DIR
 * older than the age whose names match, with their total size, and removes exactly those, only
 * inside remediation.clean_disk.allowed_paths. Directories and symlinks are never removed.
 */
export const prepareCleanDisk: PrepareAction = async (env, o) => {
  onlyKeys(o, ['path', 'olderThan', 'glob'], 'clean-disk');
  const rawPath = optString(o, 'path', true);
  const olderThan = optString(o, 'olderThan', true);
  const ageMs = parseDuration(olderThan, 'older-than');
  if (ageMs < 60_000) throw validation('older-than: must be at least 1m (files being written right now are never cleaned)', 'older-than');
  const glob = optString(o, 'glob') ?? '*';
  if (glob.includes('/') || glob.includes('\0'))
    throw validation(`glob: "${glob}" must be a file-name pattern without "/" (use --path for the directory)`, 'glob');
  const allowed = env.config.remediation?.clean_disk?.allowed_paths ?? [];
  if (!allowed.length)
    throw forbidden('clean-disk is disabled: no directories are listed in remediation.clean_disk.allowed_paths in warroom.yaml');
  const roots = await allowedRoots(allowed, env.cwd);
  let dir: string;
  try {
    dir = await realpath(resolve(env.cwd, rawPath));
  } catch {
    throw notFound(`path: ${rawPath} does not exist`);
  }
  const st = await lstat(dir);
  if (!st.isDirectory()) throw validation(`path: ${rawPath} is not a directory`, 'path');
  const root = roots.find((r) => inside(dir, r));
  if (!root) throw forbidden(`path: ${dir} is outside the allowed paths (remediation.clean_disk.allowed_paths: ${allowed.join(', ')})`);
  const cutoffMs = env.now().getTime() - ageMs;
  const re = globToRegExp(glob);
  const files: Candidate[] = [];
  await collect(dir, re, cutoffMs, files);
  files.sort((a, b) => b.size - a.size);
  const total = files.reduce((n, f) => n + f.size, 0);
  const freeBefore = await freeBytes(dir);
  const sample = files
    .slice(0, SAMPLE_SIZE)
    .map((f) => ({ path: relative(dir, f.path), size: f.size, modified: new Date(f.mtimeMs).toISOString() }));
  return {
    plan: {
      action: 'clean-disk',
      target: dir,
      role: 'commander',
      summary: `remove ${files.length} file(s) matching "${glob}" older than ${olderThan} under ${dir}, freeing about ${formatBytes(total)}`,
      steps: [
        {
          kind: 'files',
          description: `unlink ${files.length} regular file(s) (largest first, shown below); directories and symlinks are left alone`,
        },
        { kind: 'verify', description: `compare free space on ${dir} (now ${freeBefore === null ? 'unknown' : formatBytes(freeBefore)})` },
      ],
      facts: {
        path: dir,
        allowedRoot: root,
        glob,
        olderThan,
        cutoff: new Date(cutoffMs).toISOString(),
        files: files.length,
        bytes: total,
        freeBefore,
        sample,
      },
      warnings: files.length === 0 ? ['no file matches; nothing would be removed'] : [],
    },
    async execute() {
      let removed = 0;
      let freed = 0;
      const skipped: string[] = [];
      const t0 = performance.now();
      let interrupted = false;
      for (const f of files) {
        if (env.signal?.aborted) {
          interrupted = true;
          break;
        }
        // Re-check each file just before removing it: it may have been rotated, rewritten or
        // replaced by a symlink since the plan was shown.
        const now = await lstat(f.path).catch(() => null);
        const parent = await realpath(dirname(f.path)).catch(() => null);
        if (!now || !now.isFile() || now.mtimeMs >= cutoffMs || !parent || !inside(parent, root) || !isAbsolute(f.path)) {
          skipped.push(relative(dir, f.path));
          continue;
        }
        try {
          await unlink(f.path);
          removed++;
          freed += now.size;
        } catch (e) {
          skipped.push(`${relative(dir, f.path)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      const freeAfter = await freeBytes(dir);
      const lines = [
        `removed ${removed} file(s), ${formatBytes(freed)}`,
        ...(skipped.length ? [`skipped ${skipped.length}: ${skipped.slice(0, 20).join(', ')}${skipped.length > 20 ? ', …' : ''}`] : []),
        `free space ${freeBefore === null ? '?' : formatBytes(freeBefore)} → ${freeAfter === null ? '?' : formatBytes(freeAfter)}`,
      ];
      const failed = skipped.length > 0 && removed === 0 && files.length > 0;
      return outcome({
        status: interrupted ? 'interrupted' : failed ? 'failed' : 'succeeded',
        output: lines.join('\n'),
        steps: [
          {
            description: `unlink files under ${dir}`,
            status: interrupted ? 'interrupted' : failed ? 'failed' : 'succeeded',
            durationMs: Math.round(performance.now() - t0),
          },
        ],
        summary: `removed ${removed} file(s) (${formatBytes(freed)}) under ${dir}${skipped.length ? `, skipped ${skipped.length}` : ''}`,
        error: interrupted ? 'interrupted' : failed ? 'no file could be removed' : null,
        verification: {
          ok: skipped.length === 0 && !interrupted,
          detail: `${removed} of ${files.length} file(s) removed; free space ${freeBefore === null ? '?' : formatBytes(freeBefore)} → ${freeAfter === null ? '?' : formatBytes(freeAfter)}`,
        },
        facts: { removed, freedBytes: freed, skipped, freeBefore, freeAfter },
      });
    },
  };
};
