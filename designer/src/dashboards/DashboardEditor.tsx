// The dashboard designer: widgets arranged on the 12-column grid by dragging and resizing
// (react-grid-layout); the positions are saved into the draft definition.
import { useMemo, useState } from 'react';
import { GridLayout, useContainerWidth, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import type { DashboardDefinition } from '../../../runtime/metrics/dashboard-schema';
import { PublishDialog } from '../draft/PublishDialog';
import { useDraft } from '../draft/useDraft';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';

export function DashboardEditor({
  space,
  dashboard,
}: {
  readonly space: string;
  readonly dashboard: string;
}) {
  const { tr } = useTr();
  const { draft, error, dirty, update, save } = useDraft(space);
  const { width, containerRef, mounted } = useContainerWidth();
  const [status, setStatus] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const board = (draft?.dashboards ?? []).find((d) => d.key === dashboard) as
    DashboardDefinition | undefined;
  const layout = useMemo<Layout>(
    () =>
      (board?.widgets ?? []).map((w) => ({
        i: w.key,
        x: w.position.x,
        y: w.position.y,
        w: w.position.w,
        h: w.position.h,
      })),
    [board],
  );

  const apply = (next: Layout) =>
    update((d: AppDefinition) => ({
      ...d,
      dashboards: (d.dashboards ?? []).map((b) =>
        b.key !== dashboard
          ? b
          : {
              ...b,
              widgets: b.widgets.map((w) => {
                const item = next.find((l) => l.i === w.key);
                if (!item) return w;
                const position = { x: item.x, y: item.y, w: item.w, h: item.h };
                const same = (['x', 'y', 'w', 'h'] as const).every(
                  (k) => w.position[k] === position[k],
                );
                return same ? w : { ...w, position };
              }),
            },
      ),
    }));

  if (error) return <p className="error">{error}</p>;
  if (!draft) return <p>…</p>;
  if (!board)
    return (
      <p className="error">
        {tr({
          'zh-CN': `草稿中没有看板 ${dashboard}`,
          en: `No dashboard ${dashboard} in the draft`,
        })}
      </p>
    );

  return (
    <div className="admin dashboard-editor" data-testid="dashboard-editor">
      <div className="toolbar">
        <a href={routeHref('dashboards', space, dashboard)}>
          ← {tr({ 'zh-CN': '返回看板', en: 'Back' })}
        </a>
        <h2>{tr(board.label)}</h2>
        <button
          type="button"
          data-testid="save-layout"
          onClick={() =>
            void save().then(
              (issues) =>
                setStatus(
                  issues.length === 0
                    ? tr({ 'zh-CN': '布局已保存到草稿', en: 'Layout saved to the draft' })
                    : tr({
                        'zh-CN': `已保存，草稿有 ${issues.length} 个问题`,
                        en: `Saved; the draft has ${issues.length} problems`,
                      }),
                ),
              (e: unknown) => setStatus(String(e)),
            )
          }
        >
          {tr({ 'zh-CN': '保存布局', en: 'Save layout' })}
          {dirty ? ' •' : ''}
        </button>
        <button type="button" className="primary" onClick={() => setPublishing(true)}>
          {tr({ 'zh-CN': '发布', en: 'Publish' })}
        </button>
        {status && (
          <span className="muted" data-testid="layout-status">
            {status}
          </span>
        )}
      </div>
      <div ref={containerRef} className="grid-editor">
        {mounted && (
          <GridLayout
            width={width}
            layout={layout}
            gridConfig={{ cols: 12, rowHeight: 60 }}
            onLayoutChange={(next) => apply(next)}
          >
            {board.widgets.map((w) => (
              <div key={w.key} className="grid-widget" data-testid={`grid-${w.key}`}>
                <strong>{tr(w.label)}</strong>
                <span className="muted">
                  {w.type} · {w.metric}
                </span>
              </div>
            ))}
          </GridLayout>
        )}
      </div>
      {publishing && (
        <PublishDialog space={space} save={save} onClose={() => setPublishing(false)} />
      )}
    </div>
  );
}
