// The permission matrix: for one table and one stage (or every stage), fields × roles with read and
// write toggles, each role's row scopes and rights above; edits the definition's `roles`.
import { useState } from 'react';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type {
  FieldAccess,
  RoleDefinition,
  RowScope,
  TablePermission,
} from '../../../runtime/permissions/role-schema';
import { useTr } from '../shell/locale-context';
import { canRead, canWrite, toggle } from './fieldAccess';
import { ViewAsPreview } from './ViewAsPreview';

const scopes = ['none', 'own', 'team', 'region', 'all'] as const;
const scopeLabels = {
  none: { 'zh-CN': '无', en: 'None' },
  own: { 'zh-CN': '本人', en: 'Own' },
  team: { 'zh-CN': '团队', en: 'Team' },
  region: { 'zh-CN': '区域', en: 'Region' },
  all: { 'zh-CN': '全部', en: 'All' },
};

export function PermissionMatrix({
  space,
  definition,
  onChange,
}: {
  readonly space: string;
  readonly definition: AppDefinition;
  readonly onChange: (roles: RoleDefinition[]) => void;
}) {
  const { tr } = useTr();
  const roles = definition.roles ?? [];
  const [tableKey, setTableKey] = useState(definition.tables[0]?.key ?? '');
  const [stage, setStage] = useState('');
  const [viewAs, setViewAs] = useState<string | null>(null);
  const table = definition.tables.find((t) => t.key === tableKey);
  if (!table) return <p>{tr({ 'zh-CN': '还没有数据表', en: 'No tables yet' })}</p>;
  const fieldKeys = table.fields.map((f) => f.key);

  const setPermission = (
    r: number,
    change: (p: TablePermission | undefined) => TablePermission | undefined,
  ) =>
    onChange(
      roles.map((role, i) => {
        if (i !== r) return role;
        const next = change(role.tables[tableKey]);
        const tables = { ...role.tables };
        if (next) tables[tableKey] = next;
        else delete tables[tableKey];
        return { ...role, tables };
      }),
    );
  const accessOf = (p: TablePermission | undefined): FieldAccess | undefined =>
    stage ? (p?.stages?.[stage] ?? p?.fields) : p?.fields;
  const setAccess = (r: number, access: FieldAccess) =>
    setPermission(r, (p) =>
      stage ? { ...p, stages: { ...p?.stages, [stage]: access } } : { ...p, fields: access },
    );
  const scopeValue = (s: RowScope | undefined) =>
    s === undefined ? 'none' : typeof s === 'string' ? s : 'cel';

  return (
    <div className="panel" data-testid="permission-matrix">
      <div className="toolbar props">
        <label>
          {tr({ 'zh-CN': '数据表', en: 'Table' })}
          <select
            value={tableKey}
            onChange={(e) => setTableKey(e.target.value)}
            data-testid="matrix-table"
          >
            {definition.tables.map((t) => (
              <option key={t.key} value={t.key}>
                {tr(t.label)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr({ 'zh-CN': '阶段', en: 'Stage' })}
          <select
            value={stage}
            onChange={(e) => setStage(e.target.value)}
            data-testid="matrix-stage"
          >
            <option value="">
              {tr({ 'zh-CN': '所有阶段（默认）', en: 'Every stage (default)' })}
            </option>
            {(table.stages ?? []).map((s) => (
              <option key={s.key} value={s.key}>
                {tr(s.label)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="grid">
        <thead>
          <tr>
            <th />
            {roles.map((role) => (
              <th key={role.key}>
                {tr(role.label)}
                <br />
                <button
                  type="button"
                  className="link"
                  data-testid={`view-as-${role.key}`}
                  onClick={() => setViewAs(role.key)}
                >
                  {tr({ 'zh-CN': '以此角色查看', en: 'View as role' })}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>{tr({ 'zh-CN': '可访问此表', en: 'Has this table' })}</th>
            {roles.map((role, r) => (
              <td key={role.key}>
                <input
                  type="checkbox"
                  checked={role.tables[tableKey] !== undefined || role.admin === true}
                  disabled={role.admin === true}
                  data-testid={`table-access-${role.key}`}
                  onChange={(e) =>
                    setPermission(r, () => (e.target.checked ? { read: 'own' } : undefined))
                  }
                />
              </td>
            ))}
          </tr>
          {(['read', 'update', 'delete'] as const).map((action) => (
            <tr key={action}>
              <th>
                {tr(
                  {
                    read: { 'zh-CN': '查看范围', en: 'Read scope' },
                    update: { 'zh-CN': '修改范围', en: 'Update scope' },
                    delete: { 'zh-CN': '删除范围', en: 'Delete scope' },
                  }[action],
                )}
              </th>
              {roles.map((role, r) => {
                const p = role.tables[tableKey];
                const value = scopeValue(p?.[action]);
                return (
                  <td key={role.key}>
                    {value === 'cel' ? (
                      <code title={(p?.[action] as { cel: string }).cel}>CEL</code>
                    ) : (
                      <select
                        value={value}
                        disabled={!p}
                        data-testid={`scope-${role.key}-${action}`}
                        onChange={(e) =>
                          setPermission(r, (old) => {
                            const next: TablePermission = { ...old };
                            if (e.target.value === 'none') delete next[action];
                            else next[action] = e.target.value as RowScope;
                            return next;
                          })
                        }
                      >
                        {scopes.map((s) => (
                          <option key={s} value={s}>
                            {tr(scopeLabels[s])}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
          {(['create', 'export', 'import'] as const).map((right) => (
            <tr key={right}>
              <th>
                {tr(
                  {
                    create: { 'zh-CN': '新建', en: 'Create' },
                    export: { 'zh-CN': '导出', en: 'Export' },
                    import: { 'zh-CN': '导入', en: 'Import' },
                  }[right],
                )}
              </th>
              {roles.map((role, r) => (
                <td key={role.key}>
                  <input
                    type="checkbox"
                    disabled={!role.tables[tableKey]}
                    checked={role.tables[tableKey]?.[right] === true}
                    onChange={(e) => setPermission(r, (p) => ({ ...p, [right]: e.target.checked }))}
                  />
                </td>
              ))}
            </tr>
          ))}
          {table.fields.map((field) => (
            <tr key={field.key} data-testid={`matrix-row-${field.key}`}>
              <th>
                {tr(field.label)} <code>{field.key}</code>
              </th>
              {roles.map((role, r) => {
                const p = role.tables[tableKey];
                const access = accessOf(p);
                return (
                  <td key={role.key} className="matrix-cell">
                    <label title={tr({ 'zh-CN': '可读', en: 'Read' })}>
                      <input
                        type="checkbox"
                        disabled={!p}
                        checked={!!p && canRead(access, field.key)}
                        data-testid={`read-${role.key}-${field.key}`}
                        onChange={() => setAccess(r, toggle(access, fieldKeys, field.key, 'read'))}
                      />
                      {tr({ 'zh-CN': '读', en: 'R' })}
                    </label>
                    <label title={tr({ 'zh-CN': '可写', en: 'Write' })}>
                      <input
                        type="checkbox"
                        disabled={!p}
                        checked={!!p && canWrite(access, field.key)}
                        data-testid={`write-${role.key}-${field.key}`}
                        onChange={() => setAccess(r, toggle(access, fieldKeys, field.key, 'write'))}
                      />
                      {tr({ 'zh-CN': '写', en: 'W' })}
                    </label>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {viewAs && (
        <ViewAsPreview
          space={space}
          table={tableKey}
          role={viewAs}
          onClose={() => setViewAs(null)}
        />
      )}
    </div>
  );
}
