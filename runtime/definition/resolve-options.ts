// Resolves a select field's options, inline or from the definition's named lists.
import type { AppDefinition } from './definition-schema';
import type { FieldDefinition, OptionDefinition } from './field-schema';

/** The options of a select or multi-select field; empty for other types or unknown lists. */
export function optionsOf(
  field: FieldDefinition,
  lists: AppDefinition['lists'],
): readonly OptionDefinition[] {
  if (field.type !== 'select' && field.type !== 'multi_select') return [];
  return Array.isArray(field.options) ? field.options : (lists?.[field.options.list] ?? []);
}
