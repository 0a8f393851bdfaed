// The property panel of one field: what every field has, then what its type adds.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { FieldDefinition } from '../../../runtime/definition/field-schema';
import type { DefinitionIssue } from '../api/admin';
import { LocalizedInput } from '../draft/LocalizedInput';
import { useTr } from '../shell/locale-context';
import { fieldTypeLabels } from './fieldTypeLabels';
import { OptionsEditor } from './OptionsEditor';
import { CheckProp, NumberProp, SelectProp, TextProp } from './PropInputs';

type Loose = Record<string, unknown>;

export function FieldProperties({
  field,
  definition,
  issues,
  onChange,
  onRemove,
}: {
  readonly field: FieldDefinition;
  readonly definition: AppDefinition;
  readonly issues: readonly DefinitionIssue[];
  readonly onChange: (field: FieldDefinition) => void;
  readonly onRemove: () => void;
}) {
  const { tr } = useTr();
  const f = field as unknown as Loose;
  const set = (key: string, value: unknown) => {
    const next: Loose = { ...f, [key]: value };
    if (value === undefined) delete next[key];
    onChange(next as unknown as FieldDefinition);
  };
  const num = (key: string, label: { 'zh-CN': string; en: string }) => (
    <NumberProp
      label={tr(label)}
      value={f[key] as number | undefined}
      onChange={(v) => set(key, v)}
      testId={`prop-${key}`}
    />
  );
  const text = (key: string, label: { 'zh-CN': string; en: string }) => (
    <TextProp
      label={tr(label)}
      value={f[key] as string | undefined}
      onChange={(v) => set(key, v)}
      testId={`prop-${key}`}
    />
  );
  const otherTables = definition.tables.map((t) => t.key);

  return (
    <div className="panel props" data-testid="field-properties">
      <h3>
        {tr(fieldTypeLabels[field.type])} <code>{field.key}</code>
      </h3>
      {issues.length > 0 && (
        <ul className="issues" data-testid="field-issues">
          {issues.map((i, n) => (
            <li key={n}>
              <code>{i.pointer.split('/').slice(5).join('/') || field.key}</code> {tr(i.message)}
            </li>
          ))}
        </ul>
      )}
      <TextProp
        label={tr({ 'zh-CN': '字段标识（英文小写）', en: 'Key (lower-case identifier)' })}
        value={field.key}
        onChange={(v) => set('key', v ?? '')}
        testId="prop-key"
      />
      <label>
        {tr({ 'zh-CN': '名称', en: 'Label' })}
        <LocalizedInput value={field.label} onChange={(v) => set('label', v)} testId="prop-label" />
      </label>
      <label>
        {tr({ 'zh-CN': '说明', en: 'Description' })}
        <LocalizedInput value={field.description} onChange={(v) => set('description', v)} />
      </label>
      <CheckProp
        label={tr({ 'zh-CN': '必填', en: 'Required' })}
        value={field.required}
        onChange={(v) => set('required', v)}
        testId="prop-required"
      />
      <CheckProp
        label={tr({ 'zh-CN': '唯一', en: 'Unique' })}
        value={field.unique}
        onChange={(v) => set('unique', v)}
        testId="prop-unique"
      />
      <CheckProp
        label={tr({ 'zh-CN': '建索引（加快筛选）', en: 'Indexed (faster filters)' })}
        value={field.indexed}
        onChange={(v) => set('indexed', v)}
        testId="prop-indexed"
      />
      {field.type === 'text' && (
        <>
          {text('default', { 'zh-CN': '默认值', en: 'Default' })}
          {num('minLength', { 'zh-CN': '最少字数', en: 'Min length' })}
          {num('maxLength', { 'zh-CN': '最多字数', en: 'Max length' })}
          {text('pattern', { 'zh-CN': '格式（正则）', en: 'Pattern (regex)' })}
        </>
      )}
      {field.type === 'long_text' && (
        <>
          {text('default', { 'zh-CN': '默认值', en: 'Default' })}
          {num('maxLength', { 'zh-CN': '最多字数', en: 'Max length' })}
        </>
      )}
      {(field.type === 'number' || field.type === 'integer' || field.type === 'money') && (
        <>
          {num('default', { 'zh-CN': '默认值', en: 'Default' })}
          {num('min', { 'zh-CN': '最小值', en: 'Min' })}
          {num('max', { 'zh-CN': '最大值', en: 'Max' })}
          {field.type === 'money' && text('currency', { 'zh-CN': '币种', en: 'Currency' })}
        </>
      )}
      {field.type === 'boolean' && (
        <CheckProp
          label={tr({ 'zh-CN': '默认为是', en: 'Default yes' })}
          value={field.default}
          onChange={(v) => set('default', v)}
        />
      )}
      {field.type === 'date' &&
        text('default', { 'zh-CN': '默认值 YYYY-MM-DD', en: 'Default YYYY-MM-DD' })}
      {(field.type === 'select' || field.type === 'multi_select') && (
        <>
          <OptionsEditor
            value={field.options}
            lists={definition.lists}
            onChange={(v) => set('options', v)}
          />
          {field.type === 'select' &&
            text('default', { 'zh-CN': '默认选项值', en: 'Default value' })}
          {field.type === 'multi_select' && (
            <>
              {num('minItems', { 'zh-CN': '最少选择', en: 'Min items' })}
              {num('maxItems', { 'zh-CN': '最多选择', en: 'Max items' })}
            </>
          )}
        </>
      )}
      {field.type === 'phone' &&
        text('defaultRegion', { 'zh-CN': '默认地区（如 CN）', en: 'Default region (e.g. CN)' })}
      {field.type === 'relation' && (
        <>
          <SelectProp
            label={tr({ 'zh-CN': '关联到数据表', en: 'Points at table' })}
            value={field.table}
            choices={otherTables.map((t) => ({
              value: t,
              label: `${tr(definition.tables.find((x) => x.key === t)!.label)} (${t})`,
            }))}
            onChange={(v) => set('table', v)}
            testId="prop-relation-table"
          />
          {text('reverseKey', { 'zh-CN': '反向名称（标识）', en: 'Reverse key' })}
          <label>
            {tr({ 'zh-CN': '反向显示名', en: 'Reverse label' })}
            <LocalizedInput value={field.reverseLabel} onChange={(v) => set('reverseLabel', v)} />
          </label>
          <SelectProp
            label={tr({ 'zh-CN': '目标删除时', en: 'When the target is deleted' })}
            value={field.onDelete ?? 'restrict'}
            choices={[
              { value: 'restrict', label: tr({ 'zh-CN': '禁止删除', en: 'Refuse' }) },
              { value: 'set_null', label: tr({ 'zh-CN': '清空关联', en: 'Clear the link' }) },
            ]}
            onChange={(v) => set('onDelete', v)}
          />
        </>
      )}
      {field.type === 'attachments' && (
        <>
          <TextProp
            label={tr({
              'zh-CN': '允许的类型（逗号分隔，如 image/*）',
              en: 'Accepted types (comma separated, e.g. image/*)',
            })}
            value={field.accept?.join(',')}
            onChange={(v) =>
              set(
                'accept',
                v
                  ?.split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
              )
            }
          />
          {num('minItems', { 'zh-CN': '最少文件数', en: 'Min files' })}
          {num('maxItems', { 'zh-CN': '最多文件数', en: 'Max files' })}
        </>
      )}
      {field.type === 'computed' && (
        <>
          {text('expression', { 'zh-CN': '计算公式（CEL）', en: 'Expression (CEL)' })}
          <SelectProp
            label={tr({ 'zh-CN': '结果类型', en: 'Result type' })}
            value={field.resultType}
            choices={(['text', 'number', 'integer', 'boolean', 'date', 'datetime'] as const).map(
              (t) => ({ value: t, label: t }),
            )}
            onChange={(v) => set('resultType', v)}
          />
        </>
      )}
      {field.type === 'auto_number' && (
        <>
          {text('prefix', { 'zh-CN': '前缀', en: 'Prefix' })}
          {num('padding', { 'zh-CN': '位数', en: 'Digits' })}
        </>
      )}
      <p>
        <button type="button" onClick={onRemove} data-testid="remove-field">
          {tr({
            'zh-CN': `删除字段（已发布的数据会保留）`,
            en: 'Remove field (published data is kept)',
          })}
        </button>
      </p>
    </div>
  );
}
