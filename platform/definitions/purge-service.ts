// Purging retired data: the explicit, irreversible step after a field or table was removed.
import { sql } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import { sameJson } from '../../runtime/definition/diff-definitions';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import { BatonError } from '../errors';
import type { Space } from '../spaces/space-repository';
import { sequenceName, tableRef } from './column-sql';
import { getDraft, getPublished, saveDraft } from './definition-store';
import { forgetSpaceVersions } from '../records/table-context';
import { forgetOwnedCountStatements } from './owned-counts-sql';

export interface PurgeRequest {
  readonly table: string;
  /** A retired field of the table; absent: the retired table itself. */
  readonly field?: string;
}

/**
 * Drops the column (or table) of a retired field (or table) and publishes a version without it.
 * Only retired things can be purged: a live field must be removed and published first.
 * @example await purgeRetired(db, space, { table: 'lead', field: 'wechat' }) // { version: 5, sql: [...] }
 */
export async function purgeRetired(
  db: Db,
  space: Space,
  request: PurgeRequest,
): Promise<{ version: number; sql: string[] }> {
  const done = await db.transaction().execute(async (tx) => {
    await tx
      .selectFrom('platform.spaces')
      .select('id')
      .where('id', '=', space.id)
      .forUpdate()
      .execute();
    const published = await getPublished(tx, space.id);
    const definition: AppDefinition = structuredClone(published.definition);
    const statements: string[] = [];
    if (request.field === undefined) {
      const index = (definition.retiredTables ?? []).findIndex(
        (r) => r.table.key === request.table,
      );
      if (index < 0) throw notRetired(`table "${request.table}"`);
      definition.retiredTables!.splice(index, 1);
      if (definition.retiredTables!.length === 0) delete definition.retiredTables;
      statements.push(
        `drop table ${tableRef(space.schemaName, request.table)}`,
        ...forgetOwnedCountStatements(space.schemaName, request.table),
      );
    } else {
      const table = definition.tables.find((t) => t.key === request.table);
      const index = (table?.retiredFields ?? []).findIndex((r) => r.field.key === request.field);
      if (!table || index < 0) throw notRetired(`field "${request.table}.${request.field}"`);
      const [retired] = table.retiredFields!.splice(index, 1);
      if (table.retiredFields!.length === 0) delete table.retiredFields;
      statements.push(
        `alter table ${tableRef(space.schemaName, request.table)} drop column ${q(request.field)}`,
      );
      if (retired?.field.type === 'auto_number') {
        statements.push(
          `drop sequence if exists ${q(space.schemaName)}.${q(sequenceName(request.table, request.field))}`,
        );
      }
    }
    for (const statement of statements) await sql.raw(statement).execute(tx);
    const version = published.version + 1;
    await tx
      .insertInto('platform.definition_versions')
      .values({
        space_id: space.id,
        version,
        definition,
        plan: [
          { kind: 'purge', table: request.table, field: request.field ?? null, sql: statements },
        ],
        published_by: null,
      })
      .execute();
    const draft = await getDraft(tx, space.id);
    if (sameJson(draft.definition, published.definition))
      await saveDraft(tx, space.id, definition, version, null);
    return { version, sql: statements };
  });
  // This process reads the new version at once; others hear the NOTIFY of migration 0050.
  forgetSpaceVersions(db);
  return done;
}

function notRetired(what: string): BatonError {
  return new BatonError(
    'NOT_RETIRED',
    409,
    `${what} is not retired; remove it from the definition and publish first`,
  );
}
