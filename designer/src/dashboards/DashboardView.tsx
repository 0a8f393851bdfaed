// A dashboard on its 12-column grid, live; the wallboard variant fills a TV screen with large
// numbers for the morning meeting.
import { useEffect, useState } from 'react';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import { DrillDown, type DrillTarget } from './DrillDown';
import { useDashboardValues } from './useDashboardValues';
import { Widget } from './Widget';

export function DashboardView({
  space,
  dashboard,
  wall,
}: {
  readonly space: string;
  readonly dashboard: string;
  readonly wall?: boolean;
}) {
  const { tr } = useTr();
  const { values, error, live } = useDashboardValues(space, dashboard, wall ? 15_000 : 30_000);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [clock, setClock] = useState(() => new Date());
  useEffect(() => {
    if (!wall) return;
    document.body.classList.add('wallboard-mode');
    const timer = setInterval(() => setClock(new Date()), 1_000);
    return () => {
      document.body.classList.remove('wallboard-mode');
      clearInterval(timer);
    };
  }, [wall]);

  if (error && !values) return <p className="error">{error}</p>;
  if (!values) return <p>…</p>;
  const byKey = new Map(values.widgets.map((w) => [w.key, w]));
  const rowHeight = wall ? 'minmax(9vh, auto)' : '90px';

  return (
    <div className={wall ? 'dashboard wallboard' : 'dashboard admin'} data-testid="dashboard">
      <div className="dashboard-head">
        <h2>{tr(values.dashboard.label)}</h2>
        <span className={live ? 'live ok' : 'live'} data-testid="dashboard-live">
          ●{' '}
          {live ? tr({ 'zh-CN': '实时', en: 'Live' }) : tr({ 'zh-CN': '定时刷新', en: 'Polling' })}
        </span>
        <span className="muted">
          {tr({ 'zh-CN': '更新于', en: 'Updated' })}{' '}
          {new Date(values.computedAt).toLocaleTimeString()}
        </span>
        {wall ? (
          <span className="wall-clock">{clock.toLocaleTimeString()}</span>
        ) : (
          <>
            <a href={routeHref('dashboards', space, dashboard, 'wall')} data-testid="open-wall">
              {tr({ 'zh-CN': '大屏模式', en: 'Wallboard' })}
            </a>
            <a href={routeHref('dashboards', space, dashboard, 'edit')} data-testid="open-editor">
              {tr({ 'zh-CN': '编辑布局', en: 'Arrange' })}
            </a>
          </>
        )}
      </div>
      <div className="dashboard-grid" style={{ gridAutoRows: rowHeight }}>
        {values.dashboard.widgets.map((w) => {
          const value = byKey.get(w.key);
          return (
            <div
              key={w.key}
              style={{
                gridColumn: `${w.position.x + 1} / span ${w.position.w}`,
                gridRow: `${w.position.y + 1} / span ${w.position.h}`,
              }}
            >
              <Widget
                widget={w}
                result={value?.result}
                color={value?.color ?? null}
                big={wall}
                onDrill={(group, title) => setDrill({ widget: w.key, group, title })}
              />
            </div>
          );
        })}
      </div>
      {drill && (
        <DrillDown
          space={space}
          dashboard={dashboard}
          target={drill}
          onClose={() => setDrill(null)}
        />
      )}
    </div>
  );
}
