import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { validation, WarroomError } from '../core/errors.js';
import { findToken } from '../store/token.repository.js';
import { findUser } from '../store/user.repository.js';
import * as sessions from '../store/web-session.repository.js';
import { authenticateUser } from './manage-users.js';
import { authenticateToken } from './manage-tokens.js';
import { isAccessRole, parseInput, type AccessRole, type Actor, type AppContext } from './context.js';

/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 12 * 60 * 60_000;
/** ...and after this long in any case; people sign in again at least weekly. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60_000;
/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 5 * 60_000;

const hash = (v: string) => createHash('sha256').update(v).digest('hex');

/** Either a user name and password, or an API token. */
export const signInInputSchema = z
  .object({
    username: z.string().max(100).optional(),
    password: z.string().max(1000).optional(),
    token: z.string().max(200).optional(),
  })
  .strict();
export type SignInInput = z.input<typeof signInInputSchema>;

export interface WebSession {
  name: string;
  role: AccessRole;
  /** Sent back by the browser in X-CSRF-Token on every state-changing request. */
  csrfToken: string;
  expiresAt: string;
}

export interface NewWebSession extends WebSession {
  /** The cookie value; only its hash is stored. */
  secret: string;
}

type Ctx = Pick<AppContext, 'store' | 'now'>;

/** Checks a user's password or an API token and opens a session. The message never says which part was wrong. */
export async function signIn(ctx: Ctx, input: SignInInput): Promise<NewWebSession> {
  const data = parseInput(signInInputSchema, input);
  let actor: Actor | null;
  let subject: { kind: 'user' | 'token'; id: string };
  const token = data.token?.trim();
  if (token) {
    if (data.username || data.password) throw validation('token: sign in with a token or with a user name and password, not both', 'token');
    actor = await authenticateToken(ctx, token);
    subject = { kind: 'token', id: /^wr_([a-f0-9]{12})_/.exec(token)?.[1] ?? '' };
  } else {
    const username = data.username?.trim();
    if (!username) throw validation('username: enter your user name (or sign in with an API token)', 'username');
    if (!data.password) throw validation('password: enter your password', 'password');
    actor = await authenticateUser(ctx, username, data.password);
    subject = { kind: 'user', id: username };
  }
  if (!actor)
    throw new WarroomError('UNAUTHORIZED', token ? 'that API token is not valid (revoked or mistyped)' : 'wrong user name or password');
  const now = ctx.now();
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS).toISOString();
  // Opportunistic clean-up keeps the table small without a background job.
  await sessions.deleteExpiredWebSessions(ctx.store.db, now.toISOString());
  await sessions.insertWebSession(ctx.store.db, {
    idHash: hash(secret),
    subjectKind: subject.kind,
    subject: subject.id,
    name: actor.name,
    role: actor.role,
    csrf: csrfToken,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt,
  });
  return { secret, name: actor.name, role: actor.role, csrfToken, expiresAt };
}

/**
 * The session a cookie value stands for, or null when unknown, expired, or when the user was
 * removed or the token revoked since. The role is read fresh, so a demotion applies at once.
 */
export async function resolveSession(ctx: Ctx, secret: string): Promise<(WebSession & { actor: Actor }) | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  const row = await sessions.findWebSession(ctx.store.db, hash(secret));
  if (!row) return null;
  const now = ctx.now();
  if (Date.parse(row.expiresAt) <= now.getTime() || now.getTime() - Date.parse(row.createdAt) > SESSION_MAX_MS) {
    await sessions.deleteWebSession(ctx.store.db, row.idHash);
    return null;
  }
  let role: string | undefined;
  if (row.subjectKind === 'user') {
    role = (await findUser(ctx.store.db, row.subject))?.role;
  } else {
    const t = await findToken(ctx.store.db, row.subject);
    role = t && !t.revokedAt ? t.role : undefined;
  }
  if (!role || !isAccessRole(role)) {
    await sessions.deleteWebSession(ctx.store.db, row.idHash);
    return null;
  }
  let expiresAt = row.expiresAt;
  if (now.getTime() - Date.parse(row.lastSeenAt) > TOUCH_EVERY_MS) {
    expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, Date.parse(row.createdAt) + SESSION_MAX_MS)).toISOString();
    await sessions.touchWebSession(ctx.store.db, row.idHash, now.toISOString(), expiresAt);
  }
  return { name: row.name, role, csrfToken: row.csrf, expiresAt, actor: { name: row.name, role, via: 'web' } };
}

export async function signOut(ctx: Ctx, secret: string): Promise<void> {
  await sessions.deleteWebSession(ctx.store.db, hash(secret));
}

/** Constant-time comparison for the CSRF header. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
