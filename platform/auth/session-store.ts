// Login sessions: created at login, looked up by the hash of the cookie's token, deleted at logout.
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database';
import { hashSecret, newSecret } from './secret-token';

export interface NewSession {
  readonly id: string;
  /** The cookie value; only its hash is stored. */
  readonly token: string;
  /** Sent back in `x-csrf-token` on unsafe requests; only its hash is stored. */
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface SessionPrincipal {
  readonly sessionId: string;
  readonly userId: string;
  readonly platformAdmin: boolean;
  readonly csrfHash: Buffer;
  readonly expiresAt: Date;
}

/**
 * Opens a session for `userId`, valid for `ttlMs`.
 * @example const { token, csrfToken } = await createSession(db, userId, 12 * 3600_000, ua)
 */
export async function createSession(
  db: Db,
  userId: string,
  ttlMs: number,
  userAgent: string | undefined,
): Promise<NewSession> {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + ttlMs);
  const row = await db
    .insertInto('platform.sessions')
    .values({
      token_hash: hashSecret(token),
      csrf_hash: hashSecret(csrfToken),
      user_id: userId,
      expires_at: expiresAt,
      user_agent: userAgent?.slice(0, 300) ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, csrfToken, expiresAt };
}

/** The live session a cookie token opens, with its (active) user; undefined otherwise. */
export async function findSession(db: Db, token: string): Promise<SessionPrincipal | undefined> {
  const row = await db
    .selectFrom('platform.sessions as s')
    .innerJoin('platform.users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.user_id', 's.csrf_hash', 's.expires_at', 'u.platform_admin'])
    .where('s.token_hash', '=', hashSecret(token))
    .where('s.expires_at', '>', new Date())
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    sessionId: row.id,
    userId: row.user_id,
    platformAdmin: row.platform_admin,
    csrfHash: row.csrf_hash,
    expiresAt: row.expires_at,
  };
}

/** True when `csrfToken` is the session's CSRF token (compared in constant time). */
export function csrfMatches(session: SessionPrincipal, csrfToken: string | undefined): boolean {
  if (!csrfToken) return false;
  return timingSafeEqual(hashSecret(csrfToken), session.csrfHash);
}

/** Ends a session (logout). Expired sessions are removed at the next login of anyone. */
export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('platform.sessions').where('id', '=', sessionId).execute();
}

/** Drops sessions past their expiry. */
export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('platform.sessions').where('expires_at', '<=', new Date()).execute();
}

/** Ends every session of a user (password changed, account deactivated). */
export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('platform.sessions').where('user_id', '=', userId).execute();
}
