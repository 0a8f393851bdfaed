// The table's ordered stages (the record's `stage` column): key, zh-CN / en label, order.
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import { LocalizedInput } from '../draft/LocalizedInput';
import { useTr } from '../shell/locale-context';

type Stage = NonNullable<TableDefinition['stages']>[number];

export function StagesEditor({
  stages,
  onChange,
}: {
  readonly stages: readonly Stage[];
  readonly onChange: (stages: Stage[] | undefined) => void;
}) {
  const { tr } = useTr();
  const set = (next: Stage[]) => onChange(next.length > 0 ? next : undefined);
  const move = (from: number, to: number) => {
    const next = [...stages];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    set(next);
  };
  return (
    <details className="stages" data-testid="stages-editor">
      <summary>
        {tr({ 'zh-CN': `阶段（${stages.length}）`, en: `Stages (${stages.length})` })}
      </summary>
      {stages.map((stage, i) => (
        <div key={i} className="toolbar">
          <input
            value={stage.key}
            aria-label="key"
            data-testid={`stage-${i}-key`}
            onChange={(e) =>
              set(stages.map((s, j) => (j === i ? { ...s, key: e.target.value } : s)))
            }
          />
          <LocalizedInput
            value={stage.label}
            testId={`stage-${i}-label`}
            onChange={(label) => set(stages.map((s, j) => (j === i ? { ...s, label } : s)))}
          />
          <button type="button" aria-label="up" disabled={i === 0} onClick={() => move(i, i - 1)}>
            ↑
          </button>
          <button
            type="button"
            aria-label="down"
            disabled={i === stages.length - 1}
            onClick={() => move(i, i + 1)}
          >
            ↓
          </button>
          <button
            type="button"
            aria-label="remove"
            onClick={() => set(stages.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        data-testid="add-stage"
        onClick={() =>
          set([
            ...stages,
            {
              key: `stage_${stages.length + 1}`,
              label: {
                'zh-CN': `阶段${stages.length + 1}`,
                en: `Stage ${stages.length + 1}`,
              },
            },
          ])
        }
      >
        {tr({ 'zh-CN': '+ 添加阶段', en: '+ Add stage' })}
      </button>
    </details>
  );
}
