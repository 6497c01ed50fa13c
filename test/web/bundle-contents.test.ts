import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web app takes the API contract's types only (web/src/api/types.ts: `import type` from
// src/contract), so neither zod nor any server code may reach its bundle. Each marker is a
// string that survives minification and stands for one of them; the server's own bundle must
// contain every one, so a marker that stopped meaning anything would fail here too.
// Run `npm run build` first (dist/web is the web app, dist/chunks the CLI and server).
const DIST = resolve(import.meta.dirname, '../../dist');
const MARKERS = {
  ZodError: 'zod (its error class)',
  $ZodType: 'zod (its schema trait)',
  'warroom.postmortem/v1': "src/contract/postmortems.ts (the post-mortem model's schema literal)",
  'openapi-3.0': 'src/server/routes/meta.ts (the OpenAPI document)',
  FST_ERR_CTP_INVALID_JSON_BODY: 'src/server/errors.ts',
  'missing or invalid token': 'src/server/route.ts',
};

const read = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));

describe('web app bundle contents', () => {
  it('holds no zod and no server code', () => {
    const web = read(join(DIST, 'web', 'assets'));
    expect(web.length).toBeGreaterThan(0);
    const found = Object.entries(MARKERS)
      .filter(([m]) => web.some((js) => js.includes(m)))
      .map(([m, what]) => `${m}: ${what}`);
    expect(found).toEqual([]);
  });

  it('uses markers the server bundle does contain', () => {
    const server = [...read(join(DIST, 'chunks')), readFileSync(join(DIST, 'cli.js'), 'utf8')];
    expect(Object.keys(MARKERS).filter((m) => !server.some((js) => js.includes(m)))).toEqual([]);
  });
});
