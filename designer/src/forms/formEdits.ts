// Pure edits of a form definition the designer's drag and drop performs.
import type { FormDefinition, FormItem } from '../../../runtime/forms/form-schema';

/** Where an item sits: section index, item index. */
export interface ItemAt {
  readonly section: number;
  readonly item: number;
}

/** Places a field (or moves an existing item) into a section's column, before `before` or last. */
export function placeItem(
  form: FormDefinition,
  item: FormItem,
  section: number,
  column: number,
  from?: ItemAt,
  before?: number,
): FormDefinition {
  const sections = form.sections.map((s) => ({ ...s, items: [...s.items] }));
  if (from) sections[from.section]?.items.splice(from.item, 1);
  const target = sections[section];
  if (!target) return form;
  const placed: FormItem = column === 0 ? withoutColumn(item) : { ...item, column };
  let at = before ?? target.items.length;
  if (from && from.section === section && before !== undefined && from.item < before) at -= 1;
  target.items.splice(Math.max(0, Math.min(at, target.items.length)), 0, placed);
  return { ...form, sections };
}

/** Removes an item from the form (the field goes back to the palette). */
export function removeItem(form: FormDefinition, at: ItemAt): FormDefinition {
  return {
    ...form,
    sections: form.sections.map((s, i) =>
      i === at.section ? { ...s, items: s.items.filter((_, j) => j !== at.item) } : s,
    ),
  };
}

/** Replaces one item. */
export function updateItem(form: FormDefinition, at: ItemAt, item: FormItem): FormDefinition {
  return {
    ...form,
    sections: form.sections.map((s, i) =>
      i === at.section ? { ...s, items: s.items.map((x, j) => (j === at.item ? item : x)) } : s,
    ),
  };
}

function withoutColumn(item: FormItem): FormItem {
  const rest = { ...item };
  delete rest.column;
  return rest;
}

/** Field keys the form already places. */
export function placedFields(form: FormDefinition): Set<string> {
  return new Set(form.sections.flatMap((s) => s.items.map((i) => i.field)));
}
