import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { conflict } from '../../core/errors.js';
import { printJson } from '../io.js';
import { parseOptions } from '../options.js';
import type { Runtime } from '../runtime.js';

const options = z.object({ force: z.boolean().optional(), output: z.string() });

/** templates/warroom.yaml ships with the package; dist/ and src/cli/commands/ both find it. */
export function starterConfigPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'templates', 'warroom.yaml');
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error('templates/warroom.yaml is missing from the installation');
}

export async function run(rt: Runtime, raw: unknown) {
  const o = parseOptions(options, raw);
  const target = resolve(rt.io.cwd, o.output);
  if (existsSync(target) && !o.force) throw conflict(`${o.output} already exists; use --force to overwrite it`);
  writeFileSync(target, readFileSync(starterConfigPath(), 'utf8'), { mode: 0o600 });
  if (rt.io.json) return printJson(rt.io, { path: target });
  rt.io.out(`Wrote ${target}. Edit the services, then run "warroom config check".`);
}
