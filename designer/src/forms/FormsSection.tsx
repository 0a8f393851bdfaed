// The form designer: forms of the space's draft; the table's unplaced fields as a palette, the
// section/column canvas, the selected item's properties, and a live @rjsf preview.
import { useEffect, useMemo, useState } from 'react';
import type { FormDefinition } from '../../../runtime/forms/form-schema';
import { definitionApi } from '../api/admin';
import { IssueList } from '../draft/IssueList';
import { LocalizedInput } from '../draft/LocalizedInput';
import { PublishDialog } from '../draft/PublishDialog';
import { PublishButton } from '../draft/PublishButton';
import { SpaceGate } from '../draft/SpaceGate';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { navigate, routeHref } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { FormCanvas, formFieldMime } from './FormCanvas';
import { FormItemPanel } from './FormItemPanel';
import { FormPreview } from './FormPreview';
import { placedFields, placeItem, removeItem, updateItem, type ItemAt } from './formEdits';
import '../draft/admin.css';
import './forms.css';

export default function FormsSection({ path }: SectionProps) {
  const [space, formKey] = path;
  if (!space) return <SpaceGate section="forms" />;
  return <FormDesigner space={space} formKey={formKey} />;
}

function FormDesigner({ space, formKey }: { space: string; formKey?: string }) {
  const { tr } = useTr();
  const { draft, error, dirty, issues, update, save } = useDraft(space);
  const [selected, setSelected] = useState<ItemAt | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [publishedVersion, setPublishedVersion] = useState<number | undefined>();
  const [newKey, setNewKey] = useState('');
  const [newTable, setNewTable] = useState('');
  const [newLabel, setNewLabel] = useState({ 'zh-CN': '', en: '' });

  useEffect(() => {
    definitionApi.published(space).then(
      (p) => setPublishedVersion(p.version),
      () => undefined,
    );
  }, [space]);

  const forms = draft?.forms ?? [];
  const formIndex = forms.findIndex((f) => f.key === formKey);
  const form = formIndex >= 0 ? forms[formIndex] : undefined;
  const table = form ? draft?.tables.find((t) => t.key === form.table) : undefined;
  const placed = useMemo(() => (form ? placedFields(form) : new Set<string>()), [form]);

  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>{tr({ 'zh-CN': '加载中…', en: 'Loading…' })}</p>;

  const setForm = (next: FormDefinition) =>
    update((d) => ({
      ...d,
      forms: (d.forms ?? []).map((f, i) => (i === formIndex ? next : f)),
    }));
  const keyValid = /^[a-z][a-z0-9_]{0,62}$/.test(newKey) && !forms.some((f) => f.key === newKey);
  const tableForNew = newTable || draft.tables[0]?.key || '';
  const addForm = () => {
    if (!keyValid || !tableForNew) return;
    update((d) => ({
      ...d,
      forms: [
        ...(d.forms ?? []),
        {
          key: newKey,
          label: { 'zh-CN': newLabel['zh-CN'] || newKey, en: newLabel.en || newKey },
          table: tableForNew,
          sections: [
            {
              key: 'main',
              label: { 'zh-CN': '基本信息', en: 'Basics' },
              columns: 2,
              items: [],
            },
          ],
        },
      ],
    }));
    navigate('forms', space, newKey);
    setNewKey('');
  };
  const selectPointer = (pointer: string) => {
    const m = /^\/forms\/(\d+)(?:\/sections\/(\d+)\/items\/(\d+))?/.exec(pointer);
    const target = m ? forms[Number(m[1])] : undefined;
    if (!target) return;
    navigate('forms', space, target.key);
    setSelected(m?.[2] !== undefined ? { section: Number(m[2]), item: Number(m[3]) } : null);
  };
  const selectedItem =
    form && selected ? form.sections[selected.section]?.items[selected.item] : undefined;

  return (
    <div className="admin" data-testid="form-designer">
      <div className="toolbar">
        <h2>
          {tr({ 'zh-CN': '表单设计', en: 'Form designer' })} · <code>{space}</code>
        </h2>
        <button type="button" data-testid="save-draft" onClick={() => void save()}>
          {tr({ 'zh-CN': '保存草稿', en: 'Save draft' })}
          {dirty ? ' •' : ''}
        </button>
        <PublishButton onOpen={() => setPublishing(true)} />
        <a href={routeHref('tables', space)}>{tr({ 'zh-CN': '数据表设计', en: 'Tables' })}</a>
      </div>
      <IssueList
        issues={issues.filter((i) => i.pointer.startsWith('/forms'))}
        onSelect={selectPointer}
      />
      <div className="forms-layout">
        <div className="panel" data-testid="form-list">
          <h3>{tr({ 'zh-CN': '表单', en: 'Forms' })}</h3>
          <ul>
            {forms.map((f) => (
              <li key={f.key}>
                <a href={routeHref('forms', space, f.key)} data-testid={`form-${f.key}`}>
                  {tr(f.label)} <code>{f.key}</code>
                </a>
              </li>
            ))}
          </ul>
          <div className="props">
            <label>
              {tr({ 'zh-CN': '新表单标识', en: 'New form key' })}
              <input
                value={newKey}
                placeholder="lead_entry"
                data-testid="new-form-key"
                onChange={(e) => setNewKey(e.target.value)}
              />
            </label>
            <LocalizedInput value={newLabel} onChange={setNewLabel} testId="new-form-label" />
            <label>
              {tr({ 'zh-CN': '数据表', en: 'Table' })}
              <select
                value={tableForNew}
                data-testid="new-form-table"
                onChange={(e) => setNewTable(e.target.value)}
              >
                {draft.tables.map((t) => (
                  <option key={t.key} value={t.key}>
                    {tr(t.label)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={!keyValid} onClick={addForm} data-testid="add-form">
              {tr({ 'zh-CN': '+ 新建表单', en: '+ New form' })}
            </button>
          </div>
          {form && table && (
            <div data-testid="form-field-palette">
              <h3>{tr({ 'zh-CN': '可放置的字段', en: 'Fields to place' })}</h3>
              {table.fields
                .filter((f) => !placed.has(f.key))
                .map((f) => (
                  <button
                    key={f.key}
                    type="button"
                    draggable
                    className="palette-item"
                    data-testid={`form-palette-${f.key}`}
                    onDragStart={(e) => e.dataTransfer.setData(formFieldMime, f.key)}
                    onClick={() => setForm(placeItem(form, { field: f.key }, 0, 0))}
                  >
                    {tr(f.label)}
                    {f.required ? ' *' : ''}
                  </button>
                ))}
            </div>
          )}
        </div>
        {form && table ? (
          <div className="form-canvas">
            <div className="toolbar props panel">
              <label>
                {tr({ 'zh-CN': '表单名称', en: 'Form label' })}
                <LocalizedInput
                  value={form.label}
                  onChange={(label) => setForm({ ...form, label })}
                  testId="form-label"
                />
              </label>
              <span className="code">
                {tr({ 'zh-CN': '数据表', en: 'Table' })}: {tr(table.label)}
              </span>
              <button
                type="button"
                data-testid="delete-form"
                onClick={() => {
                  update((d) => ({
                    ...d,
                    forms: (d.forms ?? []).filter((_, i) => i !== formIndex),
                  }));
                  navigate('forms', space);
                }}
              >
                {tr({ 'zh-CN': '删除表单', en: 'Delete form' })}
              </button>
            </div>
            <FormCanvas
              form={form}
              table={table}
              formIndex={formIndex}
              selected={selected}
              issuePointers={issues.map((i) => i.pointer)}
              onChange={setForm}
              onSelect={setSelected}
            />
          </div>
        ) : (
          <p className="panel">
            {form
              ? tr({ 'zh-CN': `没有数据表「${form.table}」`, en: `No table "${form.table}"` })
              : tr({ 'zh-CN': '选择或新建一个表单', en: 'Choose or create a form' })}
          </p>
        )}
        <div className="forms-side">
          {form && selected && selectedItem && (
            <FormItemPanel
              item={selectedItem}
              field={table?.fields.find((f) => f.key === selectedItem.field)}
              onChange={(item) => setForm(updateItem(form, selected, item))}
              onRemove={() => {
                setForm(removeItem(form, selected));
                setSelected(null);
              }}
            />
          )}
          {form && (
            <FormPreview
              space={space}
              definition={draft}
              form={form}
              publishedVersion={publishedVersion}
            />
          )}
        </div>
      </div>
      {publishing && (
        <PublishDialog
          space={space}
          save={save}
          onClose={() => setPublishing(false)}
          onSelectIssue={selectPointer}
          onPublished={setPublishedVersion}
        />
      )}
    </div>
  );
}
