// Runs the benchmarks: every bench/*.bench.ts (or those whose name contains an argument).
// Each is bundled with esbuild to bench/out/ and run with node, one after the other, so
// figures from one run share the same machine conditions. Usage: npm run bench [-- logs health]
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();
mkdirSync('bench/out', { recursive: true });
let failed = 0;
for (const f of files) {
  const outfile = join('bench/out', f.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join('bench', f)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
