// People: create, read, list and update users, including the reporting line and availability.
import type { Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { UsersTable } from '../db/schema';
import { NotFoundError } from '../errors';
import { authorizePeople, type Actor } from './actor';
import { UserExistsError } from './people-errors';
import { assertNoManagerCycle, lockReportingLine } from './reporting-line';
import { forgetPeople } from '../auth/people-cache';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly managerId: string | null;
  readonly province: string | null;
  readonly city: string | null;
  readonly productLines: readonly string[];
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly away: boolean;
  readonly onShift: boolean;
  readonly active: boolean;
  readonly createdAt: string;
}

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  readonly managerId?: string | null;
  readonly province?: string | null;
  readonly city?: string | null;
  readonly productLines?: readonly string[];
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly away?: boolean;
  readonly onShift?: boolean;
}

/** Fields to change; absent ones stay. `attributes` merges: a `null` value removes that key. */
export interface UserPatch {
  readonly displayName?: string;
  readonly managerId?: string | null;
  readonly province?: string | null;
  readonly city?: string | null;
  readonly productLines?: readonly string[];
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly away?: boolean;
  readonly onShift?: boolean;
  readonly active?: boolean;
}

export interface UserListQuery {
  /** Part of the e-mail address or display name, case-insensitive. */
  readonly q?: string;
  readonly managerId?: string;
  readonly province?: string;
  readonly limit?: number;
  /** The last e-mail address of the previous page. */
  readonly after?: string;
}

type UserRow = Selectable<UsersTable>;

/** E-mail addresses are compared and stored lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Creates a user; a manager, when given, must exist.
 * @example await createUser(db, { email: 'li.lei@example.cn', displayName: '李雷', province: '浙江' }, actor)
 */
export async function createUser(db: Db, input: NewUser, actor: Actor): Promise<User> {
  await authorizePeople(db, actor, 'users.write');
  const email = normalizeEmail(input.email);
  return db.transaction().execute(async (tx) => {
    if (input.managerId) await getUserOrThrow(tx, input.managerId);
    const row = await tx
      .insertInto('platform.users')
      .values({
        email,
        display_name: input.displayName,
        manager_id: input.managerId ?? null,
        province: input.province ?? null,
        city: input.city ?? null,
        product_lines: [...(input.productLines ?? [])],
        attributes: withoutNulls(input.attributes ?? {}),
        away: input.away ?? false,
        on_shift: input.onShift ?? true,
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new UserExistsError(email);
    return toUser(row);
  });
}

/**
 * Changes a user. A new manager must exist and must not report to the user (a cycle is refused
 * with the whole loop named); reporting-line changes are serialized so two concurrent ones cannot
 * close a loop together.
 * @example await updateUser(db, id, { away: true }, actor)
 */
export async function updateUser(
  db: Db,
  id: string,
  patch: UserPatch,
  actor: Actor,
): Promise<User> {
  await authorizePeople(db, actor, 'users.write');
  const user = await db.transaction().execute(async (tx) => {
    if (patch.managerId) await lockReportingLine(tx);
    const current = await tx
      .selectFrom('platform.users')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new NotFoundError('user', id);
    if (patch.managerId) {
      await getUserOrThrow(tx, patch.managerId);
      await assertNoManagerCycle(tx, current.id, patch.managerId);
    }
    const attributes =
      patch.attributes === undefined
        ? undefined
        : withoutNulls({ ...current.attributes, ...patch.attributes });
    const row = await tx
      .updateTable('platform.users')
      .set({
        ...(patch.displayName !== undefined && { display_name: patch.displayName }),
        ...(patch.managerId !== undefined && { manager_id: patch.managerId }),
        ...(patch.province !== undefined && { province: patch.province }),
        ...(patch.city !== undefined && { city: patch.city }),
        ...(patch.productLines !== undefined && { product_lines: [...patch.productLines] }),
        ...(attributes !== undefined && { attributes }),
        ...(patch.away !== undefined && { away: patch.away }),
        ...(patch.onShift !== undefined && { on_shift: patch.onShift }),
        ...(patch.active !== undefined && { active: patch.active }),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  });
  forgetPeople();
  return user;
}

/** Sets or clears a user's manager (see `updateUser` for the cycle check). */
export function setManager(
  db: Db,
  id: string,
  managerId: string | null,
  actor: Actor,
): Promise<User> {
  return updateUser(db, id, { managerId }, actor);
}

/** Marks a user away (on leave: assignment skips them) or back. */
export function setAway(db: Db, id: string, away: boolean, actor: Actor): Promise<User> {
  return updateUser(db, id, { away }, actor);
}

/** Marks a user on or off shift. */
export function setOnShift(db: Db, id: string, onShift: boolean, actor: Actor): Promise<User> {
  return updateUser(db, id, { onShift }, actor);
}

/** The user with this id or e-mail address, or undefined. */
export async function findUser(db: Db, idOrEmail: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('platform.users')
    .selectAll()
    .$call((q) =>
      uuidPattern.test(idOrEmail)
        ? q.where('id', '=', idOrEmail)
        : q.where('email', '=', normalizeEmail(idOrEmail)),
    )
    .executeTakeFirst();
  return row && toUser(row);
}

/** The user with this id or e-mail address, or a 404-mapped error. */
export async function getUserOrThrow(db: Db, idOrEmail: string): Promise<User> {
  const user = await findUser(db, idOrEmail);
  if (!user) throw new NotFoundError('user', idOrEmail);
  return user;
}

/** Users ordered by e-mail address, one page at a time. */
export async function listUsers(db: Db, query: UserListQuery, actor: Actor): Promise<User[]> {
  await authorizePeople(db, actor, 'users.read');
  const rows = await db
    .selectFrom('platform.users')
    .selectAll()
    .$if(query.q !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('email', 'ilike', `%${escapeLike(query.q ?? '')}%`),
          eb('display_name', 'ilike', `%${escapeLike(query.q ?? '')}%`),
        ]),
      ),
    )
    .$if(query.managerId !== undefined, (q) => q.where('manager_id', '=', query.managerId ?? ''))
    .$if(query.province !== undefined, (q) => q.where('province', '=', query.province ?? ''))
    .$if(query.after !== undefined, (q) => q.where('email', '>', query.after ?? ''))
    .orderBy('email')
    .limit(query.limit ?? 100)
    .execute();
  return rows.map(toUser);
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    managerId: row.manager_id,
    province: row.province,
    city: row.city,
    productLines: row.product_lines,
    attributes: row.attributes,
    away: row.away,
    onShift: row.on_shift,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function withoutNulls(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
