import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';
import { validation } from '../core/errors.js';
import type { PostmortemLevel } from '../core/postmortem.js';
import type { WarroomConfig } from '../config/schema.js';

const DEFAULT_FILES: Record<PostmortemLevel, string> = {
  full: 'post-mortem-template.md',
  lightweight: 'post-mortem-lightweight.md',
};

/** templates/ ships with the package; both dist/ (bundled) and src/postmortem/ find it by walking up. */
export function shippedTemplatePath(level: PostmortemLevel): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'templates', DEFAULT_FILES[level]);
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error(`templates/${DEFAULT_FILES[level]} is missing from the installation`);
}

export interface LoadedTemplate {
  path: string;
  text: string;
}

/**
 * The Markdown template for a level: postmortem.template / postmortem.lightweight_template from
 * config (relative to baseDir, the config file's folder), else the shipped one. A broken
 * template is a VALIDATION error naming the config key, found before anything is written.
 */
export function loadTemplate(level: PostmortemLevel, config: WarroomConfig, baseDir: string): LoadedTemplate {
  const key = level === 'full' ? 'template' : 'lightweight_template';
  const configured = config.postmortem?.[key];
  if (!configured) {
    const p = shippedTemplatePath(level);
    return { path: p, text: readFileSync(p, 'utf8') };
  }
  const p = isAbsolute(configured) ? configured : resolve(baseDir, configured);
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    throw validation(
      `postmortem.${key}: cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      `postmortem.${key}`,
    );
  }
  try {
    Mustache.parse(text);
  } catch (e) {
    throw validation(`postmortem.${key}: ${p} is not a valid Mustache template: ${(e as Error).message}`, `postmortem.${key}`);
  }
  return { path: p, text };
}
