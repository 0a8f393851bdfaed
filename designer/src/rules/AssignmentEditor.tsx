// Assignment rules of a table: ordered entries (the first applicable entry with an eligible
// candidate wins), each with a condition, a candidate filter over `user`, capacity and strategy.
import { lazy, Suspense } from 'react';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import {
  assignmentStrategies,
  type AssignmentEntry,
  type AssignmentRule,
} from '../../../runtime/rules/assignment-schema';
import { useTr } from '../shell/locale-context';
import { ConditionEditor } from './ConditionEditor';

const CelEditor = lazy(() => import('./CelEditor'));

const strategyLabels = {
  least_loaded: { 'zh-CN': '最少负载', en: 'Least loaded' },
  round_robin: { 'zh-CN': '轮询', en: 'Round robin' },
  weighted: { 'zh-CN': '按权重', en: 'Weighted' },
} as const;

export function AssignmentEditor({
  space,
  table,
  rule,
  onChange,
  onDelete,
}: {
  readonly space: string;
  readonly table: TableDefinition;
  readonly rule: AssignmentRule;
  readonly onChange: (rule: AssignmentRule) => void;
  readonly onDelete: () => void;
}) {
  const { tr } = useTr();
  const setEntry = (i: number, entry: AssignmentEntry) =>
    onChange({ ...rule, entries: rule.entries.map((e, j) => (j === i ? entry : e)) });
  const move = (i: number, by: number) => {
    const list = [...rule.entries];
    const [item] = list.splice(i, 1);
    list.splice(i + by, 0, item!);
    onChange({ ...rule, entries: list });
  };
  return (
    <section className="panel rule-card" data-testid={`assignment-${rule.key}`}>
      <div className="toolbar">
        <strong>{rule.label ? tr(rule.label) : rule.key}</strong> <code>{rule.key}</code>
        <label>
          {tr({ 'zh-CN': '无人可分时进入公海', en: 'Fallback pool' })}{' '}
          <input
            value={rule.fallback.pool}
            onChange={(e) =>
              onChange({ ...rule, fallback: { ...rule.fallback, pool: e.target.value } })
            }
          />
        </label>
        <button type="button" className="link danger" onClick={onDelete}>
          {tr({ 'zh-CN': '删除规则', en: 'Delete rule' })}
        </button>
      </div>
      <ol className="entries">
        {rule.entries.map((entry, i) => (
          <li key={i} className="entry" data-testid={`entry-${i}`}>
            <div className="toolbar">
              <code>{entry.key}</code>
              <button
                type="button"
                className="link"
                disabled={i === 0}
                onClick={() => move(i, -1)}
                data-testid={`entry-up-${i}`}
              >
                ↑
              </button>
              <button
                type="button"
                className="link"
                disabled={i === rule.entries.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <label>
                {tr({ 'zh-CN': '策略', en: 'Strategy' })}{' '}
                <select
                  value={entry.strategy}
                  data-testid={`entry-strategy-${i}`}
                  onChange={(e) =>
                    setEntry(i, {
                      ...entry,
                      strategy: e.target.value as AssignmentEntry['strategy'],
                    })
                  }
                >
                  {assignmentStrategies.map((s) => (
                    <option key={s} value={s}>
                      {tr(strategyLabels[s])}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {tr({ 'zh-CN': '容量：在手线索 <', en: 'Capacity: open records <' })}{' '}
                <input
                  type="number"
                  min={1}
                  value={entry.capacity?.lessThan ?? ''}
                  data-testid={`entry-capacity-${i}`}
                  onChange={(e) =>
                    setEntry(i, {
                      ...entry,
                      capacity:
                        e.target.value === ''
                          ? undefined
                          : {
                              metric: 'open_records',
                              ...entry.capacity,
                              lessThan: Number(e.target.value),
                            },
                    })
                  }
                />
              </label>
              <button
                type="button"
                className="link"
                disabled={rule.entries.length <= 1}
                onClick={() =>
                  onChange({ ...rule, entries: rule.entries.filter((_, j) => j !== i) })
                }
              >
                ×
              </button>
            </div>
            <div className="entry-when">
              {tr({ 'zh-CN': '适用于', en: 'Applies when' })}
              <ConditionEditor
                space={space}
                table={table.key}
                fields={table.fields}
                value={entry.when ?? 'true'}
                onChange={(when) =>
                  setEntry(i, { ...entry, when: when === 'true' ? undefined : when })
                }
                testId={`entry-when-${i}`}
              />
            </div>
            <div>
              {tr({
                'zh-CN': '候选人 (CEL，user 与 record)',
                en: 'Candidates (CEL over user and record)',
              })}
              <Suspense fallback={<pre className="mono">{entry.candidates}</pre>}>
                <CelEditor
                  space={space}
                  table={table.key}
                  fields={table.fields}
                  value={entry.candidates}
                  user
                  onChange={(candidates) => setEntry(i, { ...entry, candidates })}
                />
              </Suspense>
            </div>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="link"
        data-testid="add-entry"
        onClick={() =>
          onChange({
            ...rule,
            entries: [
              ...rule.entries,
              {
                key: `entry_${rule.entries.length + 1}`,
                candidates: 'true',
                strategy: 'least_loaded',
              },
            ],
          })
        }
      >
        + {tr({ 'zh-CN': '分配条目', en: 'entry' })}
      </button>
    </section>
  );
}
