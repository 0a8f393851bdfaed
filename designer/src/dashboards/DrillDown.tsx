// The records behind a number: the widget's drill-down, read through the permission layer.
import { useEffect, useState } from 'react';
import { dashboardApi, type DrillPage } from '../api/dashboards';
import { useTr } from '../shell/locale-context';

export interface DrillTarget {
  readonly widget: string;
  readonly group: readonly (string | null)[] | undefined;
  readonly title: string;
}

const hidden = new Set(['deleted_at', 'version', 'created_by', 'updated_by']);

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function DrillDown({
  space,
  dashboard,
  target,
  onClose,
}: {
  readonly space: string;
  readonly dashboard: string;
  readonly target: DrillTarget;
  readonly onClose: () => void;
}) {
  const { tr } = useTr();
  const [page, setPage] = useState<DrillPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    dashboardApi
      .drill(space, dashboard, target.widget, target.group)
      .then(setPage, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [space, dashboard, target]);
  const more = async () => {
    if (!page?.nextCursor) return;
    const next = await dashboardApi.drill(
      space,
      dashboard,
      target.widget,
      target.group,
      page.nextCursor,
    );
    setPage({ ...next, records: [...page.records, ...next.records] });
  };
  const columns = page
    ? [...new Set(page.records.flatMap((r) => Object.keys(r)))].filter((c) => !hidden.has(c))
    : [];
  return (
    <div className="dialog-backdrop" role="dialog" aria-modal="true" data-testid="drill-down">
      <div className="dialog drill">
        <h3>
          {target.title}{' '}
          {page && (
            <span className="muted" data-testid="drill-total">
              {tr({ 'zh-CN': `共 ${page.total} 条记录`, en: `${page.total} records` })}
            </span>
          )}
        </h3>
        {error && <p className="error">{error}</p>}
        {page && (
          <div className="drill-table">
            <table>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.records.map((r) => (
                  <tr key={String(r.id)} data-testid="drill-record" data-id={String(r.id)}>
                    {columns.map((c) => (
                      <td key={c}>{cell(r[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="actions">
          {page?.nextCursor && (
            <button type="button" onClick={() => void more()}>
              {tr({ 'zh-CN': '加载更多', en: 'Load more' })}
            </button>
          )}
          <button type="button" onClick={onClose} data-testid="close-drill">
            {tr({ 'zh-CN': '关闭', en: 'Close' })}
          </button>
        </div>
      </div>
    </div>
  );
}
