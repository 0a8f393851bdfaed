// Calls of the dashboard screens: values, drill-down to the records behind a number, the live
// stream; the contract is the comment at the top of platform/http/routes/dashboard-routes.ts.
import type {
  DashboardDefinition,
  ThresholdColor,
} from '../../../runtime/metrics/dashboard-schema';
import type { LocalizedText } from '../../../runtime/localized-text';
import { designCall } from './design';

export interface MetricGroup {
  readonly key: (string | null)[];
  readonly label: (string | null)[] | null;
  readonly value: number | null;
  readonly count: number;
}

export interface MetricResult {
  readonly metric: string;
  readonly unit: string | null;
  readonly window: { readonly from: string; readonly to: string } | null;
  readonly groupBy: string[];
  readonly value: number | null;
  readonly count: number;
  readonly groups: MetricGroup[];
  readonly computedAt: string;
}

export interface DashboardValues {
  readonly dashboard: DashboardDefinition;
  readonly computedAt: string;
  readonly widgets: ReadonlyArray<{
    readonly key: string;
    readonly result: MetricResult;
    readonly color: ThresholdColor | null;
  }>;
}

export interface DrillPage {
  readonly table: string;
  readonly total: number;
  readonly records: Array<Record<string, unknown>>;
  readonly nextCursor: string | null;
}

const enc = encodeURIComponent;
const base = (space: string) => `/api/spaces/${enc(space)}/dashboards`;

export const dashboardApi = {
  list: (space: string) =>
    designCall<{ dashboards: Array<{ key: string; label: LocalizedText; widgetCount: number }> }>(
      base(space),
    ).then((b) => b.dashboards),
  values: (space: string, dashboard: string) =>
    designCall<DashboardValues>(`${base(space)}/${enc(dashboard)}`),
  /** The records behind a widget's number: overall (`group` absent) or one group's. */
  drill: (
    space: string,
    dashboard: string,
    widget: string,
    group: readonly (string | null)[] | undefined,
    cursor?: string,
  ) => {
    const query = new URLSearchParams({ limit: '100' });
    if (group) query.set('group', JSON.stringify(group));
    if (cursor) query.set('cursor', cursor);
    return designCall<DrillPage>(
      `${base(space)}/${enc(dashboard)}/widgets/${enc(widget)}/records?${query.toString()}`,
    );
  },
  streamUrl: (space: string, dashboard: string) => `${base(space)}/${enc(dashboard)}/stream`,
};
