// The table's fields in order: a drop target for palette types and for reordering by drag.
import { useState } from 'react';
import type { FieldDefinition, FieldType } from '../../../runtime/definition/field-schema';
import { useTr } from '../shell/locale-context';
import { paletteMime } from './FieldPalette';
import { fieldTypeLabels } from './fieldTypeLabels';

const moveMime = 'application/x-baton-field-index';

export function FieldList({
  fields,
  selected,
  withIssues,
  onSelect,
  onInsert,
  onMove,
}: {
  readonly fields: readonly FieldDefinition[];
  readonly selected: number | null;
  /** Field indexes that have validation problems. */
  readonly withIssues: ReadonlySet<number>;
  readonly onSelect: (index: number) => void;
  readonly onInsert: (type: FieldType, at: number) => void;
  readonly onMove: (from: number, to: number) => void;
}) {
  const { tr } = useTr();
  const [over, setOver] = useState<number | null>(null);

  const drop = (e: React.DragEvent, at: number) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(null);
    const type = e.dataTransfer.getData(paletteMime);
    if (type) return onInsert(type as FieldType, at);
    const from = e.dataTransfer.getData(moveMime);
    if (from !== '') onMove(Number(from), at);
  };
  const allow = (e: React.DragEvent, at: number) => {
    e.preventDefault();
    setOver(at);
  };

  return (
    <ul
      className={`drop-list${over === fields.length ? ' over' : ''}`}
      data-testid="field-list"
      onDragOver={(e) => allow(e, fields.length)}
      onDragLeave={() => setOver(null)}
      onDrop={(e) => drop(e, fields.length)}
    >
      {fields.length === 0 && (
        <p className="code">
          {tr({ 'zh-CN': '把左侧字段类型拖到这里', en: 'Drag field types here' })}
        </p>
      )}
      {fields.map((field, i) => (
        <li
          key={`${i}-${field.key}`}
          draggable
          data-testid={`field-${field.key}`}
          className={[
            selected === i ? 'selected' : '',
            withIssues.has(i) ? 'has-issue' : '',
            over === i ? 'over' : '',
          ].join(' ')}
          onClick={() => onSelect(i)}
          onDragStart={(e) => {
            e.dataTransfer.setData(moveMime, String(i));
            e.dataTransfer.effectAllowed = 'move';
          }}
          onDragOver={(e) => {
            e.stopPropagation();
            allow(e, i);
          }}
          onDrop={(e) => drop(e, i)}
        >
          <span aria-hidden>⋮⋮</span>
          <strong>{tr(field.label)}</strong>
          <code>{field.key}</code>
          <span className="code">{tr(fieldTypeLabels[field.type])}</span>
          {field.required && <span title="required">*</span>}
        </li>
      ))}
    </ul>
  );
}
