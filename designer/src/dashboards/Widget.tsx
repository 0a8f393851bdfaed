// One dashboard widget: a KPI number, a trend line, bars, a funnel, a table or a heat map of its
// metric's groups, coloured by its thresholds; every number and bar opens the records behind it.
import { useMemo } from 'react';
import { colorOf, type WidgetDefinition } from '../../../runtime/metrics/dashboard-schema';
import type { MetricGroup, MetricResult } from '../api/dashboards';
import { useTr } from '../shell/locale-context';
import { EChart, type ChartOption } from './EChart';
import { bandColors, formatValue } from './format-value';

export interface WidgetProps {
  readonly widget: WidgetDefinition;
  readonly result: MetricResult | undefined;
  readonly color: 'red' | 'yellow' | 'green' | null;
  readonly big?: boolean;
  /** Opens the records behind the overall number (`undefined`) or one group's. */
  readonly onDrill: (group: readonly (string | null)[] | undefined, title: string) => void;
}

function groupName(g: MetricGroup): string {
  return g.key.map((k, i) => g.label?.[i] ?? k ?? '—').join(' · ');
}

export function Widget({ widget, result, color, big, onDrill }: WidgetProps) {
  const { tr, locale } = useTr();
  const title = tr(widget.label);
  const groups = useMemo(() => result?.groups ?? [], [result]);
  const fmt = (v: number | null) => formatValue(v, result?.unit ?? null, locale);
  const barColor = (v: number | null) => {
    const c = colorOf(v, widget.thresholds);
    return c ? bandColors[c] : '#2680c2';
  };

  const option = useMemo<ChartOption | null>(() => {
    if (!result || groups.length === 0) return null;
    const names = groups.map(groupName);
    const tooltip = { trigger: 'item' as const };
    switch (widget.type) {
      case 'trend':
        return {
          tooltip: { trigger: 'axis' },
          grid: { left: 40, right: 16, top: 16, bottom: 28 },
          xAxis: { type: 'category', data: names },
          yAxis: { type: 'value' },
          series: [{ type: 'line', smooth: true, data: groups.map((g) => g.value), symbolSize: 8 }],
        };
      case 'bar':
        return {
          tooltip,
          grid: { left: 40, right: 16, top: 16, bottom: 40 },
          xAxis: {
            type: 'category',
            data: names,
            axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 },
          },
          yAxis: { type: 'value' },
          series: [
            {
              type: 'bar',
              data: groups.map((g) => ({
                value: g.value,
                itemStyle: { color: barColor(g.value) },
              })),
            },
          ],
        };
      case 'funnel':
        return {
          tooltip,
          series: [
            {
              type: 'funnel',
              sort: 'none',
              left: '10%',
              width: '80%',
              label: { formatter: '{b}: {c}' },
              data: groups.map((g) => ({ name: groupName(g), value: g.value })),
            },
          ],
        };
      case 'heatmap': {
        const xs = [...new Set(groups.map((g) => g.label?.[0] ?? g.key[0] ?? '—'))];
        const ys = [...new Set(groups.map((g) => g.label?.[1] ?? g.key[1] ?? '—'))];
        const values = groups.map((g) => g.value ?? 0);
        return {
          tooltip,
          grid: { left: 80, right: 16, top: 16, bottom: 56 },
          xAxis: { type: 'category', data: xs },
          yAxis: { type: 'category', data: ys },
          visualMap: {
            min: Math.min(0, ...values),
            max: Math.max(1, ...values),
            orient: 'horizontal',
            left: 'center',
            bottom: 0,
            itemHeight: 80,
            calculable: false,
          },
          series: [
            {
              type: 'heatmap',
              label: { show: true },
              data: groups.map((g) => [
                xs.indexOf(g.label?.[0] ?? g.key[0] ?? '—'),
                ys.indexOf(g.label?.[1] ?? g.key[1] ?? '—'),
                g.value ?? 0,
              ]),
            },
          ],
        };
      }
      default:
        return null;
    }
  }, [result, groups, widget]);

  const kpi = (
    <button
      type="button"
      className={`kpi-value ${big ? 'big' : ''}`}
      style={color ? { color: bandColors[color] } : undefined}
      data-testid={`kpi-${widget.key}`}
      data-color={color ?? ''}
      onClick={() => onDrill(undefined, title)}
    >
      {fmt(result?.value ?? null)}
    </button>
  );

  let body;
  if (!result) body = <p className="muted">…</p>;
  else if (widget.type === 'kpi' || (groups.length === 0 && widget.type !== 'table')) body = kpi;
  else if (widget.type === 'table') {
    body = (
      <table className="widget-table">
        <tbody>
          {groups.map((g, i) => (
            <tr key={i}>
              <td>{groupName(g)}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  data-testid={`cell-${widget.key}-${i}`}
                  style={{ color: widget.thresholds ? barColor(g.value) : undefined }}
                  onClick={() => onDrill(g.key, `${title} · ${groupName(g)}`)}
                >
                  {fmt(g.value)}
                </button>
              </td>
              <td className="muted">{g.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  } else if (option) {
    body = (
      <EChart
        option={option}
        testId={`chart-${widget.key}`}
        onClick={(i) => {
          const g = groups[i];
          if (g) onDrill(g.key, `${title} · ${groupName(g)}`);
        }}
      />
    );
  }

  return (
    <div
      className={`widget widget-${widget.type} ${color ? `band-${color}` : ''}`}
      data-testid={`widget-${widget.key}`}
    >
      <div className="widget-head">
        <span>{title}</span>
        {widget.type !== 'kpi' && result && (
          <button type="button" className="link total" onClick={() => onDrill(undefined, title)}>
            {fmt(result.value)}
          </button>
        )}
      </div>
      <div className="widget-body">{body}</div>
    </div>
  );
}
