// An editable input for a field's type: text, numbers, yes/no, dates, options.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import { optionsOf } from '../../../runtime/definition/resolve-options';
import { localize } from '../../../runtime/localized-text';
import { useTr } from '../shell/locale-context';

interface Props {
  readonly field: FieldDefinition;
  readonly value: unknown;
  readonly lists: AppDefinition['lists'];
  readonly onChange: (value: unknown) => void;
  readonly disabled?: boolean;
}

const now = { 'zh-CN': '现在', en: 'Now' };
const choose = { 'zh-CN': '请选择', en: 'Choose' };

/** `2026-11-23T15:04` in local time, for datetime-local inputs. */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function FieldInput({ field, value, lists, onChange, disabled }: Props) {
  const { tr, locale } = useTr();
  const name = field.key;
  switch (field.type) {
    case 'boolean':
      return (
        <input
          type="checkbox"
          name={name}
          checked={value === true}
          disabled={disabled}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
    case 'integer':
    case 'number':
    case 'money':
      return (
        <input
          type="number"
          inputMode={field.type === 'integer' ? 'numeric' : 'decimal'}
          name={name}
          value={typeof value === 'number' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        />
      );
    case 'datetime':
      return (
        <span className="rep-inline">
          <input
            type="datetime-local"
            name={name}
            value={toLocalInput(value)}
            disabled={disabled}
            onChange={(e) =>
              onChange(e.target.value === '' ? null : new Date(e.target.value).toISOString())
            }
          />
          <button
            type="button"
            data-testid={`now-${name}`}
            disabled={disabled}
            onClick={() => onChange(new Date().toISOString())}
          >
            {tr(now)}
          </button>
        </span>
      );
    case 'date':
      return (
        <input
          type="date"
          name={name}
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
    case 'select':
      return (
        <select
          name={name}
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        >
          <option value="">{tr(choose)}</option>
          {optionsOf(field, lists).map((o) => (
            <option key={o.value} value={o.value}>
              {localize(o.label, locale)}
            </option>
          ))}
        </select>
      );
    case 'multi_select': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <span className="rep-checks">
          {optionsOf(field, lists).map((o) => (
            <label key={o.value}>
              <input
                type="checkbox"
                name={`${name}.${o.value}`}
                checked={chosen.includes(o.value)}
                disabled={disabled}
                onChange={(e) =>
                  onChange(
                    e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value),
                  )
                }
              />
              {localize(o.label, locale)}
            </label>
          ))}
        </span>
      );
    }
    case 'long_text':
      return (
        <textarea
          name={name}
          rows={3}
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
    default:
      return (
        <input
          type={field.type === 'phone' ? 'tel' : field.type === 'email' ? 'email' : 'text'}
          name={name}
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
        />
      );
  }
}
