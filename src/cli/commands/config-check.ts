import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findConfigPath, formatProblem, parseConfigText } from '../../config/load-config.js';
import { validation } from '../../core/errors.js';
import { printJson } from '../io.js';
import type { Runtime } from '../runtime.js';

export async function run(rt: Runtime, file?: string) {
  const path = file ? resolve(rt.io.cwd, file) : findConfigPath(rt.opts.config, rt.io.cwd, rt.io.env);
  if (!path) throw validation('no warroom.yaml here; create one with "warroom init" or pass a file', 'config');
  if (!existsSync(path)) throw validation(`config file ${file} not found`, 'config');
  const { config, problems, withoutUnknownKeys } = parseConfigText(readFileSync(path, 'utf8'), rt.io.env);
  if (rt.io.json) {
    const read = config ?? withoutUnknownKeys;
    printJson(rt.io, {
      path,
      valid: problems.length === 0,
      problems,
      // true when every problem is an unknown key: read-only commands run (ignoring them), the others refuse.
      onlyUnknownKeys: !!withoutUnknownKeys,
      services: read ? Object.keys(read.services ?? {}) : [],
    });
    return problems.length ? 1 : 0;
  }
  if (problems.length) {
    const note = withoutUnknownKeys
      ? '\nOnly unknown keys: read-only commands (list, show, health…) run and ignore them with a warning; commands that change state or start the server refuse the file.'
      : '';
    rt.io.err(`${path}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map(formatProblem).join('\n')}${note}`);
    return 1;
  }
  const services = Object.keys(config?.services ?? {});
  rt.io.out(
    `${path} is valid: ${services.length} service${services.length === 1 ? '' : 's'}${services.length ? ` (${services.join(', ')})` : ''}.`,
  );
  return 0;
}
