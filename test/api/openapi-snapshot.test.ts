import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createTempStore, type TempStore } from '../helpers/store.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// The OpenAPI document is made from the routes' zod schemas. A move of those schemas (issue 15:
// one API contract in src/contract/) must not change one byte of it. The fixture was captured
// from the server before the move; regenerate it only for a deliberate API change:
//   WARROOM_UPDATE_OPENAPI=1 npx vitest run test/api/openapi-snapshot.test.ts
const FIXTURE = new URL('../fixtures/openapi.json', import.meta.url);

describe('GET /api/v1/openapi.json', () => {
  let t: TempStore;
  let srv: TestServer;
  beforeAll(async () => {
    t = await createTempStore('sqlite');
    srv = await startTestServer(t.store);
  });
  afterAll(async () => {
    await srv?.close();
    await t?.cleanup();
  });

  it('is byte-identical to test/fixtures/openapi.json', async () => {
    const r = await request(`${srv.url}/api/v1/openapi.json`);
    expect(r.statusCode).toBe(200);
    const text = await r.body.text();
    if (process.env.WARROOM_UPDATE_OPENAPI) writeFileSync(FIXTURE, text);
    expect(text).toBe(readFileSync(FIXTURE, 'utf8'));
  });
});
