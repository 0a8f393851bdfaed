// Members of a space: reporting line, away / on shift, role membership; add a person.
import { useCallback, useEffect, useState } from 'react';
import { AdminApiError, peopleApi, type AdminMember, type UserPatch } from '../api/admin';
import { useTr } from '../shell/locale-context';

export function MembersPanel({
  space,
  roleKeys,
}: {
  readonly space: string;
  readonly roleKeys: readonly string[];
}) {
  const { tr } = useTr();
  const [members, setMembers] = useState<AdminMember[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('');

  const load = useCallback(
    () => peopleApi.members(space).then(setMembers, (e: unknown) => setMessage(String(e))),
    [space],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const report = (e: unknown) =>
    setMessage(e instanceof AdminApiError ? `${e.code}: ${e.message}` : String(e));
  const patch = (id: string, change: UserPatch) =>
    peopleApi.updateUser(id, change).then(load, report);
  const setRoles = (id: string, roles: string[]) =>
    peopleApi.setRoles(space, id, roles).then(load, report);
  const add = async () => {
    try {
      const user = await peopleApi.createUser({ email, displayName: name });
      await peopleApi.setRoles(space, user.id, role ? [role] : []);
      setEmail('');
      setName('');
      await load();
    } catch (e) {
      report(e);
    }
  };

  return (
    <div className="panel" data-testid="members">
      <h3>{tr({ 'zh-CN': '成员', en: 'Members' })}</h3>
      {message && <p className="error">{message}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>{tr({ 'zh-CN': '姓名', en: 'Name' })}</th>
            <th>E-mail</th>
            <th>{tr({ 'zh-CN': '直属上级', en: 'Reports to' })}</th>
            <th>{tr({ 'zh-CN': '请假中', en: 'Away' })}</th>
            <th>{tr({ 'zh-CN': '在班', en: 'On shift' })}</th>
            <th>{tr({ 'zh-CN': '角色', en: 'Roles' })}</th>
          </tr>
        </thead>
        <tbody>
          {members?.map(({ user, roles }) => (
            <tr key={user.id} data-testid={`member-${user.email}`}>
              <td>{user.displayName}</td>
              <td>{user.email}</td>
              <td>
                <select
                  value={user.managerId ?? ''}
                  onChange={(e) => void patch(user.id, { managerId: e.target.value || null })}
                >
                  <option value="">—</option>
                  {members
                    .filter((m) => m.user.id !== user.id)
                    .map((m) => (
                      <option key={m.user.id} value={m.user.id}>
                        {m.user.displayName}
                      </option>
                    ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={user.away}
                  onChange={(e) => void patch(user.id, { away: e.target.checked })}
                />
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={user.onShift}
                  onChange={(e) => void patch(user.id, { onShift: e.target.checked })}
                />
              </td>
              <td>
                {roleKeys.map((key) => (
                  <label key={key} className="check inline">
                    <input
                      type="checkbox"
                      checked={roles.includes(key)}
                      onChange={(e) =>
                        void setRoles(
                          user.id,
                          e.target.checked ? [...roles, key] : roles.filter((r) => r !== key),
                        )
                      }
                    />
                    {key}
                  </label>
                ))}
                {roles
                  .filter((r) => !roleKeys.includes(r))
                  .map((r) => (
                    <code key={r}> {r}</code>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="toolbar props">
        <input placeholder="E-mail" value={email} onChange={(e) => setEmail(e.target.value)} />
        <input
          placeholder={tr({ 'zh-CN': '姓名', en: 'Name' })}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">{tr({ 'zh-CN': '（无角色）', en: '(no role)' })}</option>
          {roleKeys.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <button type="button" disabled={!email || !name} onClick={() => void add()}>
          {tr({ 'zh-CN': '+ 添加成员', en: '+ Add member' })}
        </button>
      </div>
    </div>
  );
}
