// People and roles: the space's members and the roles of its draft definition with the permission
// matrix; roles are saved and published like the rest of the definition.
import { useState } from 'react';
import { IssueList } from '../draft/IssueList';
import { LocalizedInput } from '../draft/LocalizedInput';
import { PublishDialog } from '../draft/PublishDialog';
import { PublishButton } from '../draft/PublishButton';
import { SpaceGate } from '../draft/SpaceGate';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import type { SectionProps } from '../shell/sections';
import { MembersPanel } from './MembersPanel';
import { PermissionMatrix } from './PermissionMatrix';
import '../draft/admin.css';

export default function PeopleSection({ path }: SectionProps) {
  const [space] = path;
  if (!space) return <SpaceGate section="people" />;
  return <People space={space} />;
}

function People({ space }: { space: string }) {
  const { tr } = useTr();
  const { draft, error, dirty, issues, update, save } = useDraft(space);
  const [publishing, setPublishing] = useState(false);
  const [newKey, setNewKey] = useState('');
  const [newLabel, setNewLabel] = useState({ 'zh-CN': '', en: '' });
  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>{tr({ 'zh-CN': '加载中…', en: 'Loading…' })}</p>;
  const roles = draft.roles ?? [];
  const keyValid = /^[a-z][a-z0-9_]{0,62}$/.test(newKey) && !roles.some((r) => r.key === newKey);

  return (
    <div className="admin" data-testid="people">
      <div className="toolbar">
        <h2>
          {tr({ 'zh-CN': '人员与角色', en: 'People and roles' })} · <code>{space}</code>
        </h2>
        <button type="button" onClick={() => void save()} data-testid="save-roles">
          {tr({ 'zh-CN': '保存角色草稿', en: 'Save roles draft' })}
          {dirty ? ' •' : ''}
        </button>
        <PublishButton onOpen={() => setPublishing(true)} />
      </div>
      <MembersPanel space={space} roleKeys={roles.map((r) => r.key)} />
      <IssueList issues={issues.filter((i) => i.pointer.startsWith('/roles'))} />
      <div className="panel props">
        <h3>{tr({ 'zh-CN': '角色', en: 'Roles' })}</h3>
        <ul>
          {roles.map((role, r) => (
            <li key={role.key}>
              <LocalizedInput
                value={role.label}
                onChange={(label) =>
                  update((d) => ({
                    ...d,
                    roles: (d.roles ?? []).map((x, i) => (i === r ? { ...x, label } : x)),
                  }))
                }
              />{' '}
              <code>{role.key}</code>
              <label className="check inline">
                <input
                  type="checkbox"
                  checked={role.admin === true}
                  onChange={(e) =>
                    update((d) => ({
                      ...d,
                      roles: (d.roles ?? []).map((x, i) =>
                        i === r ? { ...x, admin: e.target.checked || undefined } : x,
                      ),
                    }))
                  }
                />
                {tr({ 'zh-CN': '管理员', en: 'Admin' })}
              </label>
              <label className="check inline">
                <input
                  type="checkbox"
                  checked={role.editDefinition === true}
                  onChange={(e) =>
                    update((d) => ({
                      ...d,
                      roles: (d.roles ?? []).map((x, i) =>
                        i === r ? { ...x, editDefinition: e.target.checked || undefined } : x,
                      ),
                    }))
                  }
                />
                {tr({ 'zh-CN': '可设计与发布', en: 'May design and publish' })}
              </label>
            </li>
          ))}
        </ul>
        <div className="toolbar">
          <input
            placeholder="sales_rep"
            value={newKey}
            data-testid="new-role-key"
            onChange={(e) => setNewKey(e.target.value)}
          />
          <LocalizedInput value={newLabel} onChange={setNewLabel} />
          <button
            type="button"
            disabled={!keyValid}
            data-testid="add-role"
            onClick={() => {
              update((d) => ({
                ...d,
                roles: [
                  ...(d.roles ?? []),
                  {
                    key: newKey,
                    label: { 'zh-CN': newLabel['zh-CN'] || newKey, en: newLabel.en || newKey },
                    tables: {},
                  },
                ],
              }));
              setNewKey('');
            }}
          >
            {tr({ 'zh-CN': '+ 新建角色', en: '+ New role' })}
          </button>
        </div>
      </div>
      <PermissionMatrix
        space={space}
        definition={draft}
        onChange={(next) => update((d) => ({ ...d, roles: next }))}
      />
      {publishing && (
        <PublishDialog space={space} save={save} onClose={() => setPublishing(false)} />
      )}
    </div>
  );
}
