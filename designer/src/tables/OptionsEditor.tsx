// Options of a select field: inline values with zh-CN / en labels, or a named list of the definition.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { OptionDefinition } from '../../../runtime/definition/field-schema';
import { LocalizedInput } from '../draft/LocalizedInput';
import { useTr } from '../shell/locale-context';

type Options = readonly OptionDefinition[] | { readonly list: string };

export function OptionsEditor({
  value,
  lists,
  onChange,
}: {
  readonly value: Options;
  readonly lists: AppDefinition['lists'];
  readonly onChange: (value: OptionDefinition[] | { list: string }) => void;
}) {
  const { tr } = useTr();
  const listNames = Object.keys(lists ?? {});
  const inline = Array.isArray(value) ? (value as readonly OptionDefinition[]) : null;
  return (
    <fieldset data-testid="options-editor">
      <legend>{tr({ 'zh-CN': '选项', en: 'Options' })}</legend>
      {listNames.length > 0 && (
        <label>
          {tr({ 'zh-CN': '来源', en: 'Source' })}
          <select
            value={inline ? '' : (value as { list: string }).list}
            onChange={(e) =>
              onChange(
                e.target.value === ''
                  ? [{ value: 'a', label: { 'zh-CN': '选项A', en: 'Option A' } }]
                  : { list: e.target.value },
              )
            }
          >
            <option value="">{tr({ 'zh-CN': '自定义选项', en: 'Own options' })}</option>
            {listNames.map((l) => (
              <option key={l} value={l}>
                {tr({ 'zh-CN': `共享列表：${l}`, en: `Shared list: ${l}` })}
              </option>
            ))}
          </select>
        </label>
      )}
      {inline?.map((option, i) => (
        <div key={i} className="option-row">
          <input
            value={option.value}
            aria-label="value"
            data-testid={`option-${i}-value`}
            onChange={(e) =>
              onChange(inline.map((o, j) => (j === i ? { ...o, value: e.target.value } : o)))
            }
          />
          <LocalizedInput
            value={option.label}
            testId={`option-${i}-label`}
            onChange={(label) => onChange(inline.map((o, j) => (j === i ? { ...o, label } : o)))}
          />
          <button
            type="button"
            aria-label="remove"
            onClick={() => onChange(inline.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      {inline && (
        <button
          type="button"
          data-testid="add-option"
          onClick={() =>
            onChange([
              ...inline,
              {
                value: `option_${inline.length + 1}`,
                label: {
                  'zh-CN': `选项${inline.length + 1}`,
                  en: `Option ${inline.length + 1}`,
                },
              },
            ])
          }
        >
          {tr({ 'zh-CN': '+ 添加选项', en: '+ Add option' })}
        </button>
      )}
    </fieldset>
  );
}
