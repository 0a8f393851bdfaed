// Checks of actions beyond one record's read and write: imports, behaviour events, administration.
import type { Db } from '../db/database';
import type { TableContext } from '../records/table-context';
import { FieldNotReadableError, ForbiddenError } from './permission-errors';
import { assertRecordAction, assertWritable } from './record-guard';
import type { SpaceAccess } from './space-access';
import type { TableAccess } from './table-access';

/** What an import asks for, as far as permissions go. */
export interface ImportRequestShape {
  readonly mapping?: {
    readonly columns: Readonly<Record<string, string | { readonly field: string }>>;
    readonly relations?: Readonly<Record<string, { readonly by: string }>>;
  };
  readonly dedupe?: { readonly keys: readonly string[]; readonly onMatch: string };
}

/**
 * Refuses an import the actor may not run: the import right, writable mapped fields, readable
 * dedupe keys and relation lookups (they would reveal other records), and updating matches only
 * with an update scope over every row.
 */
export function assertCanImport(
  context: TableContext,
  access: SpaceAccess,
  request: ImportRequestShape,
): void {
  const table = access.table(context.table.key);
  if (table.bypass) return;
  if (!table.import) throw new ForbiddenError('import', `records of table "${context.table.key}"`);
  const targets = Object.values(request.mapping?.columns ?? {}).map((t) =>
    typeof t === 'string' ? t : t.field,
  );
  assertWritable(table, [...new Set(targets)], null);
  for (const key of request.dedupe?.keys ?? []) {
    if (!table.alwaysReadable.has(key)) throw new FieldNotReadableError(key, 'map');
  }
  if (
    request.dedupe?.onMatch === 'update' &&
    !table.scopes('update').some((g) => g.scope === 'all')
  ) {
    throw new ForbiddenError('update', `matched records of table "${context.table.key}" by import`);
  }
  for (const [key, { by }] of Object.entries(request.mapping?.relations ?? {})) {
    const field = context.fields.get(key);
    if (field?.type !== 'relation') continue;
    if (!access.table(field.table).alwaysReadable.has(by))
      throw new FieldNotReadableError(by, 'map');
  }
}

/** Refuses an import job page to someone without the import right. */
export function assertImportRight(access: TableAccess): void {
  if (!access.bypass && !access.import) {
    throw new ForbiddenError('import', `records of table "${access.key}"`);
  }
}

/**
 * Refuses behaviour events on records the caller may not update: an event rescores its record and
 * may fire its threshold actions, so it is a write made on the record. Administrators and
 * integrations acting as Baton pass; unknown tables and records are left to the event service.
 */
export async function assertEventTargets(
  db: Db,
  access: SpaceAccess,
  spaceKey: string,
  events: readonly { readonly table: string; readonly recordId: string }[],
  resolve: (spaceKey: string, table: string) => Promise<TableContext>,
): Promise<void> {
  if (access.bypass) return;
  const targets = new Map<string, { table: string; id: string }>();
  for (const e of events)
    targets.set(`${e.table}/${e.recordId}`, { table: e.table, id: e.recordId });
  for (const { table, id } of targets.values()) {
    const context = await resolve(spaceKey, table).catch(() => undefined);
    if (!context) continue;
    await assertRecordAction(db, context, access.table(table), 'update', id);
  }
}
