// A field's value shown for its type: option labels, dates in the locale, money, yes/no, files.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import { optionsOf } from '../../../runtime/definition/resolve-options';
import { localize, type Locale } from '../../../runtime/localized-text';
import { useTr } from '../shell/locale-context';

interface Props {
  readonly field: FieldDefinition;
  readonly value: unknown;
  readonly lists: AppDefinition['lists'];
}

const empty = { 'zh-CN': '—', en: '—' };

/** Text of a value for its field type in a locale; `null` for "no value". */
export function displayValue(
  field: FieldDefinition,
  value: unknown,
  lists: AppDefinition['lists'],
  locale: Locale,
): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value) && value.length === 0) return null;
  const option = (v: unknown) => {
    const found = optionsOf(field, lists).find((o) => o.value === v);
    return found ? localize(found.label, locale) : String(v);
  };
  switch (field.type) {
    case 'select':
      return option(value);
    case 'multi_select':
      return Array.isArray(value) ? value.map(option).join('、') : option(value);
    case 'boolean':
      return value === true
        ? localize({ 'zh-CN': '是', en: 'Yes' }, locale)
        : localize({ 'zh-CN': '否', en: 'No' }, locale);
    case 'datetime': {
      const d = new Date(String(value));
      return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(locale);
    }
    case 'date':
      return String(value);
    case 'money':
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: field.currency ?? 'CNY',
      }).format(Number(value));
    case 'number':
    case 'integer':
      return new Intl.NumberFormat(locale).format(Number(value));
    case 'attachments':
      return Array.isArray(value)
        ? localize({ 'zh-CN': `${value.length} 个文件`, en: `${value.length} file(s)` }, locale)
        : String(value);
    case 'tags':
      return Array.isArray(value) ? value.join('、') : String(value);
    case 'json':
      return JSON.stringify(value);
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** One value, with a link for phones, e-mail and URLs. */
export function FieldValue({ field, value, lists }: Props) {
  const { locale, tr } = useTr();
  const text = displayValue(field, value, lists, locale);
  if (text === null) return <span className="muted">{tr(empty)}</span>;
  if (field.type === 'phone') return <a href={`tel:${text}`}>{text}</a>;
  if (field.type === 'email') return <a href={`mailto:${text}`}>{text}</a>;
  if (field.type === 'url')
    return (
      <a href={text} target="_blank" rel="noreferrer">
        {text}
      </a>
    );
  if (field.type === 'tags' && Array.isArray(value))
    return (
      <span className="rep-tags">
        {value.map((t) => (
          <span key={String(t)} className="rep-tag">
            {String(t)}
          </span>
        ))}
      </span>
    );
  return <span>{text}</span>;
}
