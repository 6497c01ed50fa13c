import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import * as tokens from '../store/token.repository.js';
import { ACCESS_ROLES, parseInput, requireRole, type Actor, type AppContext } from './context.js';

/** Tokens look like wr_<id>_<secret>. The id finds the row; only sha256(secret) is stored. Secrets are 256 random bits, so a fast hash is sound here (passwords use scrypt). */
const TOKEN_RE = /^wr_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

// crypto.hash: the one-shot form, a third of the cost of createHash().update().digest() per request.
const hashSecret = (secret: string) => hash('sha256', secret, 'hex');

export const createTokenInputSchema = z
  .object({
    // A name of spaces lists as nothing: refused like an empty one (the stored name is not trimmed).
    name: z
      .string()
      .min(1, 'must not be blank')
      .max(100)
      .refine((s) => s.trim() !== '', 'must not be blank'),
    role: z.enum(ACCESS_ROLES),
  })
  .strict();

export type TokenInfo = tokens.Token;

export async function createToken(ctx: AppContext, input: z.input<typeof createTokenInputSchema>): Promise<TokenInfo & { token: string }> {
  requireRole(ctx, 'admin', 'creating an API token');
  const data = parseInput(createTokenInputSchema, input);
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const now = ctx.now().toISOString();
  await tokens.insertToken(ctx.store.db, {
    id,
    name: data.name,
    role: data.role,
    hash: hashSecret(secret),
    createdAt: now,
    createdBy: ctx.actor.name,
    lastUsedAt: null,
    revokedAt: null,
  });
  return {
    id,
    name: data.name,
    role: data.role,
    createdAt: now,
    createdBy: ctx.actor.name,
    lastUsedAt: null,
    revokedAt: null,
    token: `wr_${id}_${secret}`,
  };
}

export async function listTokens(ctx: AppContext): Promise<TokenInfo[]> {
  requireRole(ctx, 'admin', 'listing API tokens');
  return tokens.listTokens(ctx.store.db);
}

export async function revokeToken(ctx: AppContext, id: string): Promise<void> {
  requireRole(ctx, 'admin', 'revoking an API token');
  if (!(await tokens.revokeToken(ctx.store.db, id, ctx.now().toISOString()))) throw notFound(`token ${id} not found or already revoked`);
  // This instance forgets it at once; others within AUTH_CACHE_MS.
  authCache.clear();
}

export async function countActiveTokens(ctx: Pick<AppContext, 'store'>): Promise<number> {
  return tokens.countActiveTokens(ctx.store.db);
}

/**
 * Verified tokens are remembered for a few seconds so a burst of requests costs one lookup.
 * A revocation therefore takes effect on every instance within AUTH_CACHE_MS.
 */
export const AUTH_CACHE_MS = 5_000;
const authCache = new Map<string, { actor: Actor; until: number }>();

/**
 * The actor of a token verified within AUTH_CACHE_MS, without waiting (the server's hot path
 * answers from here synchronously); undefined when authenticateToken must look it up.
 */
export function cachedTokenActor(token: string): Actor | undefined {
  const t = token.trim();
  return TOKEN_RE.test(t) ? cachedActor(hashSecret(t)) : undefined;
}

function cachedActor(key: string): Actor | undefined {
  const hit = authCache.get(key);
  return hit && hit.until > Date.now() ? hit.actor : undefined;
}

/** Returns the actor a bearer token stands for, or null. Constant-time comparison of the hash. */
export async function authenticateToken(ctx: Pick<AppContext, 'store' | 'now'>, token: string): Promise<Actor | null> {
  const t = token.trim();
  const m = TOKEN_RE.exec(t);
  if (!m) return null;
  const key = hashSecret(t);
  const hit = cachedActor(key);
  if (hit) return hit;
  const actor = await lookupToken(ctx, m[1], m[2]);
  if (authCache.size > 10_000) authCache.clear();
  if (actor) authCache.set(key, { actor, until: Date.now() + AUTH_CACHE_MS });
  else authCache.delete(key);
  return actor;
}

async function lookupToken(ctx: Pick<AppContext, 'store' | 'now'>, id: string, secret: string): Promise<Actor | null> {
  const m = [null, id, secret] as const;
  const row = await tokens.findToken(ctx.store.db, m[1]);
  if (!row || row.revokedAt) return null;
  const a = Buffer.from(row.hash, 'hex');
  const b = Buffer.from(hashSecret(m[2]), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  // Best effort, at most once a minute per token, so reads do not turn into writes.
  const now = ctx.now().toISOString();
  if (!row.lastUsedAt || Date.parse(now) - Date.parse(row.lastUsedAt) > 60_000) {
    tokens.touchToken(ctx.store.db, row.id, now).catch(() => {});
  }
  return { name: row.name, role: row.role, via: 'api' };
}
