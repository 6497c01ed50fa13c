// Reading one log file's bytes. Kept apart from file.ts (which finds the files, with globs) so
// the scanner's worker threads load no glob library.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { isDockerJsonStart } from './docker-json-file.js';

/** What the file's first bytes say: gzip's magic, or a Docker json-file entry. */
export function sniffLogFile(path: string): { gzip: boolean; dockerJson: boolean } {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(8);
    const n = readSync(fd, b, 0, 8, 0);
    return { gzip: n >= 2 && b[0] === 0x1f && b[1] === 0x8b, dockerJson: n === 8 && isDockerJsonStart(b) };
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a log file, gunzipped when it is compressed. */
export function openLogStream(file: { path: string; gzip: boolean }): NodeJS.ReadableStream {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
  if (!file.gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}
