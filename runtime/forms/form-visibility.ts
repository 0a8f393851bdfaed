// Which sections and fields of a form show for the values entered so far: their `visibleIf` CEL
// evaluated over `record`. The preview hides them; a submit leaves their values out.
import { compileCel } from '../cel/compile-cel';
import type { TableDefinition } from '../definition/definition-schema';
import type { CompiledForm } from './compile-form';

export interface FormVisibility {
  readonly hiddenSections: ReadonlySet<string>;
  readonly hiddenFields: ReadonlySet<string>;
}

// Conditions compiled once per table object: the preview re-evaluates them on every keystroke.
const compiledConditions = new WeakMap<
  TableDefinition,
  Map<string, ReturnType<typeof compileCel>>
>();

function compiledFor(table: TableDefinition, source: string): ReturnType<typeof compileCel> {
  let byTable = compiledConditions.get(table);
  if (!byTable) compiledConditions.set(table, (byTable = new Map()));
  let compiled = byTable.get(source);
  if (!compiled) {
    compiled = compileCel(source, { record: table.fields }, { expect: 'bool' });
    byTable.set(source, compiled);
  }
  return compiled;
}

/**
 * Evaluates every condition; one that does not compile or fails at run time shows its item (a
 * broken condition must not hide a field people need).
 * @example formVisibility(table, compiled, { channel: 'expo' }, now).hiddenFields.has('booth') // false
 */
export function formVisibility(
  table: TableDefinition,
  form: CompiledForm,
  values: Readonly<Record<string, unknown>>,
  now: string,
): FormVisibility {
  const holds = (source: string) => {
    const compiled = compiledFor(table, source);
    if (!compiled.ok) return true;
    const result = compiled.value.evaluate({ record: values, now });
    return !result.ok || result.value !== false;
  };
  const hiddenSections = new Set<string>();
  const hiddenFields = new Set<string>();
  for (const section of form.sections) {
    if (section.visibleIf && !holds(section.visibleIf)) {
      hiddenSections.add(section.key);
      for (const column of section.columns) for (const key of column) hiddenFields.add(key);
    }
  }
  for (const [key, source] of Object.entries(form.visibleIf)) {
    if (!hiddenFields.has(key) && !holds(source)) hiddenFields.add(key);
  }
  return { hiddenSections, hiddenFields };
}
