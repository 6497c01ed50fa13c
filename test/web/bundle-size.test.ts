import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const WEB = resolve(import.meta.dirname, '../../dist/web');
const BUDGET_GZIP = 200 * 1024;

/** The JavaScript the first page loads: the entry script and every chunk it preloads (run `npm run build` first). */
function firstLoadScripts(): string[] {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  const srcs = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1]);
  return [...new Set(srcs)];
}

describe('web app bundle', () => {
  it('loads under 200 KB of gzipped JavaScript on the first page, with no inline script', () => {
    expect(existsSync(join(WEB, 'index.html'))).toBe(true);
    const html = readFileSync(join(WEB, 'index.html'), 'utf8');
    // CSP forbids inline script: every <script> has a src.
    expect([...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>/g)]).toEqual([]);
    const scripts = firstLoadScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const gz = scripts.reduce((n, s) => n + gzipSync(readFileSync(join(WEB, s.replace(/^\//, '')))).length, 0);
    expect(gz).toBeLessThan(BUDGET_GZIP);
    // Chart.js (insights only) is built, but not into the first load. Its option name marks its code.
    const marker = 'maintainAspectRatio';
    const all = readdirSync(join(WEB, 'assets')).filter((f) => f.endsWith('.js'));
    expect(all.some((f) => readFileSync(join(WEB, 'assets', f), 'utf8').includes(marker))).toBe(true);
    for (const s of scripts) expect(readFileSync(join(WEB, s.replace(/^\//, '')), 'utf8')).not.toContain(marker);
  });
});
