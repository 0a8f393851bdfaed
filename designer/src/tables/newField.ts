// A fresh field of a type, with a key not yet used in the table and the settings its type needs.
import type { FieldDefinition, FieldType } from '../../../runtime/definition/field-schema';
import { fieldTypeLabels } from './fieldTypeLabels';

/**
 * @example newField('select', ['name']) // { key: 'select_1', type: 'select', options: [...], ... }
 */
export function newField(
  type: FieldType,
  takenKeys: readonly string[],
  otherTables: readonly string[] = [],
): FieldDefinition {
  let n = 1;
  while (takenKeys.includes(`${type}_${n}`)) n += 1;
  const base = { key: `${type}_${n}`, label: { ...fieldTypeLabels[type] } };
  switch (type) {
    case 'select':
    case 'multi_select':
      return {
        ...base,
        type,
        options: [{ value: 'a', label: { 'zh-CN': '选项A', en: 'Option A' } }],
      };
    case 'relation':
      return { ...base, type, table: otherTables[0] ?? 'lead' };
    case 'computed':
      return { ...base, type, expression: '1', resultType: 'integer' };
    case 'money':
      return { ...base, type, currency: 'CNY' };
    default:
      return { ...base, type } as FieldDefinition;
  }
}
