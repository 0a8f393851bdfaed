// Finds a space's published intake source and the table context its leads are written with.
import { compileIntake, type CompiledIntakeSource } from '../../runtime/intake/compile-intake';
import type { Db } from '../db/database';
import { getPublished } from '../definitions/definition-store';
import { NotFoundError } from '../errors';
import { resolveTable, type TableContext } from '../records/table-context';
import { getSpaceOrThrow } from '../spaces/space-repository';

export interface ResolvedIntakeSource {
  readonly context: TableContext;
  readonly source: CompiledIntakeSource;
}

// Which table a source writes to, so a delivery costs one look-up (resolveTable's) when warm.
const tableOfSource = new Map<string, string>();
const maxCached = 1_000;

/**
 * The published source `sourceKey` of space `spaceKey` with its table's context, both from the
 * same published version; 404-mapped errors for an unknown space or source.
 * @example const { context, source } = await resolveIntakeSource(db, 'meddev', 'web_form')
 */
export async function resolveIntakeSource(
  db: Db,
  spaceKey: string,
  sourceKey: string,
): Promise<ResolvedIntakeSource> {
  const cacheKey = `${spaceKey}/${sourceKey}`;
  const cachedTable = tableOfSource.get(cacheKey);
  if (cachedTable !== undefined) {
    try {
      const found = await fromTable(db, spaceKey, sourceKey, cachedTable);
      if (found) return found;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    // A publish moved or removed the source: look again below.
    tableOfSource.delete(cacheKey);
  }
  const space = await getSpaceOrThrow(db, spaceKey);
  const { definition } = await getPublished(db, space.id);
  const table = definition.intake?.find((s) => s.key === sourceKey)?.table;
  if (table === undefined) throw new NotFoundError('intake source', sourceKey);
  const found = await fromTable(db, spaceKey, sourceKey, table);
  if (!found) throw new NotFoundError('intake source', sourceKey);
  if (tableOfSource.size >= maxCached) tableOfSource.clear();
  tableOfSource.set(cacheKey, table);
  return found;
}

async function fromTable(
  db: Db,
  spaceKey: string,
  sourceKey: string,
  table: string,
): Promise<ResolvedIntakeSource | null> {
  const context = await resolveTable(db, spaceKey, table);
  const compiled = compileIntake(context.definition);
  // Publish validated the sources; failing here means a corrupted version.
  if (!compiled.ok) throw new Error(`intake sources of space ${spaceKey} do not compile`);
  const source = compiled.value.source(sourceKey);
  return source && source.table.key === table ? { context, source } : null;
}
