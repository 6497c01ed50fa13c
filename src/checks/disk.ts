import { formatBytes } from '../core/units.js';
import { statfs } from 'node:fs/promises';
import { checkSignal, raceSignal, result } from './util.js';
import type { CheckOptions, CheckResult, CheckState } from './types.js';

export interface DiskOptions extends CheckOptions {
  /** Free space (and free inodes) below this percentage is degraded (default 10). */
  warnFreePct?: number;
  /** Below this percentage it is down: writes are about to fail (default 5). */
  criticalFreePct?: number;
}

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/** Free space and inodes via statfs(2) — what df reports, for the user the app runs as. */
export async function checkDisk(service: string, path: string, opts: DiskOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  try {
    // A hung NFS mount blocks statfs; the deadline must still win.
    const s = await raceSignal(statfs(path), signal, () => Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    const freePct = pct(s.bavail, s.blocks);
    const inodesFreePct = s.files > 0 ? pct(s.ffree, s.files) : null;
    const evidence = {
      totalBytes: total,
      freeBytes: free,
      usedBytes: total - s.bfree * s.bsize,
      freePct,
      inodes: s.files,
      inodesFree: s.ffree,
      inodesFreePct,
    };
    const warn = opts.warnFreePct ?? 10;
    const crit = opts.criticalFreePct ?? 5;
    const worst = Math.min(freePct ?? 100, inodesFreePct ?? 100);
    const state: CheckState = worst < crit ? 'down' : worst < warn ? 'degraded' : 'up';
    const problems: string[] = [];
    if ((freePct ?? 100) < warn) problems.push(`${freePct}% space free (${formatBytes(free)} of ${formatBytes(total)})`);
    if ((inodesFreePct ?? 100) < warn) problems.push(`${inodesFreePct}% inodes free (${s.ffree} of ${s.files})`);
    return result(service, 'disk', path, state, start, evidence, problems.length ? problems.join('; ') : undefined);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg =
      code === 'TIMEOUT'
        ? `statfs ${path} did not return within ${timeoutMs} ms (hung mount?)`
        : code === 'ENOENT'
          ? `${path} does not exist`
          : code === 'EACCES'
            ? `${path}: permission denied`
            : `${path}: ${(e as Error).message}`;
    return result(service, 'disk', path, 'down', start, { code: code ?? null }, msg);
  }
}

export { formatBytes };
