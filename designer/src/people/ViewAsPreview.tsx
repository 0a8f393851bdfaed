// "View as role": the first records of a table read through a role's eyes (`?viewAs=`), with the
// columns the role may see; what the published roles allow, not the draft.
import { useEffect, useState } from 'react';
import { systemFieldKeys } from '../../../runtime/permissions/role-schema';
import { AdminApiError, viewAsApi } from '../api/admin';
import { useTr } from '../shell/locale-context';

export function ViewAsPreview({
  space,
  table,
  role,
  onClose,
}: {
  readonly space: string;
  readonly table: string;
  readonly role: string;
  readonly onClose: () => void;
}) {
  const { tr } = useTr();
  const [records, setRecords] = useState<Record<string, unknown>[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setRecords(null);
    setFailure(null);
    viewAsApi.records(space, table, role).then(
      (found) => live && setRecords(found),
      (e: unknown) =>
        live && setFailure(e instanceof AdminApiError ? `${e.code}: ${e.message}` : String(e)),
    );
    return () => {
      live = false;
    };
  }, [space, table, role]);
  const columns = [...new Set((records ?? []).flatMap((r) => Object.keys(r)))].filter(
    (c) => !systemFieldKeys.includes(c),
  );
  return (
    <div className="panel" data-testid="view-as">
      <h3>
        {tr({
          'zh-CN': `以「${role}」角色查看（已发布的权限）`,
          en: `Viewing as “${role}” (published roles)`,
        })}{' '}
        <button type="button" onClick={onClose}>
          ×
        </button>
      </h3>
      {failure && <p className="error">{failure}</p>}
      {records?.length === 0 && (
        <p>{tr({ 'zh-CN': '此角色看不到任何记录', en: 'This role sees no records' })}</p>
      )}
      {records && records.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {records.map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c}>{shown(r[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
