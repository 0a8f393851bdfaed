// Resolves a space's published table for a request, with its validators compiled once per version.
import { sql } from 'kysely';
import type { AppDefinition, TableDefinition } from '../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import type { Db } from '../db/database';
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

/**
 * The published table `tableKey` of space `spaceKey`: 404-mapped errors for an unknown space or
 * table. One query per call (space and latest version together); compiled parts are cached.
 */
export async function resolveTable(
  db: Db,
  spaceKey: string,
  tableKey: string,
): Promise<TableContext> {
  const row = await db
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
  if (!row) throw new NotFoundError('space', spaceKey);
  const version = row.latest ?? 0;
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
