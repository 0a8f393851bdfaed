// The follow-up card: first contact, screening and the rest of a follow-up, saved in one write.
// Its fields come from a definition form keyed like `follow_up` when there is one, else from the
// follow-up fields of the table that exist (the medical-device pack's set).
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { AppDefinition, TableDefinition } from '../../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import { localize } from '../../../runtime/localized-text';
import { repApi, RepApiError, type RecordJson } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { FieldInput } from './FieldInput';
import { useRepSessionOrThrow } from './rep-context';

const text = {
  title: { 'zh-CN': '跟进卡', en: 'Follow-up card' },
  save: { 'zh-CN': '提交跟进', en: 'Submit follow-up' },
  saved: { 'zh-CN': '已提交', en: 'Saved' },
  nothing: { 'zh-CN': '没有修改', en: 'Nothing changed' },
  frozen: {
    'zh-CN': '请先确认接收此线索，再填写跟进卡',
    en: 'Accept the handover before filling in the follow-up card',
  },
};

/** Follow-up fields of the medical-device pack, in card order. */
export const defaultFollowUpFields = [
  'first_contact_at',
  'screening_done',
  'touch_count',
  'first_touch_summary',
  'pain_point',
  'decision_roles',
  'next_action',
  'next_action_due',
  'memo',
];

/** The card's fields: a follow-up form's field keys when defined, else the default set. */
export function followUpFields(
  definition: AppDefinition,
  table: TableDefinition,
): FieldDefinition[] {
  const form = (definition.forms ?? []).find(
    (f) => /follow/.test(f.key) && (f as { table?: string }).table === table.key,
  ) as { fields?: unknown[] } | undefined;
  const keys = Array.isArray(form?.fields)
    ? form.fields.map((f) =>
        typeof f === 'string'
          ? f
          : String((f as { field?: string; key?: string }).field ?? (f as { key?: string }).key),
      )
    : defaultFollowUpFields;
  return keys.flatMap((k) => table.fields.filter((f) => f.key === k));
}

interface Props {
  readonly table: TableDefinition;
  readonly record: RecordJson;
  readonly frozen: boolean;
  readonly onSaved: (record: RecordJson) => void;
}

export function FollowUpCard({ table, record, frozen, onSaved }: Props) {
  const { space, definition } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  const fields = useMemo(() => followUpFields(definition, table), [definition, table]);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const shown = fields.filter((f) => f.key in record);

  // Start from the stored values whenever another version arrives.
  const version = Number(record.version);
  useEffect(() => {
    setValues(Object.fromEntries(shown.map((f) => [f.key, record[f.key] ?? null])));
  }, [record.id, version]);

  if (shown.length === 0) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setMessage(undefined);
    setError(undefined);
    setIssues({});
    const changed = Object.fromEntries(
      Object.entries(values).filter(
        ([k, v]) => JSON.stringify(v ?? null) !== JSON.stringify(record[k] ?? null),
      ),
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
    <form className="panel rep-followup" data-testid="rep-followup" onSubmit={submit}>
      <h3>{tr(text.title)}</h3>
      {frozen && <p className="rep-hint">{tr(text.frozen)}</p>}
      {shown.map((f) => (
        <label
          key={f.key}
          className={`rep-field ${issues[f.key] ? 'missing' : ''} ${f.type === 'boolean' ? 'inline' : ''}`}
          data-field={f.key}
        >
          <span>{localize(f.label, locale)}</span>
          <FieldInput
            field={f}
            value={values[f.key]}
            lists={definition.lists}
            disabled={frozen || busy}
            onChange={(v) => setValues({ ...values, [f.key]: v })}
          />
          {issues[f.key] && <small className="error">{issues[f.key]}</small>}
        </label>
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
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
