// Exports a space's published definition (and, when asked, its members) as a template document.
import type { DemoUser, Template } from '../../runtime/templates/template-schema';
import { templateFromDefinition } from '../../runtime/templates/export-template';
import type { Db } from '../db/database';
import { getPublished, getVersionOrThrow } from '../definitions/definition-store';
import { getSpaceOrThrow } from '../spaces/space-repository';

export interface ExportRequest {
  /**
   * Template key; `space-` and the space key with `-` for `_` by default, so that an export never
   * passes for the pack the space was installed from (an upgrade with that pack would take the
   * export for its base).
   */
  readonly key?: string;
  /** Semantic version; `1.0.0` by default. */
  readonly version?: string;
  /** Include the space's members as the template's demo users. */
  readonly members?: boolean;
  /** A published version to export; the newest by default. */
  readonly definitionVersion?: number;
}

/**
 * The space's published definition as a template that installs it again unchanged: export, install
 * into a new space and export that space, and the definitions are equal.
 * @example const template = await exportSpaceTemplate(db, 'meddev', { members: true })
 */
export async function exportSpaceTemplate(
  db: Db,
  spaceKey: string,
  request: ExportRequest = {},
): Promise<Template> {
  const space = await getSpaceOrThrow(db, spaceKey);
  const published =
    request.definitionVersion === undefined
      ? await getPublished(db, space.id)
      : await getVersionOrThrow(db, space.id, request.definitionVersion);
  return templateFromDefinition(published.definition, {
    key: request.key ?? `space-${space.key.replaceAll('_', '-')}`.slice(0, 63),
    version: request.version ?? '1.0.0',
    label: space.name,
    demoUsers: request.members ? await membersAsDemoUsers(db, space.id) : undefined,
  });
}

/**
 * The space's members as demo users, by e-mail address; a manager is named only when they are a
 * member too. Keys come from the e-mail address, so the same people give the same keys.
 */
async function membersAsDemoUsers(db: Db, spaceId: string): Promise<DemoUser[]> {
  const rows = await db
    .selectFrom('platform.space_members as m')
    .innerJoin('platform.users as u', 'u.id', 'm.user_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.province',
      'u.city',
      'u.product_lines',
      'u.manager_id',
      'm.roles',
    ])
    .where('m.space_id', '=', spaceId)
    .where('u.active', '=', true)
    .orderBy('u.email')
    .execute();
  const keys = new Map<string, string>();
  const taken = new Set<string>();
  for (const row of rows) {
    const stem = `u_${row.email
      .split('@')[0]!
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')}`.slice(0, 56);
    let key = stem;
    for (let n = 2; taken.has(key); n++) key = `${stem}_${n}`;
    taken.add(key);
    keys.set(row.id, key);
  }
  return rows.map((row) => ({
    key: keys.get(row.id)!,
    email: row.email,
    displayName: row.display_name,
    ...(row.province !== null && { province: row.province }),
    ...(row.city !== null && { city: row.city }),
    productLines: [...row.product_lines],
    ...(row.manager_id !== null && keys.has(row.manager_id)
      ? { managerKey: keys.get(row.manager_id)! }
      : {}),
    roles: [...row.roles].sort(),
  }));
}
