// Reading one log file's bytes. Kept apart from file.ts (which finds the files, with globs) so
// the scanner's worker threads load no glob library.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';

/** Whether the file starts with gzip's magic bytes. */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
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
