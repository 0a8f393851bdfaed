// The form canvas: sections with their columns; drop fields from the palette into a column, drag
// placed items between columns and sections, click one to edit it.
import { useState } from 'react';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import type { FormDefinition, FormItem } from '../../../runtime/forms/form-schema';
import { LocalizedInput } from '../draft/LocalizedInput';
import { useTr } from '../shell/locale-context';
import { placeItem, type ItemAt } from './formEdits';

/** Drag payload: a field key from the palette, or an item's position on the canvas. */
export const formFieldMime = 'application/x-baton-form-field';
const itemMime = 'application/x-baton-form-item';

export function FormCanvas({
  form,
  table,
  selected,
  issuePointers,
  formIndex,
  onChange,
  onSelect,
}: {
  readonly form: FormDefinition;
  readonly table: TableDefinition;
  readonly selected: ItemAt | null;
  readonly issuePointers: readonly string[];
  readonly formIndex: number;
  readonly onChange: (form: FormDefinition) => void;
  readonly onSelect: (at: ItemAt | null) => void;
}) {
  const { tr } = useTr();
  const [over, setOver] = useState<string | null>(null);
  const labelOf = (key: string) => {
    const field = table.fields.find((f) => f.key === key);
    return field ? tr(field.label) : key;
  };
  const drop = (e: React.DragEvent, section: number, column: number, before?: number) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(null);
    const field = e.dataTransfer.getData(formFieldMime);
    if (field) {
      onChange(placeItem(form, { field }, section, column, undefined, before));
      return;
    }
    const moving = e.dataTransfer.getData(itemMime);
    if (moving) {
      const from = JSON.parse(moving) as ItemAt;
      const item = form.sections[from.section]?.items[from.item];
      if (item) onChange(placeItem(form, item, section, column, from, before));
      onSelect(null);
    }
  };
  const setSection = (s: number, change: Partial<FormDefinition['sections'][number]>) =>
    onChange({
      ...form,
      sections: form.sections.map((x, i) => (i === s ? { ...x, ...change } : x)),
    });
  const hasIssue = (s: number, i: number) =>
    issuePointers.some((p) => p.startsWith(`/forms/${formIndex}/sections/${s}/items/${i}/`));

  return (
    <div className="form-canvas" data-testid="form-canvas">
      {form.sections.map((section, s) => {
        const columns = section.columns ?? 1;
        return (
          <div key={s} className="panel form-section" data-testid={`section-${section.key}`}>
            <div className="toolbar props">
              <LocalizedInput
                value={section.label}
                onChange={(label) => setSection(s, { label })}
                testId={`section-${s}-label`}
              />
              <label>
                {tr({ 'zh-CN': '列数', en: 'Columns' })}
                <select
                  value={columns}
                  data-testid={`section-${s}-columns`}
                  onChange={(e) => setSection(s, { columns: Number(e.target.value) })}
                >
                  {[1, 2, 3, 4].map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </select>
              </label>
              <label>
                {tr({ 'zh-CN': '显示条件（CEL）', en: 'Show when (CEL)' })}
                <input
                  value={section.visibleIf ?? ''}
                  placeholder='record.source == "expo"'
                  onChange={(e) =>
                    setSection(s, { visibleIf: e.target.value === '' ? undefined : e.target.value })
                  }
                />
              </label>
              <button
                type="button"
                aria-label="remove section"
                disabled={form.sections.length === 1}
                onClick={() =>
                  onChange({ ...form, sections: form.sections.filter((_, i) => i !== s) })
                }
              >
                ×
              </button>
            </div>
            <div
              className="form-columns"
              style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
            >
              {Array.from({ length: columns }, (_, c) => {
                const id = `${s}-${c}`;
                const items = section.items
                  .map((item, i) => ({ item, i }))
                  .filter(({ item }) => Math.min(item.column ?? 0, columns - 1) === c);
                return (
                  <ul
                    key={c}
                    className={`drop-list${over === id ? ' over' : ''}`}
                    data-testid={`drop-${section.key}-${c}`}
                    onDragOver={(e) => {
                      e.preventDefault();
                      setOver(id);
                    }}
                    onDragLeave={() => setOver(null)}
                    onDrop={(e) => drop(e, s, c)}
                  >
                    {items.map(({ item, i }) => (
                      <FormItemChip
                        key={`${i}-${item.field}`}
                        item={item}
                        label={labelOf(item.field)}
                        selected={selected?.section === s && selected.item === i}
                        issue={hasIssue(s, i)}
                        onSelect={() => onSelect({ section: s, item: i })}
                        onDragStart={(e) =>
                          e.dataTransfer.setData(itemMime, JSON.stringify({ section: s, item: i }))
                        }
                        onDrop={(e) => drop(e, s, c, i)}
                      />
                    ))}
                  </ul>
                );
              })}
            </div>
          </div>
        );
      })}
      <button
        type="button"
        data-testid="add-section"
        onClick={() => {
          let n = form.sections.length + 1;
          while (form.sections.some((x) => x.key === `section_${n}`)) n += 1;
          onChange({
            ...form,
            sections: [
              ...form.sections,
              {
                key: `section_${n}`,
                label: { 'zh-CN': `分区${n}`, en: `Section ${n}` },
                columns: 1,
                items: [],
              },
            ],
          });
        }}
      >
        {tr({ 'zh-CN': '+ 添加分区', en: '+ Add section' })}
      </button>
    </div>
  );
}

function FormItemChip(props: {
  item: FormItem;
  label: string;
  selected: boolean;
  issue: boolean;
  onSelect: () => void;
  onDragStart: (e: React.DragEvent) => void;
  onDrop: (e: React.DragEvent) => void;
}) {
  return (
    <li
      draggable
      data-testid={`item-${props.item.field}`}
      className={`${props.selected ? 'selected' : ''} ${props.issue ? 'has-issue' : ''}`}
      onClick={props.onSelect}
      onDragStart={props.onDragStart}
      onDragOver={(e) => e.preventDefault()}
      onDrop={props.onDrop}
    >
      <span aria-hidden>⋮⋮</span>
      {props.label}
      {props.item.required && <span>*</span>}
      {props.item.visibleIf && <span title={props.item.visibleIf}>👁</span>}
    </li>
  );
}
