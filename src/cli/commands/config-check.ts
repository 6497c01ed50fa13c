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
  const { config, problems } = parseConfigText(readFileSync(path, 'utf8'), rt.io.env);
  if (rt.io.json) {
    printJson(rt.io, { path, valid: problems.length === 0, problems, services: config ? Object.keys(config.services ?? {}) : [] });
    return problems.length ? 1 : 0;
  }
  if (problems.length) {
    rt.io.err(`${path}: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map(formatProblem).join('\n')}`);
    return 1;
  }
  const services = Object.keys(config?.services ?? {});
  rt.io.out(
    `${path} is valid: ${services.length} service${services.length === 1 ? '' : 's'}${services.length ? ` (${services.join(', ')})` : ''}.`,
  );
  return 0;
}
