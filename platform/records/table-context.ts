// Resolves a space's published table for a request, with its validators compiled once per version.
import { sql } from 'kysely';
import type { AppDefinition, TableDefinition } from '../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import type { Database, Db } from '../db/database';
import { getVersionOrThrow } from '../definitions/definition-store';
import { NotFoundError } from '../errors';
import type { Space } from '../spaces/space-repository';
import { tableRef } from '../definitions/column-sql';
import { compileRecordValidators, type RecordValidators } from './record-validator';

export interface TableContext {
  readonly space: Space;
  readonly version: number;
  readonly definition: AppDefinition;
  readonly table: TableDefinition;
  readonly fields: ReadonlyMap<string, FieldDefinition>;
  readonly validators: RecordValidators;
  /** `"space_x"."table"`, quoted. */
  readonly ref: string;
}

const cache = new Map<string, TableContext>();
const maxCached = 500;

/** A space's row and latest published version, as one lookup answers them. */
interface SpaceVersion {
  readonly row: SpaceRow;
  readonly version: number;
}
type SpaceRow = NonNullable<Awaited<ReturnType<typeof fetchSpaceVersion>>>;

/**
 * Per database handle: the cached latest version of each space, kept only while a process listens
 * for changes (`watchSpaceVersions`). `generation` rises with every change, so a lookup that raced
 * a publish never stores what it read.
 */
interface VersionCache {
  readonly bySpaceKey: Map<string, SpaceVersion>;
  generation: number;
}
const versionCaches = new WeakMap<Db, VersionCache>();

/**
 * Caches each space's latest version in this process and drops an entry when PostgreSQL announces
 * a new version or a changed space (migration 0050's triggers). Returns the function that stops it.
 * On every (re)connect of the listener the cache starts empty, so a missed announcement can't leave
 * a stale entry.
 * @example const stop = await watchSpaceVersions(database)
 */
export async function watchSpaceVersions(database: Database): Promise<() => Promise<void>> {
  const cache: VersionCache = { bySpaceKey: new Map(), generation: 0 };
  const clear = () => {
    cache.generation += 1;
    cache.bySpaceKey.clear();
  };
  const listening = await database.sql.listen('baton_definitions', clear, () => {
    clear();
    versionCaches.set(database.db, cache);
  });
  return async () => {
    versionCaches.delete(database.db);
    await listening.unlisten();
  };
}

/** Drops this process's cached versions at once, e.g. right after a publish commits. */
export function forgetSpaceVersions(db: Db): void {
  const cache = versionCaches.get(db);
  if (!cache) return;
  cache.generation += 1;
  cache.bySpaceKey.clear();
}

async function fetchSpaceVersion(db: Db, spaceKey: string) {
  return db
    .selectFrom('platform.spaces as s')
    .selectAll('s')
    .select(
      sql<
        number | null
      >`(select max(version) from platform.definition_versions v where v.space_id = s.id)`.as(
        'latest',
      ),
    )
    .where('s.key', '=', spaceKey)
    .executeTakeFirst();
}

async function latestOf(db: Db, spaceKey: string): Promise<SpaceVersion | undefined> {
  const cache = versionCaches.get(db);
  const cached = cache?.bySpaceKey.get(spaceKey);
  if (cached) return cached;
  const generation = cache?.generation;
  const row = await fetchSpaceVersion(db, spaceKey);
  if (!row) return undefined;
  const found = { row, version: row.latest ?? 0 };
  if (cache && cache.generation === generation) cache.bySpaceKey.set(spaceKey, found);
  return found;
}

/**
 * The published table `tableKey` of space `spaceKey`: 404-mapped errors for an unknown space or
 * table. At most one query per call (space and latest version together; none while the version is
 * cached); compiled parts are cached per version.
 */
export async function resolveTable(
  db: Db,
  spaceKey: string,
  tableKey: string,
): Promise<TableContext> {
  const latest = await latestOf(db, spaceKey);
  if (!latest) throw new NotFoundError('space', spaceKey);
  const { row } = latest;
  const version = latest.version;
  const cacheKey = `${row.id}:${version}:${tableKey}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  if (version === 0) throw new NotFoundError('table', tableKey);
  const { definition } = await getVersionOrThrow(db, row.id, version);
  const table = definition.tables.find((t) => t.key === tableKey);
  if (!table) throw new NotFoundError('table', tableKey);
  const space: Space = {
    id: row.id,
    key: row.key,
    name: row.name,
    schemaName: row.schema_name,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    activatedAt: row.activated_at?.toISOString() ?? null,
  };
  const context: TableContext = {
    space,
    version,
    definition,
    table,
    fields: new Map(table.fields.map((f) => [f.key, f])),
    validators: compileRecordValidators(definition, table),
    ref: tableRef(space.schemaName, table.key),
  };
  if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
  cache.set(cacheKey, context);
  return context;
}
