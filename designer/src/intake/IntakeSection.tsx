// Intake sources: the mapping canvas from a sample payload to table fields, signature settings,
// secret rotation, and a test delivery that shows what the pipeline did with it.
import { useMemo, useState } from 'react';
import { intakeKinds, type IntakeSource } from '../../../runtime/intake/intake-schema';
import { AdminApiError, intakeApi, type IntakeAnswer } from '../api/admin';
import { IssueList } from '../draft/IssueList';
import { LocalizedInput } from '../draft/LocalizedInput';
import { PublishDialog } from '../draft/PublishDialog';
import { PublishButton } from '../draft/PublishButton';
import { SpaceGate } from '../draft/SpaceGate';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { navigate, routeHref } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { MappingCanvas } from './MappingCanvas';
import { payloadPaths } from './payloadPaths';
import '../draft/admin.css';
import './intake.css';

const kindLabels: Record<(typeof intakeKinds)[number], { 'zh-CN': string; en: string }> = {
  web_form: { 'zh-CN': '官网表单', en: 'Web form' },
  wecom: { 'zh-CN': '企业微信', en: 'WeCom' },
  douyin: { 'zh-CN': '抖音', en: 'Douyin' },
  sms: { 'zh-CN': '短信', en: 'SMS' },
  offline_qr: { 'zh-CN': '线下扫码', en: 'Offline QR' },
  api: { 'zh-CN': '其他系统 API', en: 'Other system (API)' },
};

const defaultSample =
  '{\n  "name": "王医生",\n  "mobile": "13800138000",\n  "hospital": "浙江省人民医院"\n}';

export default function IntakeSection({ path }: SectionProps) {
  const [space, source] = path;
  if (!space) return <SpaceGate section="intake" />;
  return <IntakeDesigner space={space} sourceKey={source} />;
}

function IntakeDesigner({ space, sourceKey }: { space: string; sourceKey?: string }) {
  const { tr } = useTr();
  const { draft, error, issues, update, save } = useDraft(space);
  const [sample, setSample] = useState(defaultSample);
  const [newKey, setNewKey] = useState('');
  const [publishing, setPublishing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [test, setTest] = useState<
    { mapped: Record<string, unknown>; answer: IntakeAnswer } | { failure: string } | null
  >(null);

  const parsedSample = useMemo(() => {
    try {
      const value: unknown = JSON.parse(sample);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }, [sample]);
  const paths = useMemo(() => payloadPaths(parsedSample ?? {}), [parsedSample]);

  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>{tr({ 'zh-CN': '加载中…', en: 'Loading…' })}</p>;
  const sources = draft.intake ?? [];
  const index = sources.findIndex((s) => s.key === sourceKey);
  const source = index >= 0 ? sources[index] : undefined;
  const table = source ? draft.tables.find((t) => t.key === source.table) : undefined;
  const setSource = (change: Partial<IntakeSource>) =>
    update((d) => ({
      ...d,
      intake: (d.intake ?? []).map((s, i) => (i === index ? { ...s, ...change } : s)),
    }));
  const keyValid = /^[a-z][a-z0-9_]{0,62}$/.test(newKey) && !sources.some((s) => s.key === newKey);
  const addSource = () => {
    const first = draft.tables[0];
    if (!keyValid || !first) return;
    update((d) => ({
      ...d,
      intake: [
        ...(d.intake ?? []),
        {
          key: newKey,
          label: { 'zh-CN': newKey, en: newKey },
          kind: 'web_form',
          table: first.key,
          map: {},
          signature: { header: 'x-baton-signature', algorithm: 'hmac-sha256' },
        },
      ],
    }));
    navigate('intake', space, newKey);
    setNewKey('');
  };
  const failure = (e: unknown) =>
    e instanceof AdminApiError
      ? `${e.code}: ${e.message}${e.issues.length ? ' — ' + e.issues.map((i) => `${i.pointer} ${typeof i.message === 'string' ? i.message : tr(i.message)}`).join('; ') : ''}`
      : String(e);

  return (
    <div className="admin" data-testid="intake-designer">
      <div className="toolbar">
        <h2>
          {tr({ 'zh-CN': '线索来源', en: 'Intake sources' })} · <code>{space}</code>
        </h2>
        <button type="button" onClick={() => void save()}>
          {tr({ 'zh-CN': '保存草稿', en: 'Save draft' })}
        </button>
        <PublishButton onOpen={() => setPublishing(true)} />
      </div>
      <IssueList issues={issues.filter((i) => i.pointer.startsWith('/intake'))} />
      <div className="intake-layout">
        <div className="panel">
          <ul>
            {sources.map((s) => (
              <li key={s.key}>
                <a href={routeHref('intake', space, s.key)} data-testid={`source-${s.key}`}>
                  {tr(s.label)} <code>{s.key}</code>
                </a>
              </li>
            ))}
          </ul>
          <div className="props">
            <label>
              {tr({ 'zh-CN': '新来源标识', en: 'New source key' })}
              <input
                value={newKey}
                data-testid="new-source-key"
                onChange={(e) => setNewKey(e.target.value)}
                placeholder="web_form"
              />
            </label>
            <button type="button" disabled={!keyValid} onClick={addSource} data-testid="add-source">
              {tr({ 'zh-CN': '+ 新建来源', en: '+ New source' })}
            </button>
          </div>
        </div>
        {source ? (
          <div className="panel props">
            <div className="toolbar">
              <label>
                {tr({ 'zh-CN': '名称', en: 'Label' })}
                <LocalizedInput value={source.label} onChange={(label) => setSource({ label })} />
              </label>
              <label>
                {tr({ 'zh-CN': '渠道', en: 'Channel' })}
                <select
                  value={source.kind}
                  onChange={(e) => setSource({ kind: e.target.value as IntakeSource['kind'] })}
                >
                  {intakeKinds.map((k) => (
                    <option key={k} value={k}>
                      {tr(kindLabels[k])}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {tr({ 'zh-CN': '写入数据表', en: 'Into table' })}
                <select
                  value={source.table}
                  onChange={(e) => setSource({ table: e.target.value, map: {} })}
                >
                  {draft.tables.map((t) => (
                    <option key={t.key} value={t.key}>
                      {tr(t.label)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {tr({ 'zh-CN': '签名请求头', en: 'Signature header' })}
                <input
                  value={source.signature.header}
                  onChange={(e) =>
                    setSource({ signature: { ...source.signature, header: e.target.value } })
                  }
                />
              </label>
              <label>
                {tr({ 'zh-CN': '时间戳请求头（防重放）', en: 'Timestamp header (replay window)' })}
                <input
                  value={source.signature.timestampHeader ?? ''}
                  placeholder="x-baton-timestamp"
                  onChange={(e) => {
                    const rest = { ...source.signature };
                    delete rest.timestampHeader;
                    setSource({
                      signature: e.target.value
                        ? { ...rest, timestampHeader: e.target.value }
                        : rest,
                    });
                  }}
                />
              </label>
            </div>
            <label>
              {tr({ 'zh-CN': '样例数据（JSON）', en: 'Sample payload (JSON)' })}
              <textarea
                rows={6}
                value={sample}
                data-testid="sample-payload"
                onChange={(e) => setSample(e.target.value)}
              />
            </label>
            {parsedSample === null && (
              <p className="error">
                {tr({ 'zh-CN': '样例不是 JSON 对象', en: 'The sample is not a JSON object' })}
              </p>
            )}
            {table && (
              <MappingCanvas
                paths={paths}
                table={table}
                map={source.map}
                onChange={(map) => setSource({ map })}
              />
            )}
            <div className="toolbar">
              <button
                type="button"
                data-testid="rotate-secret"
                onClick={() =>
                  intakeApi.rotateSecret(space, source.key).then(
                    (r) => setSecret(r.secret),
                    (e: unknown) => setSecret(failure(e)),
                  )
                }
              >
                {tr({ 'zh-CN': '生成 / 轮换密钥', en: 'Create / rotate secret' })}
              </button>
              <button
                type="button"
                className="primary"
                data-testid="send-test"
                disabled={parsedSample === null}
                onClick={() =>
                  intakeApi
                    .testDelivery(space, source.key, parsedSample ?? {})
                    .then(setTest, (e: unknown) => setTest({ failure: failure(e) }))
                }
              >
                {tr({ 'zh-CN': '发送测试数据', en: 'Send test delivery' })}
              </button>
              <span className="code">
                {tr({
                  'zh-CN': '测试使用已发布的来源配置，并会创建一条真实线索',
                  en: 'Uses the published source and creates a real lead',
                })}
              </span>
            </div>
            {secret && (
              <p data-testid="secret">
                {tr({
                  'zh-CN': '新密钥（只显示一次，旧密钥 10 分钟内仍有效）：',
                  en: 'New secret (shown once; the old one works for 10 more minutes): ',
                })}
                <code>{secret}</code>
              </p>
            )}
            {test && 'failure' in test && <p className="error">{test.failure}</p>}
            {test && 'answer' in test && <TestOutcome mapped={test.mapped} answer={test.answer} />}
          </div>
        ) : (
          <p className="panel">
            {tr({ 'zh-CN': '选择或新建一个来源', en: 'Choose or create a source' })}
          </p>
        )}
      </div>
      {publishing && (
        <PublishDialog space={space} save={save} onClose={() => setPublishing(false)} />
      )}
    </div>
  );
}

function TestOutcome({
  mapped,
  answer,
}: {
  mapped: Record<string, unknown>;
  answer: IntakeAnswer;
}) {
  const { tr } = useTr();
  const dedupe = {
    unique: { 'zh-CN': '新线索', en: 'New lead' },
    returning: { 'zh-CN': '回流线索（已关联原线索）', en: 'Returning (linked to the original)' },
    flagged: { 'zh-CN': '疑似重复（已标记）', en: 'Possible duplicate (flagged)' },
  }[answer.dedupe];
  const rows: [string, string][] = [
    [tr({ 'zh-CN': '记录', en: 'Record' }), answer.recordId],
    [
      tr({ 'zh-CN': '查重结果', en: 'Dedupe' }),
      tr(dedupe) + (answer.original ? ` → ${answer.original}` : ''),
    ],
    [tr({ 'zh-CN': '标签', en: 'Tags' }), answer.tags.join(', ') || '—'],
    [
      tr({ 'zh-CN': '评分', en: 'Score' }),
      answer.score === null ? '—' : `${answer.score}${answer.band ? ` (${answer.band})` : ''}`,
    ],
    [
      tr({ 'zh-CN': '负责人', en: 'Owner' }),
      answer.owner ??
        (answer.pool ? `${tr({ 'zh-CN': '线索池', en: 'Pool' })}: ${answer.pool}` : '—'),
    ],
    [tr({ 'zh-CN': '阶段', en: 'Stage' }), answer.stage ?? '—'],
  ];
  return (
    <div data-testid="test-outcome">
      <h4>{tr({ 'zh-CN': '流水线处理结果', en: 'What the pipeline did' })}</h4>
      <table className="grid">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>{tr({ 'zh-CN': '映射后的字段值', en: 'Mapped values' })}</h4>
      <pre>{JSON.stringify(mapped, null, 2)}</pre>
    </div>
  );
}
