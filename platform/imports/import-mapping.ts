// Checks a column → field mapping against the table and the file, and suggests one from the header.
import type { TableDefinition } from '../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { storageOf } from '../../runtime/definition/field-storage';
import { optionsOf } from '../../runtime/definition/resolve-options';
import { isReadOnlyField } from '../../runtime/forms/record-json-schema';
import type { TableContext } from '../records/table-context';
import { converterFor, halfWidth, type CellConverter } from './cell-conversion';
import { ImportOptionsInvalidError, text } from './import-errors';
import type { ColumnTransform, DedupeOptions, ImportMapping } from './import-options';

export interface MappedColumn {
  /** Position of the column in each row. */
  readonly index: number;
  readonly column: string;
  readonly field: FieldDefinition;
  readonly transform?: ColumnTransform;
  readonly convert: CellConverter;
}

/** A relation field whose cells name the related record by `by` (a unique field, or `id`). */
export interface RelationLookup {
  readonly field: string;
  readonly target: TableDefinition;
  readonly by: FieldDefinition | 'id';
}

export interface CompiledMapping {
  readonly columns: readonly MappedColumn[];
  readonly relations: readonly RelationLookup[];
}

const listStorages = new Set(['text[]', 'uuid[]']);

/**
 * Checks every part of a mapping (and the dedupe keys) and compiles the converters; throws
 * `ImportOptionsInvalidError` naming each unknown column, unknown or read-only field, and bad key.
 * @example compileMapping(context, ['姓名', '手机'], { columns: { 姓名: 'name', 手机: 'phone' } })
 */
export function compileMapping(
  context: TableContext,
  columns: readonly string[],
  mapping: ImportMapping,
  dedupe?: DedupeOptions,
): CompiledMapping {
  const targets = targetFields(context);
  const problems: string[] = [];
  const mapped: MappedColumn[] = [];
  const seen = new Map<string, string>();
  for (const [column, target] of Object.entries(mapping.columns)) {
    const key = typeof target === 'string' ? target : target.field;
    const transform = typeof target === 'string' ? undefined : target.transform;
    const index = columns.indexOf(column);
    const field = targets.get(key);
    if (index < 0) problems.push(`column "${column}" is not in the file's header`);
    if (!field) {
      const readOnly = context.fields.get(key);
      problems.push(
        readOnly && isReadOnlyField(readOnly)
          ? `field "${key}" is computed by Baton and cannot be imported`
          : `field "${key}" does not exist in table "${context.table.key}"`,
      );
    } else if (seen.has(key)) {
      problems.push(`field "${key}" is mapped from both "${seen.get(key)}" and "${column}"`);
    } else if (transform === 'split_list' && !listStorages.has(storageOf(field))) {
      problems.push(`column "${column}": split_list applies to list fields only, not "${key}"`);
    }
    seen.set(key, column);
    if (index >= 0 && field) {
      const options =
        key === 'stage' ? stageOptions(context.table) : optionsOf(field, context.definition.lists);
      mapped.push({ index, column, field, transform, convert: converterFor(field, options) });
    }
  }

  const relations: RelationLookup[] = [];
  for (const [key, { by }] of Object.entries(mapping.relations ?? {})) {
    const field = context.fields.get(key);
    if (field?.type !== 'relation') {
      problems.push(`relations: "${key}" is not a relation field of "${context.table.key}"`);
      continue;
    }
    if (!seen.has(key)) problems.push(`relations: field "${key}" is not mapped from any column`);
    const target = context.definition.tables.find((t) => t.key === field.table)!;
    const byField = by === 'id' ? 'id' : target.fields.find((f) => f.key === by);
    if (!byField) problems.push(`relations: field "${by}" does not exist in table "${target.key}"`);
    else if (byField !== 'id' && !byField.unique) {
      problems.push(`relations: field "${by}" of "${target.key}" is not unique`);
    } else relations.push({ field: key, target, by: byField });
  }
  // Relation columns without a lookup carry record ids; they are checked the same way.
  for (const column of mapped) {
    const field = column.field;
    if (field.type === 'relation' && !relations.some((r) => r.field === field.key)) {
      const target = context.definition.tables.find((t) => t.key === field.table)!;
      relations.push({ field: field.key, target, by: 'id' });
    }
  }

  for (const key of dedupe?.keys ?? []) {
    const field = targets.get(key);
    if (!field) problems.push(`dedupe: field "${key}" does not exist in "${context.table.key}"`);
    else if (!seen.has(key)) problems.push(`dedupe: field "${key}" is not mapped from any column`);
    else if (listStorages.has(storageOf(field)) || storageOf(field) === 'jsonb') {
      problems.push(`dedupe: list or JSON field "${key}" cannot be a match key`);
    }
  }
  if (problems.length > 0) throw new ImportOptionsInvalidError(problems);
  return { columns: mapped, relations };
}

/**
 * A mapping from header names to fields whose key or zh-CN / en label reads the same (ignoring case,
 * blanks, full-width forms and punctuation); relation columns look records up by the target's
 * title field when that is unique.
 * @example suggestMapping(context, ['姓名', 'Mobile']).columns // { 姓名: 'name', Mobile: 'phone' }
 */
export function suggestMapping(context: TableContext, columns: readonly string[]): ImportMapping {
  const names = new Map<string, string>();
  for (const field of targetFields(context).values()) {
    for (const name of [field.key, field.label['zh-CN'], field.label.en]) {
      const n = normalise(name);
      if (!names.has(n)) names.set(n, field.key);
    }
  }
  const result: ImportMapping = { columns: {}, relations: {} };
  const used = new Set<string>();
  for (const column of columns) {
    const key = names.get(normalise(column));
    if (!key || used.has(key)) continue;
    used.add(key);
    result.columns[column] = key;
    const field = context.fields.get(key);
    if (field?.type === 'relation') {
      const target = context.definition.tables.find((t) => t.key === field.table);
      const title = target?.fields.find((f) => f.key === target.titleField);
      if (title?.unique) result.relations![key] = { by: title.key };
    }
  }
  return result;
}

/** Fields an import may write: the table's writable fields, plus `stage` and `owner`. */
function targetFields(context: TableContext): Map<string, FieldDefinition> {
  const targets = new Map<string, FieldDefinition>();
  for (const field of context.table.fields)
    if (!isReadOnlyField(field)) targets.set(field.key, field);
  if (context.table.stages && context.table.stages.length > 0) {
    targets.set('stage', {
      key: 'stage',
      type: 'select',
      label: text('阶段', 'Stage'),
      options: stageOptions(context.table) as [],
    } as FieldDefinition);
  }
  targets.set('owner', { key: 'owner', type: 'user', label: text('负责人', 'Owner') });
  return targets;
}

function stageOptions(table: TableDefinition) {
  return (table.stages ?? []).map((s) => ({ value: s.key, label: s.label }));
}

function normalise(name: string): string {
  return halfWidth(name)
    .toLowerCase()
    .replace(/[\s_\-:：()（）*.。/]/g, '');
}
