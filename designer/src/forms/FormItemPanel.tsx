// Properties of a placed field on a form: required here, min items, visibility (CEL), read-only.
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import { listFieldTypes, type FormItem } from '../../../runtime/forms/form-schema';
import { useTr } from '../shell/locale-context';
import { CheckProp, NumberProp, TextProp } from '../tables/PropInputs';

export function FormItemPanel({
  item,
  field,
  onChange,
  onRemove,
}: {
  readonly item: FormItem;
  readonly field: FieldDefinition | undefined;
  readonly onChange: (item: FormItem) => void;
  readonly onRemove: () => void;
}) {
  const { tr } = useTr();
  const set = <K extends keyof FormItem>(key: K, value: FormItem[K] | undefined) => {
    const next = { ...item, [key]: value };
    if (value === undefined) delete next[key];
    onChange(next);
  };
  return (
    <div className="panel props" data-testid="item-panel">
      <h3>
        {field ? tr(field.label) : item.field} <code>{item.field}</code>
      </h3>
      {field?.required && (
        <p className="code">{tr({ 'zh-CN': '数据表要求必填', en: 'Required by the table' })}</p>
      )}
      <CheckProp
        label={tr({ 'zh-CN': '在此表单必填', en: 'Required on this form' })}
        value={item.required}
        onChange={(v) => set('required', v)}
        testId="item-required"
      />
      {field && listFieldTypes.includes(field.type) && (
        <NumberProp
          label={tr({ 'zh-CN': '最少项数', en: 'Min items' })}
          value={item.minItems}
          onChange={(v) => set('minItems', v)}
          testId="item-min-items"
        />
      )}
      <TextProp
        label={tr({
          'zh-CN': '显示条件（CEL，基于已填写的值）',
          en: 'Show when (CEL over the values entered)',
        })}
        value={item.visibleIf}
        placeholder='record.source == "offline_qr"'
        onChange={(v) => set('visibleIf', v)}
        testId="item-visible-if"
      />
      <CheckProp
        label={tr({ 'zh-CN': '只读', en: 'Read only' })}
        value={item.readOnly}
        onChange={(v) => set('readOnly', v)}
      />
      <button type="button" onClick={onRemove} data-testid="remove-item">
        {tr({ 'zh-CN': '从表单移除', en: 'Remove from form' })}
      </button>
    </div>
  );
}
