// One starter-pack parameter as an input matching its type; empty keeps the pack's default.
import type { TemplateParameter } from '../api/admin';
import { useTr } from '../shell/locale-context';

export function ParameterInput({
  name,
  parameter,
  value,
  onChange,
}: {
  readonly name: string;
  readonly parameter: TemplateParameter;
  readonly value: unknown;
  readonly onChange: (value: unknown) => void;
}) {
  const { tr } = useTr();
  const shownDefault = Array.isArray(parameter.default)
    ? parameter.default.join(',')
    : String(parameter.default);
  const hint = parameter.description ? tr(parameter.description) : undefined;
  if (parameter.type === 'boolean') {
    return (
      <label className="check" title={hint}>
        <input
          type="checkbox"
          checked={value === undefined ? parameter.default === true : value === true}
          onChange={(e) => onChange(e.target.checked)}
          data-testid={`param-${name}`}
        />
        {tr(parameter.label)}
      </label>
    );
  }
  const numeric = parameter.type === 'integer' || parameter.type === 'number';
  const current = Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);
  return (
    <label title={hint}>
      {tr(parameter.label)}
      {parameter.type === 'duration' && (
        <span className="code">
          {' '}
          {tr({ 'zh-CN': '（ISO 时长，如 PT2H）', en: ' (ISO duration, e.g. PT2H)' })}
        </span>
      )}
      {parameter.type === 'string_list' && (
        <span className="code"> {tr({ 'zh-CN': '（逗号分隔）', en: ' (comma separated)' })}</span>
      )}
      <input
        type={numeric ? 'number' : 'text'}
        value={current}
        placeholder={shownDefault}
        min={typeof parameter.min === 'number' ? parameter.min : undefined}
        max={typeof parameter.max === 'number' ? parameter.max : undefined}
        data-testid={`param-${name}`}
        onChange={(e) => {
          const raw = e.target.value;
          if (raw === '') return onChange(undefined);
          if (numeric) return onChange(Number(raw));
          if (parameter.type === 'string_list')
            return onChange(
              raw
                .split(/[,，]/)
                .map((s) => s.trim())
                .filter(Boolean),
            );
          onChange(raw);
        }}
      />
      {hint && <small className="code">{hint}</small>}
    </label>
  );
}
