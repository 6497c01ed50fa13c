import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rules of eslint.config.js, proved on planted files: for each layer, an import that
// runs back up is an error, and an import that runs down is not. Nothing is written to disk:
// lintText lints the text as if it stood at filePath.
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', '@typescript-eslint/no-restricted-imports']);

async function layerErrors(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath });
  return result.messages.filter((m) => m.severity === 2 && LAYER_RULES.has(m.ruleId ?? '')).map((m) => m.message);
}

async function allMessages(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const importing = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;

/** [the file the import stands in, what it imports]: each runs back up a layer. */
const BACK_UP: [string, string][] = [
  ['src/core/planted.ts', '../app/context.js'],
  ['src/core/planted.ts', '../store/db.js'],
  ['src/core/planted.ts', '../version.js'],
  ['src/core/planted.ts', 'node:fs'],
  ['src/core/triage/planted.ts', '../../logs/types.js'],
  ['src/core/planted.ts', '../contract/incidents.js'],
  ['src/contract/planted.ts', '../server/route.js'],
  ['src/contract/planted.ts', '../app/context.js'],
  ['src/contract/planted.ts', '../store/db.js'],
  ['src/contract/planted.ts', '../version.js'],
  ['src/contract/planted.ts', 'fastify'],
  ['src/contract/planted.ts', 'node:fs'],
  ['src/store/planted.ts', '../app/context.js'],
  ['src/store/migrations/planted.ts', '../../app/context.js'],
  ['src/checks/planted.ts', '../server/deps.js'],
  ['src/logs/planted.ts', '../cli/runtime.js'],
  ['src/logs/sources/planted.ts', '../../app/record-deploy.js'],
  ['src/notify/planted.ts', '../runtime/server-coordination.js'],
  ['src/actions/planted.ts', '../app/context.js'],
  ['src/config/planted.ts', '../mcp/server.js'],
  ['src/docker/planted.ts', '../app/context.js'],
  ['src/postmortem/planted.ts', '../server/presenters.js'],
  ['src/app/planted.ts', '../server/deps.js'],
  ['src/app/planted.ts', '../runtime/cli-delivery.js'],
  ['src/app/planted.ts', '../cli/version.js'],
  ['src/app/planted.ts', '../mcp/server.js'],
  ['src/runtime/planted.ts', '../server/deps.js'],
  ['src/runtime/planted.ts', '../cli/runtime.js'],
  ['src/runtime/planted.ts', '../mcp/server.js'],
  ['src/server/planted.ts', '../cli/version.js'],
  ['src/server/routes/planted.ts', '../../cli/runtime.js'],
  ['src/mcp/planted.ts', '../cli/runtime.js'],
  ['src/mcp/planted.ts', '../server/routes/actions.js'],
  ['src/mcp/planted.ts', '../server/build-server.js'],
  ['src/mcp/planted.ts', '../server/errors.js'],
  ['web/src/pages/planted.tsx', '../../../src/server/routes/triage.js'],
  ['web/src/pages/planted.tsx', '../../../src/contract/incidents.js'],
];

const DOWN: [string, string][] = [
  ['src/core/planted.ts', './severity.js'],
  ['src/core/triage/planted.ts', '../severity.js'],
  ['src/store/planted.ts', '../core/incident.js'],
  ['src/store/migrations/planted.ts', '../dialect.js'],
  ['src/checks/planted.ts', '../logs/types.js'],
  ['src/logs/sources/planted.ts', '../../config/schema.js'],
  ['src/notify/planted.ts', '../store/db.js'],
  ['src/actions/planted.ts', '../core/actor.js'],
  ['src/app/planted.ts', '../notify/outbox.js'],
  ['src/app/planted.ts', '../core/deploy.js'],
  ['src/runtime/planted.ts', '../app/run-timers.js'],
  ['src/runtime/planted.ts', '../notify/outbox-worker.js'],
  ['src/server/planted.ts', '../runtime/server-coordination.js'],
  ['src/server/routes/planted.ts', '../../mcp/server.js'],
  ['src/server/routes/planted.ts', '../deps.js'],
  ['src/server/routes/planted.ts', '../../version.js'],
  ['src/contract/planted.ts', '../core/severity.js'],
  ['src/contract/planted.ts', './incidents.js'],
  ['src/contract/planted.ts', 'zod'],
  ['src/mcp/planted.ts', '../contract/incidents.js'],
  ['src/mcp/planted.ts', '../contract/actions.js'],
  ['src/server/routes/planted.ts', '../../contract/triage.js'],
  ['src/app/planted.ts', '../contract/actions.js'],
  ['src/cli/commands/planted.ts', '../../server/build-server.js'],
  ['src/cli/planted.ts', '../mcp/server.js'],
];

describe('layer rules (eslint.config.js)', () => {
  it.each(BACK_UP)('%s may not import %s', async (file, spec) => {
    const errors = await layerErrors(file, importing(spec));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/src\/core is pure|src\/contract imports only|Layer \w+:|web imports/);
  });

  it.each(DOWN)('%s may import %s', async (file, spec) => {
    expect(await allMessages(file, importing(spec))).toEqual([]);
  });

  it('the web app takes only types from the contract', async () => {
    const typeOnly = "import type { Incident } from '@contract';\nexport type I = Incident;\n";
    expect(await allMessages('web/src/pages/planted.tsx', typeOnly)).toEqual([]);
    const value = "import { incidentSchema } from '@contract';\nexport const s = incidentSchema;\n";
    expect(await allMessages('web/src/pages/planted.tsx', value)).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*web imports only types/),
    ]);
  });

  it('a lazy import() that runs back up fails too', async () => {
    const errors = await layerErrors('src/notify/planted.ts', "export const load = () => import('../app/context.js');\n");
    expect(errors).toEqual([expect.stringMatching(/^Layer adapters:/)]);
    expect(await allMessages('src/cli/planted.ts', "export const load = () => import('../app/context.js');\n")).toEqual([]);
  });

  it('type-only and re-export forms are caught like imports', async () => {
    expect(
      await layerErrors('src/actions/planted.ts', "import type { AppContext } from '../app/context.js';\nexport type C = AppContext;\n"),
    ).toHaveLength(1);
    expect(await layerErrors('src/app/planted.ts', "export type { ServerDeps } from '../server/deps.js';\n")).toHaveLength(1);
  });
});

// The store rule: SQL is written only in src/store (a repository per table), and only src/store imports kysely.
// (no-restricted-imports prefixes its message with the import it refused, no-restricted-syntax does not)
const QUERY = /Queries live in src\/store/;
const PLANTED_QUERIES: [string, string][] = [
  ['src/app/planted.ts', "export const q = (db: never) => (db as { selectFrom: (t: string) => unknown }).selectFrom('incidents');\n"],
  ['src/app/planted.ts', "export const f = (ctx: { store: { db: any } }) => ctx.store.db.insertInto('tokens').values({}).execute();\n"],
  ['src/notify/planted.ts', "export const f = (trx: any) => trx.updateTable('outbox').set({ status: 'sent' }).execute();\n"],
  ['src/runtime/planted.ts', "export const f = (db: any) => db.deleteFrom('timers').execute();\n"],
  ['src/server/routes/planted.ts', 'declare const sql: any;\nexport const ping = (db: unknown) => sql`select 1`.execute(db);\n'],
  ['src/cli/commands/planted.ts', "export const f = (db: any) => db.selectFrom('users').select('name').execute();\n"],
  ['src/mcp/planted.ts', 'declare const sql: any;\nexport const raw = sql.raw`select 1`;\n'],
  ['src/app/planted.ts', "import type { Kysely } from 'kysely';\nexport type D = Kysely<never>;\n"],
  ['src/notify/planted.ts', "import { sql } from 'kysely';\nexport const s = sql;\n"],
  ['src/cli/planted.ts', "export { sql } from 'kysely';\n"],
];

describe('the store rule (eslint.config.js): no SQL outside src/store', () => {
  it.each(PLANTED_QUERIES)('%s may not query: %s', async (file, text) => {
    expect(await layerErrors(file, text)).toEqual([expect.stringMatching(QUERY)]);
  });

  it('a planted query beside a back-up import fails twice', async () => {
    const text =
      "import type { AppContext } from '../app/context.js';\nexport const f = (ctx: AppContext) => ctx.store.db.selectFrom('incidents').selectAll().execute();\n";
    const errors = await layerErrors('src/notify/planted.ts', text);
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/Layer adapters:/), expect.stringMatching(QUERY)]));
  });

  it('src/store may query and import kysely, and the Db type may be imported anywhere', async () => {
    const repo =
      "import { sql } from 'kysely';\nimport type { Db } from './db.js';\nexport const ping = (db: Db) => sql`select 1`.execute(db);\nexport const all = (db: Db) => db.selectFrom('incidents').selectAll().execute();\n";
    expect(await allMessages('src/store/planted.repository.ts', repo)).toEqual([]);
    expect(await allMessages('src/store/migrations/planted.ts', repo.replace('./db.js', '../db.js'))).toEqual([]);
    const user =
      "import type { Db } from '../store/db.js';\nimport { listIncidents } from '../store/incident.repository.js';\nexport const f = (db: Db) => listIncidents(db);\n";
    expect(await allMessages('src/app/planted.ts', user)).toEqual([]);
  });
});

// The interfaces call use cases; they never reach into the store's database (the use case calls a repository).
const STORE_DB = /Interfaces do not reach into the store/;
const PLANTED_STORE_DB: [string, string][] = [
  ['src/server/routes/planted.ts', 'export const f = (ctx: { store: { db: unknown } }) => ctx.store.db;\n'],
  [
    'src/cli/commands/planted.ts',
    'export const f = async (rt: { openContext(): Promise<{ store: { db: unknown } }> }) => (await rt.openContext()).store.db;\n',
  ],
  ['src/cli/commands/planted.ts', 'export const f = (ctx: { store: { db: unknown } }) => ctx.store.db;\n'],
  ['src/cli/planted.ts', 'export const f = (store: { db: unknown }) => store.db;\n'],
  ['src/mcp/planted.ts', 'export const f = (deps: { base: { store: { db: unknown } } }) => deps.base.store.db;\n'],
  ['src/server/web/planted.ts', 'export const f = (ctx: { store: { db: unknown } }) => {\n  const { db } = ctx.store;\n  return db;\n};\n'],
];

describe('the interface rule (eslint.config.js): src/cli, src/server and src/mcp never reach store.db', () => {
  it.each(PLANTED_STORE_DB)('%s may not reach the store: %s', async (file, text) => {
    expect(await layerErrors(file, text)).toEqual([expect.stringMatching(STORE_DB)]);
  });

  it('the store itself may be passed on, and a use case may reach its database', async () => {
    const passing = 'export const f = (ctx: { store: { dialect: string; db: unknown } }) => ctx.store.dialect;\n';
    expect(await allMessages('src/server/routes/planted.ts', passing)).toEqual([]);
    expect(await allMessages('src/cli/commands/planted.ts', passing)).toEqual([]);
    expect(await allMessages('src/app/planted.ts', 'export const f = (ctx: { store: { db: unknown } }) => ctx.store.db;\n')).toEqual([]);
  });

  it('the lazy-import layer rule still holds beside it in src/server', async () => {
    expect(await layerErrors('src/server/routes/planted.ts', "export const load = () => import('../../cli/runtime.js');\n")).toEqual([
      expect.stringMatching(/^Layer server:/),
    ]);
  });
});
