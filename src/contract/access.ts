import { z } from 'zod';
import { ACCESS_ROLES } from '../core/actor.js';

/**
 * Who may do what, as the API answers it: tokens (GET/POST /api/v1/tokens, never the secret
 * but once), users (the CLI's user list --json), the web session and /api/v1/me. These routes
 * describe no response in the OpenAPI document; test/contract/contract-types.test.ts keeps the
 * schemas equal to what the use cases return.
 */
const role = z.enum(ACCESS_ROLES);

export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role,
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const tokenListSchema = z.object({ tokens: z.array(tokenSchema) });
/** The one answer that carries the secret. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string() });

export const userSchema = z.object({ name: z.string(), role, createdAt: z.string() });

export const sessionSchema = z.object({
  name: z.string(),
  role,
  via: z.string(),
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export const sessionStateSchema = z.object({ session: sessionSchema.nullable() });
export const meSchema = z.object({ name: z.string(), role });

export type Token = z.output<typeof tokenSchema>;
export type TokenList = z.output<typeof tokenListSchema>;
export type CreatedToken = z.output<typeof createdTokenSchema>;
export type User = z.output<typeof userSchema>;
export type Session = z.output<typeof sessionSchema>;
export type SessionState = z.output<typeof sessionStateSchema>;
export type Me = z.output<typeof meSchema>;
export type { AccessRole } from '../core/actor.js';
