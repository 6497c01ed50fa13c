import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validation } from '../core/errors.js';
import { splitList } from '../core/comma-list.js';
import type { PostmortemModel } from '../core/postmortem.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderPdf } from './render-pdf.js';

export const FORMATS = ['md', 'html', 'json', 'pdf'] as const;
export type Format = (typeof FORMATS)[number];

/** "md,html" → ['md', 'html']; markdown/htm/pdf aliases accepted; unknown names name the field. */
export function parseFormats(input: string | undefined, field = 'format'): Format[] {
  const alias: Record<string, Format> = { markdown: 'md', htm: 'html' };
  const list = splitList(input ?? 'md')
    .map((s) => s.toLowerCase())
    .map((s) => alias[s] ?? s);
  if (list.length === 0) throw validation(`${field}: name at least one of ${FORMATS.join(', ')}`, field);
  for (const f of list)
    if (!(FORMATS as readonly string[]).includes(f))
      throw validation(`${field}: unknown format "${f}" (expected ${FORMATS.join(', ')}, comma-separated)`, field);
  return [...new Set(list)] as Format[];
}

/** The JSON document: the model, versioned so tools can rely on its shape. */
export function renderJson(m: PostmortemModel): string {
  return `${JSON.stringify({ schema: 'warroom.postmortem/v1', ...m }, null, 2)}\n`;
}

export interface WrittenFile {
  format: Format;
  path: string;
  bytes: number;
}

/** A file-name stem safe on every OS: the title reduced to [a-z0-9-]. */
export function slugify(s: string, max = 60): string {
  return (
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, max)
      .replace(/-+$/, '') || 'incident'
  );
}

/**
 * Writes every requested format to dir as <stem>.<ext>. PDF is rendered last (it is the slow
 * one and the only one that can fail for lack of Chromium), after the others are on disk.
 */
export async function writeOutputs(
  m: PostmortemModel,
  o: { dir: string; stem: string; formats: Format[]; template: string; env?: NodeJS.ProcessEnv },
): Promise<WrittenFile[]> {
  const dir = resolve(o.dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw validation(`output-dir: cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'output_dir');
  }
  const out: WrittenFile[] = [];
  let html: string | null = null;
  const write = (format: Format, text: string) => {
    const path = join(dir, `${o.stem}.${format}`);
    writeFileSync(path, text);
    out.push({ format, path, bytes: Buffer.byteLength(text) });
  };
  for (const f of o.formats) {
    if (f === 'md') write('md', renderMarkdown(m, o.template));
    else if (f === 'json') write('json', renderJson(m));
    else if (f === 'html') write('html', (html ??= renderHtml(m)));
  }
  if (o.formats.includes('pdf')) {
    const path = join(dir, `${o.stem}.pdf`);
    await renderPdf((html ??= renderHtml(m)), path, { env: o.env });
    const { statSync } = await import('node:fs');
    out.push({ format: 'pdf', path, bytes: statSync(path).size });
  }
  return out;
}
