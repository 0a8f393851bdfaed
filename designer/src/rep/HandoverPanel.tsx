// Accept or reject a lead handed over: valid, needs information, or invalid with one of the
// flow's preset reasons and a note (the server refuses an invalid verdict without them).
import { useState } from 'react';
import { localize } from '../../../runtime/localized-text';
import { repApi, RepApiError } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { useRepSessionOrThrow } from './rep-context';

const text = {
  title: { 'zh-CN': '待确认的线索移交', en: 'Handover waiting for you' },
  hint: {
    'zh-CN': '确认前线索处于冻结状态，请判定是否有效。',
    en: 'The lead is frozen until you judge it.',
  },
  valid: { 'zh-CN': '有效，接收', en: 'Valid, accept' },
  needsInfo: { 'zh-CN': '需补充信息', en: 'Needs information' },
  invalid: { 'zh-CN': '无效，退回', en: 'Invalid, return' },
  reason: { 'zh-CN': '无效原因', en: 'Reason' },
  note: { 'zh-CN': '说明', en: 'Note' },
  choose: { 'zh-CN': '请选择原因', en: 'Choose a reason' },
  confirmInvalid: { 'zh-CN': '确认判定无效', en: 'Confirm invalid' },
  sent: { 'zh-CN': '已提交判定，等待流程处理…', en: 'Verdict sent, the flow is taking it…' },
};

interface Props {
  readonly table: string;
  readonly id: string;
  readonly flow: string;
  readonly onDone: () => void;
}

export function HandoverPanel({ table, id, flow, onDone }: Props) {
  const { space, definition } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();

  const flowDef = definition.flows?.find((f) => f.key === flow);
  const node = flowDef?.nodes.find((n) => n.type === 'handover');
  const listKey = node?.type === 'handover' ? node.invalidReasons : undefined;
  const reasons = (listKey ? definition.lists?.[listKey] : undefined) ?? [];

  const send = async (verdict: 'valid' | 'needs_info' | 'invalid') => {
    setError(undefined);
    try {
      await repApi.verdict(space, table, id, {
        flow,
        verdict,
        ...(verdict === 'invalid' ? { reason: reason || undefined, note } : {}),
      });
      setSent(true);
      onDone();
    } catch (e) {
      if (e instanceof RepApiError && e.issues.length > 0)
        setError(
          e.issues
            .map((i) => (typeof i.message === 'string' ? i.message : localize(i.message, locale)))
            .join('；'),
        );
      else setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="panel rep-handover" data-testid="rep-handover">
      <h3>{tr(text.title)}</h3>
      {flowDef && <p className="muted">{localize(flowDef.label, locale)}</p>}
      <p className="rep-hint">{tr(text.hint)}</p>
      {sent ? (
        <p className="rep-ok">{tr(text.sent)}</p>
      ) : (
        <div className="rep-actions">
          <button type="button" data-testid="verdict-valid" onClick={() => void send('valid')}>
            {tr(text.valid)}
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="verdict-needs-info"
            onClick={() => void send('needs_info')}
          >
            {tr(text.needsInfo)}
          </button>
          <button
            type="button"
            className="danger"
            data-testid="verdict-invalid"
            onClick={() => setRejecting(!rejecting)}
          >
            {tr(text.invalid)}
          </button>
        </div>
      )}
      {rejecting && !sent && (
        <div className="rep-reject">
          <label className="rep-field">
            <span>{tr(text.reason)}</span>
            <select
              name="reason"
              data-testid="verdict-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            >
              <option value="">{tr(text.choose)}</option>
              {reasons.map((r) => (
                <option key={r.value} value={r.value}>
                  {localize(r.label, locale)}
                </option>
              ))}
            </select>
          </label>
          <label className="rep-field">
            <span>{tr(text.note)}</span>
            <textarea
              name="note"
              rows={2}
              data-testid="verdict-note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="danger"
            data-testid="verdict-confirm-invalid"
            onClick={() => void send('invalid')}
          >
            {tr(text.confirmInvalid)}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="verdict-error">
          {error}
        </p>
      )}
    </section>
  );
}
