// Dashboard threshold actions: when a widget's figure (over the whole space) crosses into a colour
// band, the flows its actions name for that colour start once, through the outbox and Temporal.
import { sql } from 'kysely';
import type { AppDefinition } from '../../runtime/definition/definition-schema';
import type { ThresholdColor } from '../../runtime/metrics/dashboard-schema';
import { thresholdRecordPrefix } from '../../workflows/flow-start';
import type { Db } from '../db/database';
import type { Logger } from '../logger';
import { systemActor } from '../people/actor';
import { enqueueFlowStart } from '../records/record-flows';
import { resolveTable } from '../records/table-context';
import { dashboardValues, openSpaceMetrics, type SpaceMetrics } from './dashboard-service';
import type { RecordChangeHub } from './record-change-hub';

/** One change of colour that started flows. */
export interface ThresholdCrossing {
  readonly dashboard: string;
  readonly widget: string;
  readonly from: ThresholdColor | null;
  readonly to: ThresholdColor | null;
  readonly value: number | null;
  /** Workflow ids of the executions written to the outbox. */
  readonly started: string[];
}

/** The dashboards of a definition that carry threshold actions, narrowed to those widgets. */
export function dashboardsWithActions(definition: AppDefinition) {
  return (definition.dashboards ?? []).flatMap((dashboard) => {
    const widgets = dashboard.widgets.filter((w) => (w.actions?.length ?? 0) > 0 && w.thresholds);
    return widgets.length > 0 ? [{ ...dashboard, widgets }] : [];
  });
}

/**
 * Computes every widget that has threshold actions over all records of the space and compares its
 * colour with the one last seen. A change is claimed in the transaction that writes the flow starts
 * to the outbox (row lock on the widget's state; an evaluation older than the stored one is
 * ignored), so a crossing starts each of its flows exactly once, whichever process sees it first,
 * and a figure that stays in its band starts nothing. The first evaluation of a widget counts as
 * entering its band.
 * @example await evaluateThresholdActions(db, 'meddev') // [{ widget: 'lai', from: 'green', to: 'red', … }]
 */
export async function evaluateThresholdActions(
  db: Db,
  spaceKey: string,
  now = new Date(),
): Promise<ThresholdCrossing[]> {
  const metrics = await openSpaceMetrics(db, spaceKey, { actor: systemActor('thresholds') });
  const crossings: ThresholdCrossing[] = [];
  for (const dashboard of dashboardsWithActions(metrics.definition)) {
    const narrowed: SpaceMetrics = {
      ...metrics,
      definition: {
        ...metrics.definition,
        dashboards: [dashboard],
      },
    };
    const values = await dashboardValues(db, narrowed, dashboard.key, now);
    for (const widgetValue of values.widgets) {
      const widget = dashboard.widgets.find((w) => w.key === widgetValue.key)!;
      const crossing = await claimCrossing(db, metrics, dashboard.key, widget, widgetValue, now);
      if (crossing) crossings.push(crossing);
    }
  }
  return crossings;
}

type Widget = ReturnType<typeof dashboardsWithActions>[number]['widgets'][number];

async function claimCrossing(
  db: Db,
  metrics: SpaceMetrics,
  dashboardKey: string,
  widget: Widget,
  current: { readonly color: ThresholdColor | null; readonly result: { value: number | null } },
  now: Date,
): Promise<ThresholdCrossing | null> {
  const spaceId = metrics.space.id;
  return db.transaction().execute(async (tx) => {
    await sql`insert into platform.threshold_states
        (space_id, dashboard_key, widget_key, color, value, evaluated_at, changed_at, crossings)
      values (${spaceId}::uuid, ${dashboardKey}, ${widget.key}, null, null, null, null, 0)
      on conflict do nothing`.execute(tx);
    const state = (
      await sql<{ color: ThresholdColor | null; evaluated_at: Date | null; crossings: number }>`
        select color, evaluated_at, crossings from platform.threshold_states
        where space_id = ${spaceId}::uuid and dashboard_key = ${dashboardKey} and widget_key = ${widget.key}
        for update`.execute(tx)
    ).rows[0]!;
    // Another process already stored a later figure: this one is stale.
    if (state.evaluated_at && state.evaluated_at.getTime() > now.getTime()) return null;
    const first = state.crossings === 0;
    const changed = first ? current.color !== null : state.color !== current.color;
    const crossings = state.crossings + (changed ? 1 : 0);
    await sql`update platform.threshold_states set color = ${current.color}, value = ${current.result.value},
        evaluated_at = ${now.toISOString()}::timestamptz,
        changed_at = case when ${changed} then ${now.toISOString()}::timestamptz else changed_at end,
        crossings = ${crossings}
      where space_id = ${spaceId}::uuid and dashboard_key = ${dashboardKey} and widget_key = ${widget.key}`.execute(
      tx,
    );
    if (!changed) return null;
    const started: string[] = [];
    for (const action of widget.actions ?? []) {
      if (action.when !== current.color) continue;
      const flow = metrics.definition.flows?.find((f) => f.key === action.startFlow);
      if (!flow) continue;
      const context = await resolveTable(tx, metrics.space.key, flow.table);
      const id = `${thresholdRecordPrefix}${dashboardKey}.${widget.key}.${crossings}`;
      // The execution's record is the crossing itself: which number, in which band, from which.
      await enqueueFlowStart(
        tx,
        context,
        flow.key,
        {
          id,
          version: crossings,
          dashboard: dashboardKey,
          widget: widget.key,
          metric: widget.metric,
          value: current.result.value,
          color: current.color,
          previousColor: first ? null : state.color,
          crossedAt: now.toISOString(),
        },
        'dashboard.threshold',
      );
      started.push(`${metrics.space.key}/${flow.key}/${id}`);
    }
    return {
      dashboard: dashboardKey,
      widget: widget.key,
      from: first ? null : state.color,
      to: current.color,
      value: current.result.value,
      started,
    };
  });
}

export interface ThresholdWatcherOptions {
  readonly db: Db;
  readonly changes: RecordChangeHub;
  /** How often every space is evaluated anyway (windows move with time); default 60 s. */
  readonly intervalMs?: number;
  /** Quiet time after a write before its space is evaluated; default 500 ms. */
  readonly debounceMs?: number;
  readonly logger?: Logger;
}

/**
 * Evaluates the threshold actions of every space that has some: after writes to a dashboard's
 * tables (debounced) and every `intervalMs`. Returns a function that stops it.
 * @example const stop = startThresholdWatcher({ db, changes: hub })
 */
export function startThresholdWatcher(options: ThresholdWatcherOptions): () => void {
  const { db, changes, logger } = options;
  const debounceMs = options.debounceMs ?? 500;
  const subscriptions = new Map<string, { tables: string; stop: Promise<() => void> }>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const evaluate = (spaceKey: string): Promise<void> => {
    const previous = running.get(spaceKey) ?? Promise.resolve();
    const next = previous
      .then(() => evaluateThresholdActions(db, spaceKey))
      .then((crossings) => {
        for (const c of crossings)
          logger?.info('dashboard threshold crossed', { space: spaceKey, ...c });
      })
      .catch((error: unknown) =>
        logger?.warn('could not evaluate threshold actions', { space: spaceKey, error }),
      );
    running.set(spaceKey, next);
    return next;
  };
  const soon = (spaceKey: string) => {
    if (stopped) return;
    clearTimeout(pending.get(spaceKey));
    const timer = setTimeout(() => {
      pending.delete(spaceKey);
      void evaluate(spaceKey);
    }, debounceMs);
    timer.unref();
    pending.set(spaceKey, timer);
  };

  const round = async () => {
    try {
      const spaces = await sql<{ id: string; key: string; definition: AppDefinition }>`
        select s.id, s.key, v.definition from platform.spaces s
        join lateral (select definition from platform.definition_versions
          where space_id = s.id order by version desc limit 1) v on true`.execute(db);
      for (const space of spaces.rows) {
        const dashboards = dashboardsWithActions(space.definition);
        const tables = [
          ...new Set(
            dashboards.flatMap((d) =>
              d.widgets.flatMap((w) => {
                const table = space.definition.metrics?.find((m) => m.key === w.metric)?.table;
                return table ? [table] : [];
              }),
            ),
          ),
        ].sort();
        const known = subscriptions.get(space.id);
        if (known?.tables !== tables.join(',')) {
          if (known) (await known.stop)();
          subscriptions.delete(space.id);
          if (tables.length > 0 && !stopped) {
            subscriptions.set(space.id, {
              tables: tables.join(','),
              stop: changes.subscribe(space.id, tables, () => soon(space.key)),
            });
          }
        }
        if (tables.length > 0) await evaluate(space.key);
      }
    } catch (error) {
      logger?.warn('could not list threshold actions', { error });
    }
  };
  const timer = setInterval(() => void round(), options.intervalMs ?? 60_000);
  timer.unref();
  void round();
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const t of pending.values()) clearTimeout(t);
    for (const s of subscriptions.values()) void s.stop.then((stop) => stop());
    subscriptions.clear();
  };
}
