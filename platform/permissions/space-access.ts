// Resolves who an actor is in a space — roles, team, regions — into the permission set every path checks.
import { sql } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { RoleDefinition, RowScope } from '../../runtime/permissions/role-schema';
import { cachedPeople } from '../auth/people-cache';
import type { Db } from '../db/database';
import type { Actor } from '../people/actor';
import { anonymousAllowed } from './anonymous-access';
import { ForbiddenError, UnauthenticatedError } from './permission-errors';
import { tableAccessOf, type TableAccess } from './table-access';

/** What the acting user is, as row scopes and CEL predicates read it (`user.id`, `user.regions`…). */
export interface UserFacts {
  readonly id: string;
  readonly email: string;
  readonly province: string | null;
  readonly city: string | null;
  readonly product_lines: readonly string[];
  /** Provinces the user covers: `attributes.regions` when set, else the user's own province. */
  readonly regions: readonly string[];
  readonly roles: readonly string[];
  /** The user and everyone reporting to them, directly or not. */
  readonly team: readonly string[];
  readonly [attribute: string]: unknown;
}

/** The effective permissions of one actor in one space. */
export interface SpaceAccess {
  /** Administrators, Baton itself (and, for now, anonymous callers): every check passes. */
  readonly bypass: boolean;
  /** The user behind the request, null for system and anonymous callers. */
  readonly userId: string | null;
  readonly user: UserFacts | null;
  readonly roles: readonly string[];
  /** Set when an administrator is looking through a role's eyes (`?viewAs=`). */
  readonly viewAs: string | null;
  readonly editDefinition: boolean;
  /** The rights on one table, merged over the actor's roles. */
  table(key: string): TableAccess;
}

export interface ResolveOptions {
  /** Look as this role would (administrators only). */
  readonly viewAs?: string | null;
}

function everything(definition: AppDefinition): SpaceAccess {
  return {
    bypass: true,
    userId: null,
    user: null,
    roles: [],
    viewAs: null,
    editDefinition: true,
    table: (key) =>
      tableAccessOf(
        definition.tables.find((t) => t.key === key),
        key,
        [],
        null,
        true,
      ),
  };
}

/**
 * The permission set of `actor` in a space under its published definition. A user's roles come
 * from the space membership; a role flagged `admin`, the role key `admin` or the platform-admin
 * flag bypass every check.
 * @example const access = await resolveSpaceAccess(db, { kind: 'user', userId }, space.id, definition)
 */
export async function resolveSpaceAccess(
  db: Db,
  actor: Actor,
  spaceId: string,
  definition: AppDefinition,
  options: ResolveOptions = {},
): Promise<SpaceAccess> {
  if (actor.kind === 'system') return viewAsOrSelf(everything(definition), definition, options);
  if (actor.kind === 'anonymous') {
    if (!anonymousAllowed()) throw new UnauthenticatedError();
    return viewAsOrSelf(everything(definition), definition, options);
  }
  const userId = actor.userId;
  const row = await cachedPeople(`member:${userId}:${spaceId}`, () =>
    loadMember(db, userId, spaceId),
  );
  if (!row) throw new UnauthenticatedError();
  const roleKeys = row.roles ?? [];
  const roles = rolesOf(definition, roleKeys);
  const admin =
    row.platformAdmin || roleKeys.includes('admin') || roles.some((r) => r.admin === true);
  const needsTeam = roles.some((r) => usesScope(r, 'team'));
  const team = needsTeam
    ? ((await cachedPeople(`team:${userId}`, () => teamOf(db, userId))) ?? [userId])
    : [userId];
  const user = factsOf(row, roleKeys, team);
  if (admin) {
    return viewAsOrSelf(
      { ...everything(definition), userId: actor.userId, user, roles: roleKeys },
      definition,
      options,
    );
  }
  if (options.viewAs) throw new ForbiddenError('view as a role in', 'this space');
  return build(definition, actor.userId, user, roleKeys, roles, null);
}

function build(
  definition: AppDefinition,
  userId: string | null,
  user: UserFacts | null,
  roleKeys: readonly string[],
  roles: readonly RoleDefinition[],
  viewAs: string | null,
): SpaceAccess {
  const tables = new Map<string, TableAccess>();
  return {
    bypass: false,
    userId,
    user,
    roles: roleKeys,
    viewAs,
    editDefinition: roles.some((r) => r.editDefinition === true),
    table(key) {
      let access = tables.get(key);
      if (!access) {
        access = tableAccessOf(
          definition.tables.find((t) => t.key === key),
          key,
          roles,
          user,
          false,
        );
        tables.set(key, access);
      }
      return access;
    },
  };
}

/**
 * An administrator asking to view as `role`: the same user, judged by that role alone. Row scopes
 * such as `own` then read the administrator's own records, exactly as they would for a member.
 */
function viewAsOrSelf(
  access: SpaceAccess,
  definition: AppDefinition,
  options: ResolveOptions,
): SpaceAccess {
  const role = options.viewAs;
  if (!role) return access;
  const roles = rolesOf(definition, [role]);
  if (roles.length === 0 && role !== 'admin') {
    throw new ForbiddenError('view as a role in', `this space: no role "${role}"`, { role });
  }
  if (role === 'admin' || roles.some((r) => r.admin === true)) return { ...access, viewAs: role };
  const user: UserFacts = access.user
    ? { ...access.user, roles: [role] }
    : {
        id: '00000000-0000-0000-0000-000000000000',
        email: '',
        province: null,
        city: null,
        product_lines: [],
        regions: [],
        roles: [role],
        team: [],
      };
  return build(definition, access.userId, user, [role], roles, role);
}

function rolesOf(definition: AppDefinition, keys: readonly string[]): RoleDefinition[] {
  return (definition.roles ?? []).filter((r) => keys.includes(r.key));
}

/** Whether a role's row scopes need the user's team: the `team` scope or a CEL one naming `user.team`. */
function usesScope(role: RoleDefinition, scope: 'team'): boolean {
  const needs = (s: RowScope | undefined) =>
    s === scope || (typeof s === 'object' && /\buser\s*\.\s*team\b/.test(s.cel));
  return Object.values(role.tables).some(
    (t) => needs(t.read) || needs(t.update) || needs(t.delete),
  );
}

interface MemberRow {
  readonly user: Record<string, unknown>;
  readonly roles: string[] | null;
  readonly platformAdmin: boolean;
}

async function loadMember(db: Db, userId: string, spaceId: string): Promise<MemberRow | undefined> {
  const result = await sql<{ user: Record<string, unknown>; roles: string[] | null }>`
    select to_jsonb(u) as user, m.roles
      from platform.users u
      left join platform.space_members m on m.user_id = u.id and m.space_id = ${spaceId}::uuid
     where u.id = ${userId}::uuid and u.active`.execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  const flag = row.user.platform_admin ?? row.user.is_platform_admin ?? row.user.is_admin;
  return { user: row.user, roles: row.roles, platformAdmin: flag === true };
}

/** The user and everyone below them on the reporting line; `union` stops at loops. */
async function teamOf(db: Db, userId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    with recursive team (id) as (
      select ${userId}::uuid
      union
      select u.id from platform.users u join team t on u.manager_id = t.id
    )
    select id from team`.execute(db);
  return result.rows.map((r) => r.id);
}

function factsOf(row: MemberRow, roles: readonly string[], team: readonly string[]): UserFacts {
  const u = row.user;
  const attributes = (u.attributes ?? {}) as Record<string, unknown>;
  const province = typeof u.province === 'string' ? u.province : null;
  const listed = attributes.regions;
  const regions = Array.isArray(listed)
    ? listed.filter((r): r is string => typeof r === 'string')
    : province
      ? [province]
      : [];
  return {
    ...attributes,
    id: String(u.id),
    email: String(u.email),
    province,
    city: typeof u.city === 'string' ? u.city : null,
    product_lines: Array.isArray(u.product_lines) ? (u.product_lines as string[]) : [],
    regions,
    roles,
    team,
  };
}
