// Small definition factories shared by the definition unit tests.
import type { AppDefinition, TableDefinition } from './definition-schema';
import type { FieldDefinition } from './field-schema';

export function label(en: string, zh = en): { 'zh-CN': string; en: string } {
  return { 'zh-CN': zh, en };
}

export function textField(key: string, extra: Partial<FieldDefinition> = {}): FieldDefinition {
  return { key, type: 'text', label: label(key), ...extra } as FieldDefinition;
}

export function table(
  key: string,
  fields: FieldDefinition[],
  extra: Partial<TableDefinition> = {},
): TableDefinition {
  return { key, label: label(key), fields, ...extra };
}

export function definition(...tables: TableDefinition[]): AppDefinition {
  return { formatVersion: 1, tables };
}
