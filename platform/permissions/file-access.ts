// Who may read an uploaded file: its uploader, or whoever may read a record (and field) holding it.
import type { Context } from 'hono';
import { sql } from 'kysely';
import { quoteIdentifier as q } from '../../runtime/identifiers';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { tableRef } from '../definitions/column-sql';
import type { FileAccessCheck } from '../files/file-service';
import { getSpaceOrThrow } from '../spaces/space-repository';
import { requestAccess } from './request-access';
import { scopeCondition, type ScopeTable } from './scope-sql';

/**
 * The file-read check of the files API. Administrators and Baton read everything; a user reads a
 * file they uploaded, or one attached to a record in their read scope through a field they may
 * read at that record's stage. Anything else is refused (403), so attachments of another rep's
 * lead stay closed even to someone who learnt the file id.
 * @example fileRoutes({ …, canRead: fileReadCheck(db) })
 */
export function fileReadCheck(db: Db): FileAccessCheck<Context> {
  return async (file, c) => {
    const space = await getSpaceOrThrow(db, c.req.param('space') ?? '');
    const published = await getPublished(db, space.id);
    const access = await requestAccess(c, db, space.id, published.version, published.definition);
    if (access.bypass) return true;
    if (access.userId !== null && file.createdBy === access.userId) return true;
    for (const table of published.definition.tables) {
      const tableAccess = access.table(table.key);
      const target: ScopeTable = {
        space,
        version: published.version,
        table,
        fields: new Map(table.fields.map((f) => [f.key, f])),
      };
      const scope = scopeCondition(target, tableAccess, 'read');
      for (const field of table.fields) {
        if (field.type !== 'attachments') continue;
        const rows = await sql<{ stage: string | null }>`
          select stage from ${sql.raw(tableRef(space.schemaName, table.key))}
           where ${file.id}::uuid = any(${sql.raw(q(field.key))})${scope ? sql` and ${scope}` : sql``}
           limit 20`.execute(db);
        if (rows.rows.some((r) => tableAccess.readableAt(r.stage).has(field.key))) return true;
      }
    }
    return false;
  };
}
