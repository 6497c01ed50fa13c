import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of src/ (docs/architecture.md): each imports only the layers below it.
//   interfaces (cli, server, mcp) → runtime (composition) → app (use cases) → adapters → core
const ADAPTERS = ['store', 'checks', 'logs', 'notify', 'actions', 'config', 'docker', 'postmortem'];
const LAYERS = [
  { name: 'core', folders: ['core'], forbidden: ['app', 'runtime', 'cli', 'server', 'mcp', 'contract', ...ADAPTERS, 'version'], why: 'src/core is pure and imports nothing outside src/core' },
  // The API contract (zod schemas and their types) is a leaf beside core: src/core and zod only.
  { name: 'contract', folders: ['contract'], forbidden: ['app', 'runtime', 'cli', 'server', 'mcp', ...ADAPTERS, 'version'], why: 'src/contract is the wire contract; it imports only src/core and zod' },
  { name: 'adapters', folders: ADAPTERS, forbidden: ['app', 'runtime', 'cli', 'server', 'mcp'], why: 'adapters serve the use cases and never call them or an interface; move the shared type to src/core' },
  { name: 'app', folders: ['app'], forbidden: ['runtime', 'cli', 'server', 'mcp'], why: 'use cases take what they need in their context; they never import the composition root or an interface' },
  { name: 'runtime', folders: ['runtime'], forbidden: ['cli', 'server', 'mcp'], why: 'the composition root builds what the interfaces use; it never imports them (take the smallest interface instead)' },
  { name: 'server', folders: ['server'], forbidden: ['cli'], why: 'the server never imports the CLI (src/version.ts holds VERSION)' },
  { name: 'mcp', folders: ['mcp'], forbidden: ['cli', 'server'], why: 'MCP never imports the CLI or the server (the wire shapes are in src/contract)' },
];

// A relative import from src/<layer>/<depth folders>/file.ts reaches src/<x> with exactly depth+1 "../".
// Matched as written (no-restricted-imports does not resolve paths), so the climb is counted
// per depth: "../x" from a subfolder is a sibling subfolder, not the layer x.
// A target is a folder name (the folder or a file named after it, like version.js) or a regex that goes on past the folder.
const climb = (depth, targets) => `^(\\.\\./){${depth + 1}}(${targets.map((t) => (t.includes('/') ? t : `${t}(/|\\.js$)`)).join('|')})`;
// The same pattern for esquery (no literal "/" allowed inside its /regex/).
const esq = (re) => re.replaceAll('/', '\\x2F');

const PURE_CORE = [
  { group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process', 'os'], message: 'src/core is pure: no I/O imports.' },
  { group: ['kysely', 'pg', 'better-sqlite3', 'ioredis', 'undici', 'fastify', 'nodemailer', 'pino'], message: 'src/core is pure: no database or network libraries.' },
];
// Every package but zod (node:* included): the contract is read by the web app's type checker too.
const ZOD_ONLY = [{ regex: '^(?!zod$)[^./]', message: 'src/contract imports only src/core and zod.' }];
const PACKAGES = { core: PURE_CORE, contract: ZOD_ONLY };

// web/ imports nothing from src/ but the types of the contract (web/tsconfig.json maps '@contract' to
// src/contract/index.ts; Vite does not, so a value import fails the build too): no zod, no server code in the bundle.
const WEB_IMPORTS = [
  { regex: '^@contract$', allowTypeImports: true, message: 'web imports only types from the contract (import type), never its zod schemas.' },
  { regex: '^(\\.\\./)+src/', message: "web imports nothing from src/; take the contract's types from '@contract' (import type)." },
];

// No SQL outside src/store: every query is a repository function there (src/store/<table>.repository.ts),
// and nothing else imports kysely (take the Db type from src/store/db.js). core and contract refuse it already.
const QUERIES = 'Queries live in src/store: call a repository function (or add one to src/store/<table>.repository.ts) (see docs/architecture.md).';
const NO_KYSELY = [{ group: ['kysely', 'kysely/*'], message: `Only src/store imports kysely; the Db type comes from src/store/db.js. ${QUERIES}` }];
const NO_QUERIES = [
  { selector: 'MemberExpression[property.name=/^(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|executeQuery)$/]', message: QUERIES },
  { selector: 'TaggedTemplateExpression[tag.name="sql"], TaggedTemplateExpression[tag.object.name="sql"]', message: QUERIES },
];

// The interfaces (cli, server, mcp) never reach into the store: they call a use case in src/app, which
// calls a repository. Caught as `store.db`, `x.store.db` and `const { db } = store` / `= x.store`.
const STORE_DB = 'Interfaces do not reach into the store: call a use case in src/app (which calls a repository in src/store) (see docs/architecture.md).';
const NO_STORE_DB = [
  { selector: "MemberExpression[property.name='db'][object.name='store'], MemberExpression[property.name='db'][object.property.name='store']", message: STORE_DB },
  { selector: "VariableDeclarator[init.name='store'] > ObjectPattern > Property[key.name='db'], VariableDeclarator[init.property.name='store'] > ObjectPattern > Property[key.name='db']", message: STORE_DB },
];
const INTERFACES = ['cli', 'server', 'mcp'];

function layerRules() {
  const out = [];
  for (const layer of LAYERS) {
    // One entry per folder: the adapters share their layer rule, but only src/store may query.
    for (const folder of layer.folders) {
      const store = folder === 'store';
      for (const depth of [0, 1, 2, 3]) {
        const files = [`src/${folder}/${'*/'.repeat(depth)}*.ts`];
        const regex = climb(depth, layer.forbidden);
        const message = `Layer ${layer.name}: ${layer.why} (see docs/architecture.md).`;
        out.push({
          files,
          rules: {
            'no-restricted-imports': ['error', { patterns: [...(PACKAGES[layer.name] ?? (store ? [] : NO_KYSELY)), { regex, message }] }],
            // no-restricted-imports does not see import(): the lazy loads obey the same layers.
            'no-restricted-syntax': [
              'error',
              { selector: `ImportExpression[source.value=/${esq(regex)}/]`, message },
              ...(store ? [] : NO_QUERIES),
              ...(INTERFACES.includes(folder) ? NO_STORE_DB : []),
            ],
          },
        });
      }
    }
  }
  return out;
}

export default tseslint.config(
  { ignores: ['src/logs/scan/wasm/**', 'dist/**', 'bench/out/**', 'web/dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // TypeScript checks names; no-undef only misfires on Node globals in .mjs scripts.
      'no-undef': 'off',
    },
  },
  // Where no layer rule reaches (src/cli, src/version.ts, deeper folders) the store rule still holds; the layer rules restate it.
  { files: ['src/**/*.ts'], ignores: ['src/store/**'], rules: { 'no-restricted-imports': ['error', { patterns: NO_KYSELY }], 'no-restricted-syntax': ['error', ...NO_QUERIES] } },
  ...layerRules(),
  // src/cli has no layer entry (nothing is above it), so its store rules are restated here, for every depth.
  { files: ['src/cli/**/*.ts'], rules: { 'no-restricted-syntax': ['error', ...NO_QUERIES, ...NO_STORE_DB] } },
  { files: ['web/src/**/*.ts', 'web/src/**/*.tsx'], rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: WEB_IMPORTS }] } },
);
