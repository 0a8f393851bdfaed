// Scorecards of a table: point rules (a condition on the record, or a behaviour event), the score
// bands with their colours, shown as a bar so overlaps and gaps are visible.
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import type { Scorecard, ScoreRule } from '../../../runtime/rules/scorecard-schema';
import { LocalizedInput } from '../draft/LocalizedInput';
import { useTr } from '../shell/locale-context';
import { ConditionEditor } from './ConditionEditor';

export function ScorecardEditor({
  space,
  table,
  card,
  onChange,
  onDelete,
}: {
  readonly space: string;
  readonly table: TableDefinition;
  readonly card: Scorecard;
  readonly onChange: (card: Scorecard) => void;
  readonly onDelete: () => void;
}) {
  const { tr } = useTr();
  const numberFields = table.fields.filter((f) => f.type === 'number' || f.type === 'integer');
  const setRule = (i: number, rule: ScoreRule | null) =>
    onChange({
      ...card,
      rules:
        rule === null
          ? card.rules.filter((_, j) => j !== i)
          : card.rules.map((r, j) => (j === i ? rule : r)),
    });
  const bands = [...card.bands].sort((a, b) => a.min - b.min);
  const low = Math.min(card.min ?? 0, ...bands.map((b) => b.min));
  const high = Math.max(card.max ?? 100, ...bands.map((b) => b.min + 1));
  return (
    <section className="panel rule-card" data-testid={`scorecard-${card.key}`}>
      <div className="toolbar">
        <strong>{tr(card.label)}</strong> <code>{card.key}</code>
        <label>
          {tr({ 'zh-CN': '分数写入', en: 'Score field' })}{' '}
          <select
            value={card.field ?? ''}
            onChange={(e) => onChange({ ...card, field: e.target.value || undefined })}
          >
            <option value="">—</option>
            {numberFields.map((f) => (
              <option key={f.key} value={f.key}>
                {f.key}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="link danger" onClick={onDelete}>
          {tr({ 'zh-CN': '删除评分卡', en: 'Delete scorecard' })}
        </button>
      </div>
      <h4>{tr({ 'zh-CN': '计分规则', en: 'Point rules' })}</h4>
      {card.rules.map((rule, i) => (
        <div key={i} className="score-rule" data-testid={`score-rule-${i}`}>
          <LocalizedInput value={rule.label} onChange={(label) => setRule(i, { ...rule, label })} />
          <input
            type="number"
            className="points"
            value={rule.points}
            data-testid={`score-points-${i}`}
            onChange={(e) => setRule(i, { ...rule, points: Number(e.target.value) })}
          />
          <span>{tr({ 'zh-CN': '分', en: 'pts' })}</span>
          {rule.kind === 'field' ? (
            <ConditionEditor
              space={space}
              table={table.key}
              fields={table.fields}
              value={rule.when}
              onChange={(when) => setRule(i, { ...rule, when })}
              testId={`score-when-${i}`}
            />
          ) : (
            <span>
              {tr({ 'zh-CN': '行为事件', en: 'Event' })}{' '}
              <input
                value={rule.event}
                onChange={(e) => setRule(i, { ...rule, event: e.target.value })}
              />
            </span>
          )}
          <button type="button" className="link" onClick={() => setRule(i, null)}>
            ×
          </button>
        </div>
      ))}
      <div className="toolbar">
        <button
          type="button"
          className="link"
          data-testid="add-field-rule"
          onClick={() =>
            onChange({
              ...card,
              rules: [
                ...card.rules,
                {
                  kind: 'field',
                  key: `rule_${card.rules.length + 1}`,
                  label: { 'zh-CN': '新规则', en: 'New rule' },
                  when: 'true',
                  points: 10,
                },
              ],
            })
          }
        >
          + {tr({ 'zh-CN': '字段条件规则', en: 'field rule' })}
        </button>
        <button
          type="button"
          className="link"
          onClick={() =>
            onChange({
              ...card,
              rules: [
                ...card.rules,
                {
                  kind: 'event',
                  key: `rule_${card.rules.length + 1}`,
                  label: { 'zh-CN': '行为', en: 'Behaviour' },
                  event: 'demo_booked',
                  points: 10,
                },
              ],
            })
          }
        >
          + {tr({ 'zh-CN': '行为事件规则', en: 'event rule' })}
        </button>
      </div>
      <h4>{tr({ 'zh-CN': '分档', en: 'Bands' })}</h4>
      <div className="band-bar" data-testid="band-bar">
        {bands.map((b, i) => {
          const end = bands[i + 1]?.min ?? high;
          return (
            <span
              key={b.key}
              style={{ background: b.color, flex: Math.max(1, end - b.min) }}
              title={`${b.min} – ${end}`}
            >
              {tr(b.label)} ≥ {b.min}
            </span>
          );
        })}
      </div>
      <span className="muted small">
        {low} … {high}
      </span>
      {card.bands.map((b, i) => (
        <div key={i} className="band-row" data-testid={`band-${i}`}>
          <input
            value={b.key}
            aria-label="key"
            onChange={(e) =>
              onChange({
                ...card,
                bands: card.bands.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)),
              })
            }
          />
          <LocalizedInput
            value={b.label}
            onChange={(label) =>
              onChange({
                ...card,
                bands: card.bands.map((x, j) => (j === i ? { ...x, label } : x)),
              })
            }
          />
          <label>
            ≥{' '}
            <input
              type="number"
              value={b.min}
              data-testid={`band-min-${i}`}
              onChange={(e) =>
                onChange({
                  ...card,
                  bands: card.bands.map((x, j) =>
                    j === i ? { ...x, min: Number(e.target.value) } : x,
                  ),
                })
              }
            />
          </label>
          <input
            type="color"
            value={b.color}
            data-testid={`band-color-${i}`}
            onChange={(e) =>
              onChange({
                ...card,
                bands: card.bands.map((x, j) => (j === i ? { ...x, color: e.target.value } : x)),
              })
            }
          />
          <button
            type="button"
            className="link"
            disabled={card.bands.length <= 1}
            onClick={() => onChange({ ...card, bands: card.bands.filter((_, j) => j !== i) })}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="link"
        data-testid="add-band"
        onClick={() =>
          onChange({
            ...card,
            bands: [
              ...card.bands,
              {
                key: `band_${card.bands.length + 1}`,
                label: { 'zh-CN': '新分档', en: 'New band' },
                min: high,
                color: '#27ab83',
              },
            ],
          })
        }
      >
        + {tr({ 'zh-CN': '分档', en: 'band' })}
      </button>
    </section>
  );
}
