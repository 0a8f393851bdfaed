// A small form generated from a JSON Schema (the subset zod emits for node settings): strings,
// enums, numbers, booleans, nested objects, lists and key → value maps. Every input is named by its
// path (`levels.0.after`), so tests and validation markers can find it.
import type { ReactNode } from 'react';
import { useTr } from '../shell/locale-context';
import type { LocalizedText } from '../../../runtime/localized-text';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
  readonly description?: string;
  readonly examples?: readonly unknown[];
  readonly minimum?: number;
  readonly maxLength?: number;
  readonly [key: string]: unknown;
}

type Json = unknown;

export interface SchemaFormProps {
  readonly schema: JsonSchema;
  readonly value: Readonly<Record<string, Json>>;
  readonly onChange: (value: Record<string, Json>) => void;
  /** Property names people read, per key; unknown keys show as they are. */
  readonly labels?: Readonly<Record<string, LocalizedText>>;
  /** Keys whose strings are CEL: shown in a monospace text area. */
  readonly celKeys?: ReadonlySet<string>;
  /** Paths with a problem, and the problem, to show beside the input. */
  readonly errors?: ReadonlyMap<string, string>;
}

/** A value a new entry of this schema starts with. */
export function defaultFor(schema: JsonSchema): Json {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const key of schema.required ?? []) {
        const sub = schema.properties?.[key];
        if (sub) out[key] = defaultFor(sub);
      }
      return out;
    }
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    default:
      return typeof schema.examples?.[0] === 'string' ? schema.examples[0] : '';
  }
}

export function SchemaForm(props: SchemaFormProps) {
  return (
    <div className="schema-form">
      <ObjectFields {...props} path="" />
    </div>
  );
}

interface FieldProps extends Omit<SchemaFormProps, 'value' | 'onChange' | 'schema'> {
  readonly path: string;
}

function ObjectFields(props: SchemaFormProps & { readonly path: string }) {
  const { tr } = useTr();
  const { schema, value, onChange, path, labels } = props;
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, sub]) => {
        const at = path ? `${path}.${key}` : key;
        const present = value[key] !== undefined;
        const label = labels?.[key] ? tr(labels[key]) : key;
        const set = (next: Json) => {
          const copy = { ...value };
          if (next === undefined) delete copy[key];
          else copy[key] = next;
          onChange(copy);
        };
        if (!required.has(key) && !present && (sub.type === 'object' || sub.type === 'array')) {
          return (
            <div key={key} className="sf-row">
              <button
                type="button"
                className="link"
                data-testid={`add-${at}`}
                onClick={() => set(defaultFor(sub))}
              >
                + {label}
              </button>
            </div>
          );
        }
        return (
          <div key={key} className="sf-row">
            <label className="sf-label" htmlFor={`sf-${at}`}>
              {label}
              {required.has(key) ? ' *' : ''}
              {!required.has(key) && present && (sub.type === 'object' || sub.type === 'array') && (
                <button type="button" className="link" onClick={() => set(undefined)}>
                  {tr({ 'zh-CN': '移除', en: 'remove' })}
                </button>
              )}
            </label>
            <Field
              {...props}
              schema={sub}
              path={at}
              name={key}
              value={value[key]}
              onChange={set}
              optional={!required.has(key)}
            />
          </div>
        );
      })}
    </>
  );
}

function Field(
  props: FieldProps & {
    readonly schema: JsonSchema;
    readonly value: Json;
    readonly onChange: (v: Json) => void;
    readonly name: string;
    readonly optional: boolean;
  },
) {
  const { tr } = useTr();
  const { schema, value, onChange, path, name, optional, errors } = props;
  const error = errors?.get(path);
  const common = { id: `sf-${path}`, name: path, 'data-testid': `prop-${path}` };
  let input: ReactNode;
  if (schema.enum) {
    input = (
      <select
        {...common}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        {optional && <option value="">—</option>}
        {schema.enum.map((v) => (
          <option key={String(v)} value={String(v)}>
            {String(v)}
          </option>
        ))}
      </select>
    );
  } else if (schema.type === 'boolean') {
    input = (
      <input
        {...common}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(e.target.checked || (optional ? undefined : false))}
      />
    );
  } else if (schema.type === 'number' || schema.type === 'integer') {
    input = (
      <input
        {...common}
        type="number"
        value={typeof value === 'number' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else if (schema.type === 'object' && schema.properties) {
    input = (
      <fieldset className="sf-object">
        <ObjectFields
          {...props}
          schema={schema}
          value={(value ?? {}) as Record<string, Json>}
          onChange={onChange}
        />
      </fieldset>
    );
  } else if (schema.type === 'object') {
    const entries = Object.entries((value ?? {}) as Record<string, Json>);
    const sub = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
    const put = (list: Array<[string, Json]>) => onChange(Object.fromEntries(list));
    input = (
      <div className="sf-map">
        {entries.map(([k, v], i) => (
          <div key={i} className="sf-map-row">
            <input
              aria-label="key"
              data-testid={`prop-${path}.${i}.key`}
              value={k}
              onChange={(e) =>
                put(entries.map((en, j) => (j === i ? [e.target.value, en[1]] : en)))
              }
            />
            <span>→</span>
            <input
              aria-label="value"
              data-testid={`prop-${path}.${i}.value`}
              className="mono"
              value={String(v ?? '')}
              onChange={(e) =>
                put(entries.map((en, j) => (j === i ? [en[0], e.target.value] : en)))
              }
            />
            <button
              type="button"
              className="link"
              onClick={() => put(entries.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="link"
          data-testid={`add-${path}`}
          onClick={() => put([...entries, [`field_${entries.length + 1}`, defaultFor(sub)]])}
        >
          + {tr({ 'zh-CN': '添加', en: 'add' })}
        </button>
      </div>
    );
  } else if (schema.type === 'array' && schema.items) {
    const list = (Array.isArray(value) ? value : []) as Json[];
    const items = schema.items;
    input = (
      <div className="sf-list">
        {list.map((item, i) => (
          <div key={i} className="sf-list-item">
            <Field
              {...props}
              schema={items}
              path={`${path}.${i}`}
              name={name}
              value={item}
              optional={false}
              onChange={(v) => onChange(list.map((x, j) => (j === i ? v : x)))}
            />
            <button
              type="button"
              className="link"
              onClick={() => onChange(list.filter((_, j) => j !== i))}
            >
              {tr({ 'zh-CN': '删除', en: 'delete' })}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="link"
          data-testid={`add-${path}`}
          onClick={() => onChange([...list, defaultFor(items)])}
        >
          + {tr({ 'zh-CN': '添加一项', en: 'add item' })}
        </button>
      </div>
    );
  } else if (props.celKeys?.has(name) || (schema.maxLength ?? 0) >= 2_000) {
    input = (
      <textarea
        {...common}
        className="mono"
        rows={2}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value === '' && optional ? undefined : e.target.value)}
      />
    );
  } else {
    input = (
      <input
        {...common}
        placeholder={typeof schema.examples?.[0] === 'string' ? schema.examples[0] : undefined}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value === '' && optional ? undefined : e.target.value)}
      />
    );
  }
  return (
    <div className={error ? 'sf-field invalid' : 'sf-field'}>
      {input}
      {error && <div className="sf-error">{error}</div>}
    </div>
  );
}
