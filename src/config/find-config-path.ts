import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { validation } from '../core/errors.js';

/**
 * Finds the config file: explicit path, $WARROOM_CONFIG, then ./warroom.yaml or ./warroom.yml.
 * Kept apart from the loader so a zero-config CLI call never loads the YAML parser or the schema.
 */
export function findConfigPath(explicit?: string, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = explicit ?? env.WARROOM_CONFIG;
  if (chosen) {
    const p = resolve(cwd, chosen);
    if (!existsSync(p)) throw validation(`config file ${chosen} not found`, 'config');
    return p;
  }
  for (const name of ['warroom.yaml', 'warroom.yml']) {
    const p = resolve(cwd, name);
    if (existsSync(p)) return p;
  }
  return null;
}
