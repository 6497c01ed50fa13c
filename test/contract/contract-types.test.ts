import { describe, expect, expectTypeOf, it } from 'vitest';
import { createToken, listTokens, type TokenInfo } from '../../src/app/manage-tokens.js';
import { addUser, listUsers } from '../../src/app/manage-users.js';
import {
  createdTokenSchema,
  tokenSchema,
  userSchema,
  type CreatedToken,
  type Me,
  type Token,
  type User,
} from '../../src/contract/access.js';
import { ERROR_CODES, type ErrorBody } from '../../src/contract/errors.js';
import type { OutboxItemView, PostedUpdate } from '../../src/contract/outbox.js';
import type { OutboxItem } from '../../src/store/outbox.repository.js';
import type { Actor } from '../../src/core/actor.js';
import { HTTP_STATUS } from '../../src/server/errors.js';
import { createTempStore, testContext } from '../helpers/store.js';

type Flat<T> = { [K in keyof T]: T[K] };

// The routes for tokens, users and /me describe no response in the OpenAPI document (adding one
// would change it), so nothing but this test ties their contract schemas to the use cases:
// the types must be equal (tsc fails otherwise) and real answers must parse.
describe('src/contract/access.ts matches what the use cases return', () => {
  it('has the same types', () => {
    expectTypeOf<Token>().toEqualTypeOf<TokenInfo>();
    expectTypeOf<CreatedToken>().toEqualTypeOf<Flat<Awaited<ReturnType<typeof createToken>>>>();
    expectTypeOf<User>().toEqualTypeOf<Awaited<ReturnType<typeof listUsers>>[number]>();
    expectTypeOf<Me>().toEqualTypeOf<Pick<Actor, 'name' | 'role'>>();
  });

  it('parses real answers', async () => {
    const t = await createTempStore('sqlite');
    try {
      const ctx = testContext(t.store);
      createdTokenSchema.strict().parse(await createToken(ctx, { name: 'ci', role: 'responder' }));
      for (const token of await listTokens(ctx)) tokenSchema.strict().parse(token);
      await addUser(ctx, { name: 'alice', role: 'commander', password: 'correct horse battery' });
      for (const user of await listUsers(ctx)) userSchema.strict().parse(user);
    } finally {
      await t.cleanup();
    }
  });
});

describe('src/contract/errors.ts', () => {
  it('lists every code the server maps to a status, and INTERNAL', () => {
    expect([...ERROR_CODES].sort()).toEqual([...Object.keys(HTTP_STATUS), 'INTERNAL'].sort());
    expectTypeOf<ErrorBody['error']['code']>().toEqualTypeOf<keyof typeof HTTP_STATUS | 'INTERNAL'>();
  });
});

// The updates route describes no response either (its dry run answers the plan): the outbox item
// the repository returns and the one the contract describes must be the same type.
describe('src/contract/outbox.ts', () => {
  it('describes the outbox item the repository returns', () => {
    expectTypeOf<OutboxItemView>().toEqualTypeOf<OutboxItem>();
    expectTypeOf<PostedUpdate['outbox'][number]>().toEqualTypeOf<OutboxItem>();
  });
});
