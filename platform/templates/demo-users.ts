// A pack's demo people: upserted by e-mail address with their reporting line and space roles.
import { managersFirst } from '../../runtime/templates/parse-template';
import type { DemoUser } from '../../runtime/templates/template-schema';
import type { Db } from '../db/database';
import type { Actor } from '../people/actor';
import { UserExistsError } from '../people/people-errors';
import { setMemberRoles } from '../people/space-member-repository';
import {
  createUser,
  findUser,
  normalizeEmail,
  updateUser,
  type User,
  type UserPatch,
} from '../people/user-repository';
import type { Space } from '../spaces/space-repository';

export interface InstalledUser {
  /** The demo user's key in the template. */
  readonly key: string;
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  /** The user's roles in the space after the install. */
  readonly roles: readonly string[];
  /** True when this install created the user. */
  readonly created: boolean;
}

/**
 * Creates the demo users that do not exist yet and brings the others (matched by e-mail) back to
 * the template's name, region, product lines and manager; managers first, so every reporting line
 * points at a user that exists. Space roles are added to whatever roles the user already holds
 * there. Users whose data already matches are not written.
 * @example await upsertDemoUsers(db, space, template.demoUsers ?? [], actor)
 */
export async function upsertDemoUsers(
  db: Db,
  space: Space,
  demoUsers: readonly DemoUser[],
  actor: Actor,
): Promise<InstalledUser[]> {
  const ids = new Map<string, string>();
  const installed = new Map<string, InstalledUser>();
  for (const demo of managersFirst(demoUsers)) {
    const wanted = {
      displayName: demo.displayName,
      province: demo.province ?? null,
      city: demo.city ?? null,
      productLines: demo.productLines,
      managerId: demo.managerKey === undefined ? null : (ids.get(demo.managerKey) ?? null),
    };
    let user = await findUser(db, demo.email);
    let created = false;
    if (!user) {
      try {
        user = await createUser(db, { email: demo.email, ...wanted }, actor);
        created = true;
      } catch (error) {
        // Another install created the same person a moment ago.
        if (!(error instanceof UserExistsError)) throw error;
        user = await findUser(db, demo.email);
        if (!user) throw error;
      }
    }
    const patch = changesOf(user, wanted);
    if (patch) user = await updateUser(db, user.id, patch, actor);
    ids.set(demo.key, user.id);
    const roles = await addRoles(db, space, user, demo.roles, actor);
    installed.set(demo.key, {
      key: demo.key,
      id: user.id,
      email: normalizeEmail(user.email),
      displayName: user.displayName,
      roles,
      created,
    });
  }
  // Answer in the template's order.
  return demoUsers.map((u) => installed.get(u.key)!);
}

function changesOf(
  user: User,
  wanted: Required<
    Pick<UserPatch, 'displayName' | 'province' | 'city' | 'productLines' | 'managerId'>
  >,
): UserPatch | undefined {
  const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
  if (user.displayName !== wanted.displayName) patch.displayName = wanted.displayName;
  if (user.province !== wanted.province) patch.province = wanted.province;
  if (user.city !== wanted.city) patch.city = wanted.city;
  if (user.managerId !== wanted.managerId) patch.managerId = wanted.managerId;
  if (!sameList(user.productLines, wanted.productLines ?? []))
    patch.productLines = wanted.productLines;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

async function addRoles(
  db: Db,
  space: Space,
  user: User,
  roles: readonly string[],
  actor: Actor,
): Promise<readonly string[]> {
  const current = await db
    .selectFrom('platform.space_members')
    .select('roles')
    .where('space_id', '=', space.id)
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  const merged = [...new Set([...(current?.roles ?? []), ...roles])];
  if (current && merged.length === current.roles.length) return current.roles;
  return (await setMemberRoles(db, space.id, user.id, merged, actor)).roles;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
