// Login by e-mail and password, password changes, the platform-admin flag, and the first admin.
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { ConflictError, NotFoundError } from '../errors';
import { systemActor, type Actor } from '../people/actor';
import { normalizeEmail } from '../people/user-repository';
import { recordAdminAction } from './admin-audit';
import { LoginFailedError } from './auth-errors';
import { hashPassword, newPassword, verifyPassword } from './passwords';
import { forgetPeople } from './people-cache';
import { deleteUserSessions } from './session-store';

export interface LoginUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly managerId: string | null;
  readonly platformAdmin: boolean;
}

/**
 * The user whose e-mail and password match; LoginFailedError otherwise (the same answer, and about
 * the same time, for an unknown address, a wrong password, an inactive user or one without one).
 * @example const user = await checkLogin(db, 'admin@example.cn', 'correct horse battery')
 */
export async function checkLogin(db: Db, email: string, password: string): Promise<LoginUser> {
  const row = await db
    .selectFrom('platform.users as u')
    .leftJoin('platform.user_passwords as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.display_name', 'u.manager_id', 'u.platform_admin', 'u.active'])
    .select('p.hash')
    .where('u.email', '=', normalizeEmail(email))
    .executeTakeFirst();
  const ok = await verifyPassword(row?.hash ?? undefined, password);
  if (!row || !ok || !row.active) throw new LoginFailedError();
  return toLoginUser(row);
}

export async function getLoginUserOrThrow(db: Db, userId: string): Promise<LoginUser> {
  const row = await db
    .selectFrom('platform.users')
    .select(['id', 'email', 'display_name', 'manager_id', 'platform_admin'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('user', userId);
  return toLoginUser(row);
}

/**
 * Sets a user's password and ends their sessions (a changed password logs every browser out).
 * @example await setPassword(db, userId, 'a new long password', actor)
 */
export async function setPassword(
  db: Db,
  userId: string,
  password: string,
  actor: Actor,
): Promise<void> {
  const hash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('platform.users')
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw new NotFoundError('user', userId);
    await tx
      .insertInto('platform.user_passwords')
      .values({ user_id: userId, hash })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash, changed_at: new Date() }))
      .execute();
    await recordAdminAction(tx, actor, { action: 'user.password', target: userId });
  });
  await deleteUserSessions(db, userId);
}

/** Grants or withdraws the platform-administrator flag. */
export async function setPlatformAdmin(
  db: Db,
  userId: string,
  platformAdmin: boolean,
  actor: Actor,
): Promise<LoginUser> {
  const user = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(7007001)`.execute(tx);
    if (!platformAdmin) {
      const others = await tx
        .selectFrom('platform.users')
        .select('id')
        .where('platform_admin', '=', true)
        .where('active', '=', true)
        .where('id', '!=', userId)
        .executeTakeFirst();
      if (!others) {
        throw new ConflictError(
          'LAST_PLATFORM_ADMIN',
          'the last platform administrator cannot step down; make someone else one first / 这是最后一位平台管理员，请先指定其他管理员',
        );
      }
    }
    const row = await tx
      .updateTable('platform.users')
      .set({ platform_admin: platformAdmin })
      .where('id', '=', userId)
      .returning(['id', 'email', 'display_name', 'manager_id', 'platform_admin'])
      .executeTakeFirst();
    if (!row) throw new NotFoundError('user', userId);
    await recordAdminAction(tx, actor, {
      action: 'user.platform_admin',
      target: userId,
      details: { platformAdmin },
    });
    return toLoginUser(row);
  });
  forgetPeople();
  return user;
}

export interface FirstAdmin {
  readonly email: string;
  /** Set only when Baton generated the password: the caller prints it once. */
  readonly generatedPassword?: string;
}

/**
 * On a database without any platform administrator, creates one: `email` / `password` when given
 * (BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD), else `admin@baton.local` with a generated password
 * that is answered once and never stored in clear. Concurrent starts create one admin (advisory lock).
 * Answers undefined when an administrator already exists.
 */
export async function ensureFirstAdmin(
  db: Db,
  given: { readonly email?: string; readonly password?: string },
): Promise<FirstAdmin | undefined> {
  const email = normalizeEmail(given.email ?? 'admin@baton.local');
  const password = given.password ?? newPassword();
  const hash = await hashPassword(password);
  const created = await db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(7007001)`.execute(tx);
    const existing = await tx
      .selectFrom('platform.users')
      .select('id')
      .where('platform_admin', '=', true)
      .executeTakeFirst();
    if (existing) return false;
    const user = await tx
      .insertInto('platform.users')
      .values({ email, display_name: 'Administrator / 管理员', platform_admin: true })
      .onConflict((oc) => oc.column('email').doUpdateSet({ platform_admin: true }))
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('platform.user_passwords')
      .values({ user_id: user.id, hash })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ hash }))
      .execute();
    await recordAdminAction(tx, systemActor('start'), {
      action: 'admin.seed',
      target: user.id,
      details: { email, generated: given.password === undefined },
    });
    return true;
  });
  if (!created) return undefined;
  return given.password === undefined ? { email, generatedPassword: password } : { email };
}

function toLoginUser(row: {
  id: string;
  email: string;
  display_name: string;
  manager_id: string | null;
  platform_admin: boolean;
}): LoginUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    managerId: row.manager_id,
    platformAdmin: row.platform_admin,
  };
}
