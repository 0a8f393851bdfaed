// The columns a metric may read: a table's fields plus the system columns every record carries.
import type { TableDefinition } from '../definition/definition-schema';
import type { FieldDefinition } from '../definition/field-schema';
import { storageOf } from '../definition/field-storage';
import { quoteIdentifier } from '../identifiers';
import type { SqlExpression, SqlKind, SqlVariableResolver } from './cel-to-sql';

const systemLabel = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** System columns as fields, so CEL filters and group-bys can name them (`record.stage`). */
export const systemFields: readonly FieldDefinition[] = [
  { key: 'id', type: 'text', label: systemLabel('编号', 'Id') },
  { key: 'owner', type: 'user', label: systemLabel('负责人', 'Owner') },
  { key: 'stage', type: 'text', label: systemLabel('阶段', 'Stage') },
  { key: 'created_at', type: 'datetime', label: systemLabel('创建时间', 'Created') },
  { key: 'updated_at', type: 'datetime', label: systemLabel('更新时间', 'Updated') },
  { key: 'created_by', type: 'user', label: systemLabel('创建人', 'Created by') },
  { key: 'updated_by', type: 'user', label: systemLabel('更新人', 'Updated by') },
] as FieldDefinition[];

/** The fields of a table a metric can read, system columns first (a field may not shadow them). */
export function metricFields(table: TableDefinition): FieldDefinition[] {
  const own = table.fields.filter((f) => !systemFields.some((s) => s.key === f.key));
  return [...systemFields, ...own];
}

/** The SQL kind of a field's column, for choosing operators. */
export function sqlKindOf(field: FieldDefinition): SqlKind {
  const storage = storageOf(field);
  if (storage === 'text[]' || storage === 'uuid[]') return 'array';
  if (storage === 'boolean') return 'bool';
  if (storage === 'double' || storage === 'bigint' || storage === 'numeric') return 'number';
  if (storage === 'timestamptz') return 'time';
  return 'text';
}

/** Whether a field can be summed, averaged or ranked. */
export function isNumeric(field: FieldDefinition): boolean {
  return sqlKindOf(field) === 'number';
}

/** Whether a field holds instants or days (time windows and buckets). */
export function isTemporal(field: FieldDefinition): boolean {
  return sqlKindOf(field) === 'time' || storageOf(field) === 'date';
}

/**
 * Resolves `record.<field>` to the quoted column of `alias` and `labels.<key>` through `label`.
 * @example recordResolver(table, 'r')('record', 'province') // { parts: ['r."province"'], kind: 'text' }
 */
export function recordResolver(
  table: TableDefinition,
  alias: string,
  label: (key: string) => SqlExpression | undefined = () => undefined,
): SqlVariableResolver {
  const fields = new Map(metricFields(table).map((f) => [f.key, f]));
  return (root, name) => {
    if (root === 'labels') return label(name);
    if (root !== 'record') return undefined;
    const field = fields.get(name);
    if (!field) return undefined;
    const column = `${alias}.${quoteIdentifier(name)}`;
    // uuid columns compare with text literals
    const storage = storageOf(field);
    if (storage === 'uuid') return { parts: [`${column}::text`], kind: 'text' };
    if (storage === 'date') return { parts: [`${column}::text`], kind: 'text' };
    return { parts: [column], kind: sqlKindOf(field) };
  };
}
