import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WarroomError } from '../core/errors.js';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/** $WARROOM_CHROMIUM, then the usual install paths. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.WARROOM_CHROMIUM;
  if (explicit) return existsSync(explicit) ? explicit : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * Prints the HTML page to PDF with headless Chromium: the same page people see, so the PDF
 * never drifts from it. Runs Chromium directly (argument array, private profile directory,
 * no network) rather than through a browser-automation library, so production needs no extra package.
 */
export async function renderPdf(html: string, outFile: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<void> {
  const bin = findChromium(opts.env);
  if (!bin) {
    throw new WarroomError(
      'UNAVAILABLE',
      'PDF needs Chromium, which is not installed: install it (Debian/Ubuntu: apt-get install chromium) or set WARROOM_CHROMIUM to its path; the md, html and json formats work without it',
      { field: 'format' },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'warroom-pdf-'));
  try {
    const page = join(dir, 'page.html');
    writeFileSync(page, html);
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${outFile}`,
      pathToFileURL(page).href,
    ];
    await new Promise<void>((resolveP, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (err.length < 4000) err += d;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new WarroomError('UNAVAILABLE', `cannot start Chromium at ${bin}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(outFile) && statSync(outFile).size > 0) resolveP();
        else
          reject(
            new WarroomError(
              'UNAVAILABLE',
              `Chromium could not print the PDF (${signal ? `killed by ${signal}` : `exit ${code}`}): ${err.trim().split('\n').slice(-3).join(' ')}`,
            ),
          );
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
