// The follow-up card: what stops the escalation (first contact, screening) and the follow-up
// form's sections, saved in one write. Required and min-items of the form are checked before
// sending; the server's answer (per-field issues) is shown on the fields.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { compileCel } from '../../../runtime/cel/compile-cel';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import { localize, type LocalizedText } from '../../../runtime/localized-text';
import { repApi, RepApiError, type RecordJson } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { FieldInput } from './FieldInput';
import { followUpForm, followUpSections, type CardItem } from './follow-up-layout';
import { useRepSessionOrThrow } from './rep-context';

const text = {
  title: { 'zh-CN': '跟进卡', en: 'Follow-up card' },
  save: { 'zh-CN': '提交跟进', en: 'Submit follow-up' },
  saved: { 'zh-CN': '已提交', en: 'Saved' },
  nothing: { 'zh-CN': '没有修改', en: 'Nothing changed' },
  required: { 'zh-CN': '必填', en: 'Required' },
  fix: { 'zh-CN': '请补全标红的字段', en: 'Complete the fields marked in red' },
  minItems: (n: number): LocalizedText => ({
    'zh-CN': `至少选择 ${n} 项`,
    en: `Choose at least ${n}`,
  }),
  frozen: {
    'zh-CN': '请先确认接收此线索，再填写跟进卡',
    en: 'Accept the handover before filling in the follow-up card',
  },
};

const isBlank = (v: unknown) =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

interface Props {
  readonly table: TableDefinition;
  readonly record: RecordJson;
  readonly frozen: boolean;
  readonly onSaved: (record: RecordJson) => void;
}

export function FollowUpCard({ table, record, frozen, onSaved }: Props) {
  const { space, definition } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  const sections = useMemo(() => followUpSections(definition, table), [definition, table]);
  const form = followUpForm(definition, table);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  // Fields the server did not return (permissions) are not on the card.
  const present = (item: CardItem) => item.field.key in record;
  const version = Number(record.version);
  useEffect(() => {
    const keys = sections.flatMap((s) => s.items.map((i) => i.field.key));
    setValues(Object.fromEntries(keys.map((k) => [k, record[k] ?? null])));
    // Start from the stored values whenever another version arrives.
  }, [record.id, version, sections]);

  // visibleIf over the values entered so far; a broken condition shows its item.
  const conditions = useMemo(() => {
    const compiled = new Map<string, ReturnType<typeof compileCel>>();
    for (const s of sections)
      for (const source of [s.visibleIf, ...s.items.map((i) => i.visibleIf)])
        if (source && !compiled.has(source))
          compiled.set(source, compileCel(source, { record: table.fields }, { expect: 'bool' }));
    return compiled;
  }, [sections, table]);
  const merged = { ...record, ...values };
  const shows = (source: string | undefined) => {
    if (!source) return true;
    const compiled = conditions.get(source);
    if (!compiled?.ok) return true;
    const result = compiled.value.evaluate({ record: merged, now: new Date().toISOString() });
    return !result.ok || result.value !== false;
  };
  const visible = sections
    .filter((s) => shows(s.visibleIf))
    .map((s) => ({ ...s, items: s.items.filter((i) => present(i) && shows(i.visibleIf)) }))
    .filter((s) => s.items.length > 0);

  if (visible.length === 0) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(undefined);
    setError(undefined);
    const items = visible.flatMap((s) => s.items);
    const local: Record<string, string> = {};
    for (const item of items) {
      const value = values[item.field.key];
      if (item.required && isBlank(value)) local[item.field.key] = tr(text.required);
      else if (
        item.minItems !== undefined &&
        item.minItems > 0 &&
        (!Array.isArray(value) || value.length < item.minItems)
      )
        local[item.field.key] = tr(text.minItems(item.minItems));
    }
    setIssues(local);
    if (Object.keys(local).length > 0) {
      setError(tr(text.fix));
      return;
    }
    const changed = Object.fromEntries(
      items
        .map((i) => i.field.key)
        .filter((k) => JSON.stringify(values[k] ?? null) !== JSON.stringify(record[k] ?? null))
        .map((k) => [k, values[k]]),
    );
    if (Object.keys(changed).length === 0) {
      setMessage(tr(text.nothing));
      return;
    }
    setBusy(true);
    try {
      const saved = await repApi.update(space, table.key, String(record.id), version, changed);
      setMessage(tr(text.saved));
      onSaved(saved);
    } catch (e) {
      if (e instanceof RepApiError) {
        setIssues(
          Object.fromEntries(
            e.issues.map((i) => [
              i.field ?? i.pointer.replace(/^\//, ''),
              typeof i.message === 'string' ? i.message : localize(i.message, locale),
            ]),
          ),
        );
        setError(`${e.code}: ${e.message}`);
      } else setError(String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel rep-followup" data-testid="rep-followup" onSubmit={submit} noValidate>
      <h3>{form ? localize(form.label, locale) : tr(text.title)}</h3>
      {frozen && <p className="rep-hint">{tr(text.frozen)}</p>}
      {visible.map((section) => (
        <fieldset key={section.key} className="rep-section" data-section={section.key}>
          <legend>{localize(section.label, locale)}</legend>
          {section.items.map(({ field, required, help }) => (
            <label
              key={field.key}
              className={`rep-field ${issues[field.key] ? 'missing' : ''} ${field.type === 'boolean' ? 'inline' : ''}`}
              data-field={field.key}
            >
              <span>
                {localize(field.label, locale)}
                {required && <em className="rep-required"> *</em>}
              </span>
              <FieldInput
                field={field}
                value={values[field.key]}
                lists={definition.lists}
                disabled={frozen || busy}
                onChange={(v) => setValues({ ...values, [field.key]: v })}
              />
              {help && <small className="muted">{localize(help, locale)}</small>}
              {issues[field.key] && <small className="error">{issues[field.key]}</small>}
            </label>
          ))}
        </fieldset>
      ))}
      <button type="submit" disabled={frozen || busy} data-testid="rep-followup-submit">
        {tr(text.save)}
      </button>
      {message && (
        <p className="rep-ok" data-testid="rep-followup-message">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="rep-followup-error">
          {error}
        </p>
      )}
    </form>
  );
}
