// Bundles the CLI and server into dist/ with esbuild (each command module its own chunk, loaded
// lazily, so `warroom --version` parses and runs almost nothing), and the web app with Vite.
// Everything is built into a fresh folder that then replaces dist/ with two renames, so a
// process starting the CLI mid-build never sees a half-written dist/.
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const tmp = `dist.tmp-${process.pid}`;

function externalizeDependenciesExcept(bundled) {
  return {
    name: 'externalize-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        if (bundled.includes(name)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}
// zod is bundled without the translations of its error messages (40 locales, half of its code):
// warroom's messages are English, and every CLI start that reads warroom.yaml compiles zod.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: args.importer, namespace: 'zod-english-only' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({ contents: "export { default as en } from '../locales/en.js';", resolveDir: dirname(args.path), loader: 'js' }));
  },
};
rmSync(tmp, { recursive: true, force: true });
await build({
  // logs-worker: the log analyser's worker thread, resolved at run time next to the chunks.
  // logs-pool: started by bin/warroom.js before the CLI for `logs analyze` (shared with its chunks).
  entryPoints: { cli: 'src/cli/cli.ts', 'logs-worker': 'src/logs/scan/scan-worker.ts', 'logs-pool': 'src/logs/scan/worker-pool.ts' },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies load from node_modules, except pure-ESM ones made of hundreds of small modules
  // (kysely, zod): bundled, they cost one file read instead of hundreds of module
  // resolutions on every CLI start. So are the few a `warroom health` start reaches (commander,
  // picocolors, js-yaml, mustache): with none left, Node's package resolution never runs there.
  plugins: [externalizeDependenciesExcept(['kysely', 'zod', 'commander', 'picocolors', 'js-yaml', 'mustache']), zodEnglishOnly],
  // commander and picocolors are CommonJS and require() Node's modules: give the chunks a require.
  banner: { js: "import { createRequire as __warroomCreateRequire } from 'node:module'; const require = __warroomCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});

// The log analyser's WebAssembly fast path (AssemblyScript, src/logs/scan/wasm/) into
// dist/logs-json-lines.wasm, next to the worker. Recompiled only when its source changed.
const wasmSrc = 'src/logs/scan/wasm/json-lines.ts';
const wasmOut = 'dist/logs-json-lines.wasm';
if (existsSync(wasmOut) && statSync(wasmOut).mtimeMs > statSync(wasmSrc).mtimeMs) {
  cpSync(wasmOut, join(tmp, 'logs-json-lines.wasm'));
} else {
  const { default: asc } = await import('assemblyscript/asc');
  const { error, stderr } = await asc.main([wasmSrc, '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--outFile', join(tmp, 'logs-json-lines.wasm')]);
  if (error) {
    console.error(stderr.toString());
    throw error;
  }
}

// The web app (React + Vite) into dist/web, served by `warroom serve` at / (src/server/web/static.ts).
// Rebuilt only when a file under web/ is newer than the last build.
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
  if (e.name === 'node_modules' || e.name === 'dist') return m;
  const p = join(dir, e.name);
  return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
}, 0);
const builtIndex = 'dist/web/index.html';
if (existsSync('web/vite.config.ts')) {
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs > newest('web')) {
    cpSync('dist/web', join(tmp, 'web'), { recursive: true });
  } else {
    const { build: buildWeb } = await import('vite');
    await buildWeb({ configFile: 'web/vite.config.ts', logLevel: 'warn', build: { outDir: resolve(tmp, 'web'), emptyOutDir: true } });
  }
}

const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(tmp, 'dist');
rmSync(old, { recursive: true, force: true });
