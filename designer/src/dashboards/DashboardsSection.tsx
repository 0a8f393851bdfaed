// `#/dashboards/<space>/<dashboard>[/wall|/edit]`: the dashboards of a space, one dashboard live,
// its wallboard, and its layout designer.
import { useEffect, useState } from 'react';
import type { LocalizedText } from '../../../runtime/localized-text';
import { dashboardApi } from '../api/dashboards';
import { SpaceGate } from '../draft/SpaceGate';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import type { SectionProps } from '../shell/sections';
import { DashboardEditor } from './DashboardEditor';
import { DashboardView } from './DashboardView';
import '../draft/admin.css';
import './dashboards.css';

function DashboardList({ space }: { readonly space: string }) {
  const { tr } = useTr();
  const [list, setList] = useState<Array<{
    key: string;
    label: LocalizedText;
    widgetCount: number;
  }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    dashboardApi
      .list(space)
      .then(setList, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [space]);
  return (
    <div className="admin" data-testid="dashboard-list">
      <h2>{tr({ 'zh-CN': '看板', en: 'Dashboards' })}</h2>
      {error && <p className="error">{error}</p>}
      {list?.length === 0 && (
        <p>
          {tr({
            'zh-CN': '这个空间还没有发布看板。',
            en: 'No dashboards are published in this space.',
          })}
        </p>
      )}
      <ul className="space-list">
        {list?.map((d) => (
          <li key={d.key}>
            <a href={routeHref('dashboards', space, d.key)} data-testid={`dashboard-${d.key}`}>
              {tr(d.label)} <code>{d.key}</code> · {d.widgetCount}
            </a>{' '}
            <a href={routeHref('dashboards', space, d.key, 'wall')}>
              {tr({ 'zh-CN': '大屏', en: 'Wall' })}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function DashboardsSection({ path }: SectionProps) {
  const [space, dashboard, mode] = path;
  if (!space) return <SpaceGate section="dashboards" />;
  if (!dashboard) return <DashboardList space={space} />;
  if (mode === 'edit') return <DashboardEditor space={space} dashboard={dashboard} />;
  return (
    <DashboardView
      key={`${space}/${dashboard}/${mode ?? ''}`}
      space={space}
      dashboard={dashboard}
      wall={mode === 'wall'}
    />
  );
}
