// The stage bar: stages in order, the gate checklist of the chosen next stage, and the move. A
// refused move lists every item the server's gate found missing, highlighted.
import { useEffect, useState } from 'react';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import { localize, type LocalizedText } from '../../../runtime/localized-text';
import type { GateRequirement } from '../../../runtime/rules/gate-schema';
import { repApi, RepApiError, type MissingItem, type RecordJson } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { useRepSessionOrThrow } from './rep-context';

const text = {
  title: { 'zh-CN': '阶段', en: 'Stage' },
  move: (stage: string): LocalizedText => ({
    'zh-CN': `推进到「${stage}」`,
    en: `Move to “${stage}”`,
  }),
  checklist: { 'zh-CN': '进入该阶段需要：', en: 'To enter this stage:' },
  noGate: { 'zh-CN': '该阶段没有前置要求', en: 'No requirements for this stage' },
  blocked: {
    'zh-CN': '无法推进，以下材料或信息缺失：',
    en: 'Cannot move yet; missing:',
  },
  moved: { 'zh-CN': '阶段已更新', en: 'Stage updated' },
  onServer: { 'zh-CN': '推进时由服务器核对', en: 'checked by the server on moving' },
  upload: { 'zh-CN': '上传', en: 'Upload' },
  uploading: { 'zh-CN': '上传中…', en: 'Uploading…' },
};

type Status = 'ok' | 'missing' | 'unknown';

interface Props {
  readonly table: TableDefinition;
  readonly record: RecordJson;
  readonly onMoved: (record: RecordJson) => void;
}

export function StageBar({ table, record, onMoved }: Props) {
  const { space, definition } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  const stages = table.stages ?? [];
  const current = stages.findIndex((s) => s.key === record.stage);
  const [target, setTarget] = useState<string | undefined>(stages[current + 1]?.key);
  const [missing, setMissing] = useState<readonly MissingItem[]>([]);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [uploading, setUploading] = useState<string>();

  useEffect(() => {
    setTarget(stages[current + 1]?.key);
    setMissing([]);
  }, [record.stage]);

  if (stages.length === 0) return null;
  const targetStage = stages.find((s) => s.key === target);
  const requirements = (definition.rules?.gates ?? [])
    .filter(
      (g) =>
        g.table === table.key &&
        g.to === target &&
        (!g.from || (typeof record.stage === 'string' && g.from.includes(record.stage))),
    )
    .flatMap((g) => g.require);
  const label = (field: string) => {
    const f = table.fields.find((x) => x.key === field);
    return f ? localize(f.label, locale) : field;
  };
  const describe = (r: GateRequirement): string => {
    if (r.message) return localize(r.message, locale);
    switch (r.kind) {
      case 'fields':
        return r.fields.map(label).join('、');
      case 'attachment':
        return label(r.field);
      case 'completed':
        return r.label ? localize(r.label, locale) : `${r.what} ≥ ${r.min}`;
      case 'cel':
        return r.cel;
    }
  };
  const acceptOf = (field: string) => {
    const f = table.fields.find((x) => x.key === field);
    return f?.type === 'attachments' ? f.accept?.join(',') : undefined;
  };
  const isMissing = (r: GateRequirement) =>
    missing.some((m) => JSON.stringify(m.requirement) === JSON.stringify(r));
  // A preview from the values on screen; the server's answer on moving decides.
  const status = (r: GateRequirement): Status => {
    if (isMissing(r)) return 'missing';
    const filled = (v: unknown) =>
      v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
    if (r.kind === 'fields') return r.fields.every((f) => filled(record[f])) ? 'ok' : 'missing';
    if (r.kind === 'attachment') {
      const files = record[r.field];
      return Array.isArray(files) && files.length >= (r.min ?? 1) ? 'ok' : 'missing';
    }
    return 'unknown';
  };

  // Evidence straight from the phone (camera or files), added to the attachment field.
  const attach = async (field: string, file: File) => {
    setError(undefined);
    setUploading(field);
    try {
      const id = await repApi.upload(space, file);
      const before = Array.isArray(record[field]) ? (record[field] as unknown[]) : [];
      const saved = await repApi.update(
        space,
        table.key,
        String(record.id),
        Number(record.version),
        { [field]: [...before, id] },
      );
      setMissing((list) => list.filter((m) => m.field !== field));
      onMoved(saved);
    } catch (e) {
      if (e instanceof RepApiError && e.issues.length > 0)
        setError(
          e.issues
            .map((i) => (typeof i.message === 'string' ? i.message : localize(i.message, locale)))
            .join('；'),
        );
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setUploading(undefined);
    }
  };

  const move = async () => {
    if (!target) return;
    setError(undefined);
    setMessage(undefined);
    setMissing([]);
    try {
      const saved = await repApi.update(
        space,
        table.key,
        String(record.id),
        Number(record.version),
        {
          stage: target,
        },
      );
      setMessage(tr(text.moved));
      onMoved(saved);
    } catch (e) {
      if (e instanceof RepApiError && e.missing.length > 0) setMissing(e.missing);
      else setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="panel rep-stages" data-testid="rep-stages">
      <h3>{tr(text.title)}</h3>
      <ol className="rep-stagebar">
        {stages.map((s, i) => (
          <li
            key={s.key}
            className={[
              i < current ? 'done' : '',
              i === current ? 'current' : '',
              s.key === target ? 'target' : '',
            ].join(' ')}
          >
            <button type="button" data-stage={s.key} onClick={() => setTarget(s.key)}>
              {localize(s.label, locale)}
            </button>
          </li>
        ))}
      </ol>
      {targetStage && (
        <>
          <p className="muted">{tr(text.checklist)}</p>
          {requirements.length === 0 && <p className="muted">{tr(text.noGate)}</p>}
          <ul className="rep-checklist" data-testid="rep-checklist">
            {requirements.map((r, i) => {
              const st = status(r);
              return (
                <li
                  key={i}
                  className={`check-${st} ${isMissing(r) ? 'flagged' : ''}`}
                  data-status={st}
                >
                  <span aria-hidden>{st === 'ok' ? '✓' : st === 'missing' ? '✗' : '•'}</span>
                  {describe(r)}
                  {st === 'unknown' && <small className="muted"> ({tr(text.onServer)})</small>}
                  {r.kind === 'attachment' && r.field in record && (
                    <label className="rep-upload" data-testid={`upload-${r.field}`}>
                      {tr(uploading === r.field ? text.uploading : text.upload)}
                      <input
                        type="file"
                        name={`upload-${r.field}`}
                        accept={r.mime ?? acceptOf(r.field)}
                        disabled={uploading !== undefined}
                        onChange={(e) => {
                          const file = e.target.files?.[0];
                          e.target.value = '';
                          if (file) void attach(r.field, file);
                        }}
                      />
                    </label>
                  )}
                </li>
              );
            })}
          </ul>
          <button type="button" data-testid="rep-move-stage" onClick={() => void move()}>
            {tr(text.move(localize(targetStage.label, locale)))}
          </button>
        </>
      )}
      {missing.length > 0 && (
        <div className="rep-blocked" role="alert" data-testid="rep-gate-missing">
          <strong>{tr(text.blocked)}</strong>
          <ul>
            {missing.map((m, i) => (
              <li key={i} data-field={m.field}>
                {localize(m.message, locale)}
                {m.need !== undefined && (
                  <small>
                    {' '}
                    ({m.have ?? 0}/{m.need})
                  </small>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {message && <p className="rep-ok">{message}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
