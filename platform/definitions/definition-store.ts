// Reads and writes a space's definition draft and its immutable published versions.
import { emptyDefinition, type AppDefinition } from '../../runtime/definition/definition-schema';
import type { Db } from '../db/database';
import { NotFoundError } from '../errors';

export interface PublishedDefinition {
  readonly version: number;
  readonly definition: AppDefinition;
  readonly publishedAt: string | null;
}

export interface DraftDefinition {
  /** What the admin saved; may be invalid while work is in progress. */
  readonly definition: unknown;
  readonly basedOnVersion: number;
  readonly updatedAt: string | null;
}

type Reader = Pick<Db, 'selectFrom'>;

/** The newest published version; version 0 with an empty definition before the first publish. */
export async function getPublished(db: Reader, spaceId: string): Promise<PublishedDefinition> {
  const row = await db
    .selectFrom('platform.definition_versions')
    .select(['version', 'definition', 'published_at'])
    .where('space_id', '=', spaceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return { version: 0, definition: emptyDefinition(), publishedAt: null };
  return {
    version: row.version,
    definition: row.definition,
    publishedAt: row.published_at.toISOString(),
  };
}

/** One published version, or a 404-mapped error. */
export async function getVersionOrThrow(
  db: Reader,
  spaceId: string,
  version: number,
): Promise<PublishedDefinition & { plan: unknown }> {
  const row = await db
    .selectFrom('platform.definition_versions')
    .select(['version', 'definition', 'published_at', 'plan'])
    .where('space_id', '=', spaceId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('definition version', String(version));
  return {
    version: row.version,
    definition: row.definition,
    publishedAt: row.published_at.toISOString(),
    plan: row.plan,
  };
}

export async function listVersions(db: Reader, spaceId: string) {
  const rows = await db
    .selectFrom('platform.definition_versions')
    .select(['version', 'published_at', 'published_by', 'plan'])
    .where('space_id', '=', spaceId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    publishedAt: r.published_at.toISOString(),
    publishedBy: r.published_by,
    steps: Array.isArray(r.plan) ? r.plan.length : 0,
  }));
}

/** The saved draft, or the published definition when nobody has edited since. */
export async function getDraft(db: Reader, spaceId: string): Promise<DraftDefinition> {
  const row = await db
    .selectFrom('platform.definition_drafts')
    .select(['definition', 'based_on_version', 'updated_at'])
    .where('space_id', '=', spaceId)
    .executeTakeFirst();
  if (row) {
    return {
      definition: row.definition,
      basedOnVersion: row.based_on_version,
      updatedAt: row.updated_at.toISOString(),
    };
  }
  const published = await getPublished(db, spaceId);
  return { definition: published.definition, basedOnVersion: published.version, updatedAt: null };
}

/** Replaces the draft. */
export async function saveDraft(
  db: Pick<Db, 'insertInto'>,
  spaceId: string,
  definition: unknown,
  basedOnVersion: number,
  actor: string | null,
): Promise<void> {
  await db
    .insertInto('platform.definition_drafts')
    .values({ space_id: spaceId, definition, based_on_version: basedOnVersion, updated_by: actor })
    .onConflict((oc) =>
      oc.column('space_id').doUpdateSet({
        definition,
        based_on_version: basedOnVersion,
        updated_by: actor,
        updated_at: new Date(),
      }),
    )
    .execute();
}
