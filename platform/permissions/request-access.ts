// The caller's permission set for a request: resolved once per space and version, then reused.
import type { Context } from 'hono';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { BatonError } from '../errors';
import { getSpaceOrThrow } from '../spaces/space-repository';
import { ForbiddenError } from './permission-errors';
import type { Actor } from '../people/actor';
import { requestActor } from '../http/request-actor';
import type { TableContext } from '../records/table-context';
import { resolveSpaceAccess, type SpaceAccess } from './space-access';
import type { TableAccess } from './table-access';

declare module 'hono' {
  interface ContextVariableMap {
    spaceAccess: Map<string, SpaceAccess>;
  }
}

/** Where an administrator names the role to look through: `?viewAs=rep` or this header. */
export const viewAsHeader = 'X-Baton-View-As';

/**
 * The permission set of the request's actor in a space, cached on the request. `?viewAs=<role>`
 * (administrators only, reads only) answers as that role would be answered.
 * @example const access = await requestAccess(c, db, context.space.id, context.version, context.definition)
 */
export async function requestAccess(
  c: Context,
  db: Db,
  spaceId: string,
  version: number,
  definition: AppDefinition,
): Promise<SpaceAccess> {
  let cache = c.get('spaceAccess');
  if (!cache) {
    cache = new Map();
    c.set('spaceAccess', cache);
  }
  const key = `${spaceId}:${version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const viewAs = c.req.query('viewAs') ?? c.req.header(viewAsHeader) ?? null;
  if (viewAs && c.req.method !== 'GET') {
    throw new BatonError(
      'VIEW_AS_READ_ONLY',
      400,
      'viewAs only applies to reads / 「以角色视角查看」仅适用于读取',
    );
  }
  const access = await resolveSpaceAccess(db, requestActor(c), spaceId, definition, { viewAs });
  cache.set(key, access);
  return access;
}

/** The request actor's rights on a resolved table. */
export async function requestTableAccess(
  c: Context,
  db: Db,
  context: TableContext,
): Promise<TableAccess> {
  const access = await requestAccess(c, db, context.space.id, context.version, context.definition);
  return access.table(context.table.key);
}

/** The user id audit rows and flow actions name: the signed-in user, else nobody. */
export function actingUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

/**
 * The request actor's permission set in the space `spaceKey` under its published definition, for
 * routes that work on a space rather than one table (dashboards, dry runs, intake settings).
 * @example const access = await requestSpaceAccess(c, db, 'meddev')
 */
export async function requestSpaceAccess(
  c: Context,
  db: Db,
  spaceKey: string,
): Promise<SpaceAccess> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const published = await getPublished(db, space.id);
  return requestAccess(c, db, space.id, published.version, published.definition);
}

/** Refuses callers who may not edit the space's definition (or are only viewing as a role). */
export async function assertDefinitionEditor(c: Context, db: Db, spaceKey: string): Promise<void> {
  const access = await requestSpaceAccess(c, db, spaceKey);
  if (!access.editDefinition || access.viewAs !== null) {
    throw new ForbiddenError('edit the definition of', `space "${spaceKey}"`);
  }
}
