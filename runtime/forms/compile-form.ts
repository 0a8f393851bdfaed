// Compiles a designed form into what @rjsf/core renders: a JSON Schema of the placed fields, a
// uiSchema (order, widgets, help), and the section/column layout with its visibility conditions.
import type { AppDefinition } from '../definition/definition-schema';
import { localize, type Locale } from '../localized-text';
import type { FormDefinition } from './form-schema';
import { compileRecordSchema, isReadOnlyField, type JsonSchema } from './record-json-schema';

/** One section as the renderer lays it out: `columns[c]` lists the field keys of column c. */
export interface CompiledSection {
  readonly key: string;
  readonly title: string;
  readonly columns: readonly (readonly string[])[];
  readonly visibleIf?: string;
}

export interface CompiledForm {
  readonly schema: JsonSchema;
  readonly uiSchema: JsonSchema;
  readonly sections: readonly CompiledSection[];
  /** Field key → CEL condition under which it shows. */
  readonly visibleIf: Readonly<Record<string, string>>;
}

const widgets: Partial<Record<string, string>> = {
  long_text: 'textarea',
  boolean: 'checkbox',
  multi_select: 'checkboxes',
};

/**
 * The form's JSON Schema (draft-07, the same constraints the records API checks, plus the form's own
 * required / min-items) and its uiSchema. Fields the form does not place are left out.
 * @example compileForm(definition, definition.forms[0], 'zh-CN').schema.required // ['name', 'phone']
 */
export function compileForm(
  definition: AppDefinition,
  form: FormDefinition,
  locale: Locale = 'en',
): CompiledForm {
  const table = definition.tables.find((t) => t.key === form.table);
  if (!table) throw new Error(`form "${form.key}" names no table "${form.table}"`);
  const recordSchema = compileRecordSchema(definition, table, { locale, mode: 'create' });
  const recordProperties = recordSchema.properties as Record<string, JsonSchema>;
  const tableRequired = new Set((recordSchema.required as string[] | undefined) ?? []);
  const fields = new Map(table.fields.map((f) => [f.key, f]));

  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const uiSchema: Record<string, unknown> = {};
  const order: string[] = [];
  const visibleIf: Record<string, string> = {};
  const sections: CompiledSection[] = form.sections.map((section) => {
    const columns: string[][] = Array.from({ length: section.columns ?? 1 }, () => []);
    for (const item of section.items) {
      const field = fields.get(item.field);
      if (!field) continue;
      const readOnly = isReadOnlyField(field) || item.readOnly === true;
      let schema: JsonSchema = recordProperties[field.key] ?? {
        title: localize(field.label, locale),
        readOnly: true,
      };
      const mustFill = !readOnly && (tableRequired.has(field.key) || item.required === true);
      // A form leaves an empty optional field out rather than sending null.
      schema = withoutNull(schema);
      if (item.minItems !== undefined) schema = { ...schema, minItems: item.minItems };
      properties[field.key] = schema;
      if (mustFill) required.push(field.key);
      order.push(field.key);
      columns[Math.min(item.column ?? 0, columns.length - 1)]!.push(field.key);
      if (item.visibleIf) visibleIf[field.key] = item.visibleIf;
      const ui: Record<string, unknown> = {};
      const widget = widgets[field.type];
      if (widget) ui['ui:widget'] = widget;
      if (readOnly) ui['ui:readonly'] = true;
      if (item.help) ui['ui:help'] = localize(item.help, locale);
      if (Object.keys(ui).length > 0) uiSchema[field.key] = ui;
    }
    return {
      key: section.key,
      title: localize(section.label, locale),
      columns,
      ...(section.visibleIf ? { visibleIf: section.visibleIf } : {}),
    };
  });
  uiSchema['ui:order'] = [...order, '*'];
  return {
    schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: localize(form.label, locale),
      ...(form.description ? { description: localize(form.description, locale) } : {}),
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
    },
    uiSchema,
    sections,
    visibleIf,
  };
}

/** Drops the `null` the record schema allows for clearing optional fields. */
function withoutNull(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  if (!Array.isArray(type)) return schema;
  const rest = { ...schema };
  const nonNull = type.filter((t) => t !== 'null');
  rest.type = nonNull.length === 1 ? nonNull[0] : nonNull;
  const anyOf = rest.anyOf as JsonSchema[] | undefined;
  if (anyOf) {
    delete rest.anyOf;
    const choices = anyOf.find((a) => 'oneOf' in a);
    if (choices) rest.oneOf = choices.oneOf;
  }
  return rest;
}
