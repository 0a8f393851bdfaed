// Notification templates: `{{record.field}}`, `{{record.field | label}}` and `{{owner.name}}`.
// Pure (no I/O), so the designer's preview and the flow simulator can share it.
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { optionsOf } from '../../runtime/definition/resolve-options';
import { localize, type Locale } from '../../runtime/localized-text';

export interface TemplateOptions {
  /** The table's fields: `| label` looks option labels up here. */
  readonly fields?: readonly FieldDefinition[];
  /** The definition's named option lists, for fields whose options reference one. */
  readonly lists?: AppDefinition['lists'];
  /** The record owner; `null` renders owner placeholders empty, absent leaves them visible. */
  readonly owner?: { readonly name: string; readonly email?: string } | null;
  /** `html` escapes every substituted value (the template's own text is kept as written). */
  readonly escape?: 'html';
  /**
   * The record fields the reader may see; any other `{{record.x}}` renders as `hiddenText`, so a
   * notification never carries a value its recipient's role hides. Absent: every field.
   */
  readonly readable?: ReadonlySet<string>;
}

/** What a field hidden from the reader renders as: the same for empty and filled values. */
export const hiddenText = '***';

const placeholder = /\{\{\s*([a-zA-Z_][\w.]*)\s*(?:\|\s*([a-z_]+)\s*)?\}\}/g;

/**
 * Fills placeholders from a record. Never throws: an unknown field, path or filter stays visible
 * as written, so a template mistake shows in the message instead of losing it.
 * @example renderTemplate('新线索 {{record.company}}（{{record.pain | label}}）', lead, 'zh-CN', { fields })
 */
export function renderTemplate(
  text: string,
  record: Readonly<Record<string, unknown>>,
  locale: Locale,
  options: TemplateOptions = {},
): string {
  return text.replace(placeholder, (whole, path: string, filter: string | undefined) => {
    const value = lookup(path, filter, record, locale, options);
    if (value === undefined) return whole;
    return options.escape === 'html' ? escapeHtml(value) : value;
  });
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function lookup(
  path: string,
  filter: string | undefined,
  record: Readonly<Record<string, unknown>>,
  locale: Locale,
  options: TemplateOptions,
): string | undefined {
  const [scope, key, ...deeper] = path.split('.');
  if (key === undefined || deeper.length > 0) return undefined;
  if (scope === 'owner') {
    if (filter !== undefined || (key !== 'name' && key !== 'email')) return undefined;
    if (options.owner === undefined) return undefined;
    return options.owner === null ? '' : (options.owner[key] ?? '');
  }
  if (scope !== 'record') return undefined;
  const field = options.fields?.find((f) => f.key === key);
  if (!Object.hasOwn(record, key) && !field) return undefined;
  if (options.readable && !options.readable.has(key)) {
    return filter === undefined || filter === 'label' ? hiddenText : undefined;
  }
  const value = record[key];
  if (filter === undefined) return format(value, locale);
  if (filter !== 'label' || !field) return undefined;
  const choices = optionsOf(field, options.lists);
  const labelOf = (v: unknown) => {
    const option = choices.find((o) => o.value === v);
    return option ? localize(option.label, locale) : format(v, locale);
  };
  return Array.isArray(value) ? value.map(labelOf).join(separator(locale)) : labelOf(value);
}

function format(value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => format(v, locale)).join(separator(locale));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function separator(locale: Locale): string {
  return locale === 'zh-CN' ? '、' : ', ';
}
