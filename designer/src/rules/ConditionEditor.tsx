// A condition as admins build it: field / operator / value rows in AND/OR groups, written as CEL
// (shown underneath); "advanced" switches to the Monaco CEL editor for anything the rows cannot say.
import { lazy, Suspense, useState } from 'react';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import { useTr } from '../shell/locale-context';
import {
  fromCel,
  operatorLabels,
  operatorsFor,
  toCel,
  type ConditionGroup,
  type ConditionRow,
} from './condition-cel';

const CelEditor = lazy(() => import('./CelEditor'));

export interface ConditionEditorProps {
  readonly space: string;
  readonly table: string;
  readonly fields: readonly FieldDefinition[];
  readonly value: string;
  readonly onChange: (cel: string) => void;
  readonly testId: string;
}

function GroupEditor({
  group,
  fields,
  onChange,
  testId,
  depth,
}: {
  readonly group: ConditionGroup;
  readonly fields: readonly FieldDefinition[];
  readonly onChange: (g: ConditionGroup) => void;
  readonly testId: string;
  readonly depth: number;
}) {
  const { tr } = useTr();
  const set = (i: number, item: ConditionRow | ConditionGroup | null) =>
    onChange({
      ...group,
      items:
        item === null
          ? group.items.filter((_, j) => j !== i)
          : group.items.map((x, j) => (j === i ? item : x)),
    });
  const first = fields[0]?.key ?? '';
  return (
    <div className={`cond-group depth-${depth}`} data-testid={`${testId}-group`}>
      <select
        value={group.join}
        data-testid={`${testId}-join`}
        onChange={(e) => onChange({ ...group, join: e.target.value as 'and' | 'or' })}
      >
        <option value="and">{tr({ 'zh-CN': '全部满足 (AND)', en: 'all of (AND)' })}</option>
        <option value="or">{tr({ 'zh-CN': '任一满足 (OR)', en: 'any of (OR)' })}</option>
      </select>
      {group.items.map((item, i) =>
        item.kind === 'group' ? (
          <div key={i} className="cond-nested">
            <GroupEditor
              group={item}
              fields={fields}
              onChange={(g) => set(i, g)}
              testId={`${testId}-${i}`}
              depth={depth + 1}
            />
            <button type="button" className="link" onClick={() => set(i, null)}>
              ×
            </button>
          </div>
        ) : (
          <div key={i} className="cond-row" data-testid={`${testId}-row-${i}`}>
            <select
              value={item.field}
              data-testid={`${testId}-field-${i}`}
              onChange={(e) => {
                const field = fields.find((f) => f.key === e.target.value);
                const ops = operatorsFor(field);
                set(i, {
                  ...item,
                  field: e.target.value,
                  operator: ops.includes(item.operator) ? item.operator : ops[0]!,
                });
              }}
            >
              {fields.map((f) => (
                <option key={f.key} value={f.key}>
                  {tr(f.label)} ({f.key})
                </option>
              ))}
            </select>
            <select
              value={item.operator}
              data-testid={`${testId}-op-${i}`}
              onChange={(e) =>
                set(i, { ...item, operator: e.target.value as ConditionRow['operator'] })
              }
            >
              {operatorsFor(fields.find((f) => f.key === item.field)).map((o) => (
                <option key={o} value={o}>
                  {tr(operatorLabels[o])}
                </option>
              ))}
            </select>
            {item.operator !== 'is_empty' && item.operator !== 'is_set' && (
              <input
                value={item.value}
                data-testid={`${testId}-value-${i}`}
                onChange={(e) => set(i, { ...item, value: e.target.value })}
              />
            )}
            <button type="button" className="link" onClick={() => set(i, null)}>
              ×
            </button>
          </div>
        ),
      )}
      <div className="cond-actions">
        <button
          type="button"
          className="link"
          data-testid={`${testId}-add-row`}
          onClick={() =>
            onChange({
              ...group,
              items: [
                ...group.items,
                { kind: 'row', field: first, operator: operatorsFor(fields[0])[0]!, value: '' },
              ],
            })
          }
        >
          + {tr({ 'zh-CN': '条件', en: 'condition' })}
        </button>
        {depth < 2 && (
          <button
            type="button"
            className="link"
            data-testid={`${testId}-add-group`}
            onClick={() =>
              onChange({
                ...group,
                items: [
                  ...group.items,
                  { kind: 'group', join: group.join === 'and' ? 'or' : 'and', items: [] },
                ],
              })
            }
          >
            + {tr({ 'zh-CN': '条件组', en: 'group' })}
          </button>
        )}
      </div>
    </div>
  );
}

export function ConditionEditor({
  space,
  table,
  fields,
  value,
  onChange,
  testId,
}: ConditionEditorProps) {
  const { tr } = useTr();
  const parsed = fromCel(value);
  const [advanced, setAdvanced] = useState(parsed === null);
  const [group, setGroup] = useState<ConditionGroup>(
    parsed ?? { kind: 'group', join: 'and', items: [] },
  );
  return (
    <div className="condition-editor" data-testid={testId}>
      <div className="cond-mode">
        <button
          type="button"
          className={advanced ? 'link' : 'link active'}
          data-testid={`${testId}-visual`}
          disabled={!advanced}
          onClick={() => {
            const back = fromCel(value);
            if (back) {
              setGroup(back);
              setAdvanced(false);
            } else {
              window.alert(
                tr({
                  'zh-CN': '这个表达式无法用可视化条件表示',
                  en: 'The visual builder cannot show this expression',
                }),
              );
            }
          }}
        >
          {tr({ 'zh-CN': '可视化', en: 'Visual' })}
        </button>
        <button
          type="button"
          className={advanced ? 'link active' : 'link'}
          data-testid={`${testId}-advanced`}
          disabled={advanced}
          onClick={() => setAdvanced(true)}
        >
          {tr({ 'zh-CN': '高级 (CEL)', en: 'Advanced (CEL)' })}
        </button>
      </div>
      {advanced ? (
        <Suspense fallback={<pre className="mono">{value}</pre>}>
          <CelEditor
            space={space}
            table={table}
            fields={fields}
            value={value}
            onChange={onChange}
          />
        </Suspense>
      ) : (
        <>
          <GroupEditor
            group={group}
            fields={fields}
            testId={testId}
            depth={0}
            onChange={(g) => {
              setGroup(g);
              onChange(toCel(g, fields));
            }}
          />
          <code className="cel-preview" data-testid={`${testId}-cel`}>
            {value}
          </code>
        </>
      )}
    </div>
  );
}
