import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { redactText } from '../core/redact.js';
import { WarroomError } from '../core/errors.js';

/** Writes report files (redacted) into --output-dir, creating it; returns the paths written. */
export function writeReportFiles(cwd: string, dir: string, files: Record<string, string>): string[] {
  const abs = resolve(cwd, dir);
  try {
    mkdirSync(abs, { recursive: true });
    return Object.entries(files).map(([name, content]) => {
      const p = resolve(abs, name);
      writeFileSync(p, redactText(content));
      return p;
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new WarroomError('VALIDATION', `--output-dir ${dir}: cannot write there (${err.code ?? err.message})`, { field: 'output-dir' });
  }
}
