// The table designer: tables of the space's draft, a field palette to drag from, the field list,
// the selected field's properties, and publishing with the server's migration plan.
import { useMemo, useState } from 'react';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import type { FieldDefinition, FieldType } from '../../../runtime/definition/field-schema';
import { LocalizedInput } from '../draft/LocalizedInput';
import { IssueList } from '../draft/IssueList';
import { PublishDialog } from '../draft/PublishDialog';
import { PublishButton } from '../draft/PublishButton';
import { SpaceGate } from '../draft/SpaceGate';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { navigate, routeHref } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { FieldList } from './FieldList';
import { FieldPalette } from './FieldPalette';
import { FieldProperties } from './FieldProperties';
import { newField } from './newField';
import { StagesEditor } from './StagesEditor';
import '../draft/admin.css';

export default function TablesSection({ path }: SectionProps) {
  const [space, tableKey] = path;
  if (!space) return <SpaceGate section="tables" />;
  return <TableDesigner space={space} tableKey={tableKey} />;
}

function TableDesigner({ space, tableKey }: { space: string; tableKey?: string }) {
  const { tr } = useTr();
  const { draft, error, dirty, issues, update, save } = useDraft(space);
  const [selected, setSelected] = useState<number | null>(null);
  const [publishing, setPublishing] = useState(false);
  const [newKey, setNewKey] = useState('');
  const [newLabel, setNewLabel] = useState({ 'zh-CN': '', en: '' });
  const [saved, setSaved] = useState<string | null>(null);

  const tableIndex = draft?.tables.findIndex((t) => t.key === tableKey) ?? -1;
  const table = tableIndex >= 0 ? draft!.tables[tableIndex]! : undefined;
  const tableIssues = useMemo(
    () => issues.filter((i) => i.pointer.startsWith(`/tables/${tableIndex}/`)),
    [issues, tableIndex],
  );
  const fieldsWithIssues = useMemo(
    () =>
      new Set(
        tableIssues
          .map((i) => /^\/tables\/\d+\/fields\/(\d+)/.exec(i.pointer)?.[1])
          .filter((n): n is string => n !== undefined)
          .map(Number),
      ),
    [tableIssues],
  );

  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>{tr({ 'zh-CN': '加载中…', en: 'Loading…' })}</p>;

  const setTable = (change: (t: TableDefinition) => TableDefinition) =>
    update((d) => ({
      ...d,
      tables: d.tables.map((t, i) => (i === tableIndex ? change(t) : t)),
    }));
  const setFields = (change: (f: FieldDefinition[]) => FieldDefinition[]) =>
    setTable((t) => ({ ...t, fields: change([...t.fields]) }));
  const insert = (type: FieldType, at: number) => {
    if (!table) return;
    const field = newField(
      type,
      table.fields.map((f) => f.key),
      draft.tables.map((t) => t.key),
    );
    setFields((fields) => {
      fields.splice(at, 0, field);
      return fields;
    });
    setSelected(at);
  };
  const move = (from: number, to: number) => {
    setFields((fields) => {
      const [moved] = fields.splice(from, 1);
      fields.splice(to > from ? to - 1 : to, 0, moved!);
      return fields;
    });
    setSelected(to > from ? to - 1 : to);
  };
  const selectPointer = (pointer: string) => {
    const match = /^\/tables\/(\d+)(?:\/fields\/(\d+))?/.exec(pointer);
    const target = match ? draft.tables[Number(match[1])] : undefined;
    if (!target) return;
    navigate('tables', space, target.key);
    setSelected(match?.[2] !== undefined ? Number(match[2]) : null);
  };
  const addTable = () => {
    const key = newKey.trim();
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(key) || draft.tables.some((t) => t.key === key)) return;
    update((d) => ({
      ...d,
      tables: [
        ...d.tables,
        {
          key,
          label: {
            'zh-CN': newLabel['zh-CN'] || key,
            en: newLabel.en || key,
          },
          fields: [],
        },
      ],
    }));
    setNewKey('');
    setNewLabel({ 'zh-CN': '', en: '' });
    navigate('tables', space, key);
  };
  const keyValid = /^[a-z][a-z0-9_]{0,62}$/.test(newKey);

  return (
    <div className="admin" data-testid="table-designer">
      <div className="toolbar">
        <h2>
          {tr({ 'zh-CN': '数据表设计', en: 'Table designer' })} · <code>{space}</code>
        </h2>
        <button
          type="button"
          data-testid="save-draft"
          onClick={async () => {
            const found = await save();
            setSaved(
              found.length === 0
                ? tr({ 'zh-CN': '草稿已保存，校验通过', en: 'Draft saved and valid' })
                : tr({
                    'zh-CN': `草稿已保存，有 ${found.length} 个问题`,
                    en: `Draft saved with ${found.length} problem(s)`,
                  }),
            );
          }}
        >
          {tr({ 'zh-CN': '保存草稿', en: 'Save draft' })}
          {dirty ? ' •' : ''}
        </button>
        <PublishButton onOpen={() => setPublishing(true)} />
        <a href={routeHref('forms', space)}>{tr({ 'zh-CN': '表单设计', en: 'Forms' })}</a>
        <a href={routeHref('raw', space)}>{tr({ 'zh-CN': '源码模式', en: 'Raw JSON' })}</a>
        {saved && <span data-testid="save-status">{saved}</span>}
      </div>
      <IssueList issues={issues} onSelect={selectPointer} />
      <div className="columns-3">
        <div className="panel" data-testid="table-list">
          <h3>{tr({ 'zh-CN': '数据表', en: 'Tables' })}</h3>
          <ul>
            {draft.tables.map((t) => (
              <li key={t.key}>
                <a
                  href={routeHref('tables', space, t.key)}
                  className={t.key === tableKey ? 'active' : undefined}
                  data-testid={`table-${t.key}`}
                >
                  {tr(t.label)} <code>{t.key}</code>
                </a>
              </li>
            ))}
          </ul>
          <div className="props">
            <label>
              {tr({ 'zh-CN': '新表标识', en: 'New table key' })}
              <input
                value={newKey}
                data-testid="new-table-key"
                placeholder="customer"
                onChange={(e) => setNewKey(e.target.value)}
              />
            </label>
            {newKey !== '' && !keyValid && (
              <p className="error">
                {tr({
                  'zh-CN': '只能用小写字母、数字和下划线，以字母开头',
                  en: 'Lower-case letters, digits and _, starting with a letter',
                })}
              </p>
            )}
            <LocalizedInput value={newLabel} onChange={setNewLabel} testId="new-table-label" />
            <button type="button" disabled={!keyValid} onClick={addTable} data-testid="add-table">
              {tr({ 'zh-CN': '+ 新建数据表', en: '+ New table' })}
            </button>
          </div>
        </div>
        {table ? (
          <div className="panel">
            <div className="props">
              <label>
                {tr({ 'zh-CN': '表名称', en: 'Table label' })}
                <LocalizedInput
                  value={table.label}
                  onChange={(label) => setTable((t) => ({ ...t, label }))}
                />
              </label>
              <label>
                {tr({ 'zh-CN': '标题字段（关联时显示）', en: 'Title field (shown in relations)' })}
                <select
                  value={table.titleField ?? ''}
                  onChange={(e) =>
                    setTable((t) => {
                      const rest = { ...t };
                      delete rest.titleField;
                      return e.target.value ? { ...rest, titleField: e.target.value } : rest;
                    })
                  }
                >
                  <option value="">—</option>
                  {table.fields.map((f) => (
                    <option key={f.key} value={f.key}>
                      {tr(f.label)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <StagesEditor
              stages={table.stages ?? []}
              onChange={(stages) =>
                setTable((t) => {
                  const rest = { ...t };
                  delete rest.stages;
                  return stages ? { ...rest, stages } : rest;
                })
              }
            />
            <FieldList
              fields={table.fields}
              selected={selected}
              withIssues={fieldsWithIssues}
              onSelect={setSelected}
              onInsert={insert}
              onMove={move}
            />
          </div>
        ) : (
          <p className="panel">
            {tr({ 'zh-CN': '选择或新建一张数据表', en: 'Choose or create a table' })}
          </p>
        )}
        <div>
          {table && <FieldPalette onAdd={(type) => insert(type, table.fields.length)} />}
          {table && selected !== null && table.fields[selected] && (
            <FieldProperties
              field={table.fields[selected]}
              definition={draft}
              issues={tableIssues.filter(
                (i) =>
                  i.pointer.startsWith(`/tables/${tableIndex}/fields/${selected}/`) ||
                  i.pointer === `/tables/${tableIndex}/fields/${selected}`,
              )}
              onChange={(field) =>
                setFields((fields) => fields.map((f, i) => (i === selected ? field : f)))
              }
              onRemove={() => {
                setFields((fields) => fields.filter((_, i) => i !== selected));
                setSelected(null);
              }}
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
        />
      )}
    </div>
  );
}
