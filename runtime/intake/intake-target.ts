// Which field of the table an intake mapping or constant fills, reporting why one cannot be filled.
import type { TableDefinition } from '../definition/definition-schema';
import { issue, type DefinitionIssue } from '../definition/definition-issue';
import type { FieldDefinition } from '../definition/field-schema';
import { isReadOnlyField } from '../forms/record-json-schema';

/**
 * The field a mapping or constant fills: a designed, writable field, or null for `stage`;
 * undefined after reporting why it cannot be filled.
 */
export function targetOf(
  table: TableDefinition,
  key: string,
  at: readonly (string | number)[],
  issues: DefinitionIssue[],
): FieldDefinition | null | undefined {
  if (key === 'stage') {
    if ((table.stages ?? []).length > 0) return null;
    issues.push(
      issue(
        at,
        'UNKNOWN_FIELD',
        `table "${table.key}" has no stages`,
        `表「${table.key}」没有阶段`,
      ),
    );
    return undefined;
  }
  const field = table.fields.find((f) => f.key === key);
  if (!field) {
    issues.push(
      issue(
        at,
        'UNKNOWN_FIELD',
        `no field "${key}" in table "${table.key}"`,
        `表「${table.key}」中没有字段「${key}」`,
      ),
    );
    return undefined;
  }
  if (isReadOnlyField(field)) {
    issues.push(
      issue(
        at,
        'READ_ONLY_FIELD',
        `field "${key}" is computed by Baton and cannot be filled by a source`,
        `字段「${key}」由系统计算，接入来源不能填写`,
      ),
    );
    return undefined;
  }
  return field;
}
