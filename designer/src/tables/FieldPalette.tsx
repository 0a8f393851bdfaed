// The field palette: drag a type onto the field list, or click it to append.
import { fieldTypes, type FieldType } from '../../../runtime/definition/field-schema';
import { useTr } from '../shell/locale-context';
import { fieldTypeLabels } from './fieldTypeLabels';

/** The drag payload type carrying a field type from the palette. */
export const paletteMime = 'application/x-baton-field-type';

export function FieldPalette({ onAdd }: { readonly onAdd: (type: FieldType) => void }) {
  const { tr } = useTr();
  return (
    <div className="panel palette" data-testid="field-palette">
      <h3>{tr({ 'zh-CN': '字段类型', en: 'Field types' })}</h3>
      {fieldTypes.map((type) => (
        <button
          key={type}
          type="button"
          draggable
          className="palette-item"
          data-testid={`palette-${type}`}
          onDragStart={(e) => {
            e.dataTransfer.setData(paletteMime, type);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => onAdd(type)}
        >
          {tr(fieldTypeLabels[type])}
        </button>
      ))}
    </div>
  );
}
