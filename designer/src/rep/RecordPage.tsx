// A record for the rep: SLA, handover verdict, follow-up card, stage bar with its gate checklist,
// fields as the server returns them, tasks and the flow timeline. Polls while open.
import { useCallback, useEffect, useState } from 'react';
import { localize } from '../../../runtime/localized-text';
import {
  repApi,
  RepApiError,
  type FlowTask,
  type RecordJson,
  type TimelineEntry,
} from '../api/rep';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import { FieldValue } from './FieldValue';
import { FollowUpCard } from './FollowUpCard';
import { HandoverPanel } from './HandoverPanel';
import { useRepSessionOrThrow } from './rep-context';
import { pendingHandover, slaOf } from './sla';
import { SlaBadge } from './SlaBadge';
import { StageBar } from './StageBar';
import { TasksPanel } from './TasksPanel';
import { Timeline } from './Timeline';
import { useNow } from './useNow';

const text = {
  back: { 'zh-CN': '‹ 我的线索', en: '‹ My leads' },
  fields: { 'zh-CN': '资料', en: 'Details' },
  showEmpty: { 'zh-CN': '显示空白字段', en: 'Show empty fields' },
  hideEmpty: { 'zh-CN': '隐藏空白字段', en: 'Hide empty fields' },
  loading: { 'zh-CN': '加载中…', en: 'Loading…' },
  noTable: { 'zh-CN': '没有这张表', en: 'No such table' },
  gone: {
    'zh-CN': '这条记录已不在您名下（已退回或转交），您无法再查看。',
    en: 'This record is no longer yours (returned or handed on); you cannot see it any more.',
  },
};

export function RecordPage({
  table: tableKey,
  id,
}: {
  readonly table: string;
  readonly id: string;
}) {
  const { space, definition, pulse } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  const table = definition.tables.find((t) => t.key === tableKey);
  const [record, setRecord] = useState<RecordJson | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [tasks, setTasks] = useState<FlowTask[]>([]);
  const [error, setError] = useState<string>();
  const [showEmpty, setShowEmpty] = useState(false);
  const [gone, setGone] = useState(false);
  const now = useNow();

  const reload = useCallback(async () => {
    try {
      const [r, t, k] = await Promise.all([
        repApi.record(space, tableKey, id),
        repApi.timeline(space, tableKey, id),
        repApi.tasks(space, tableKey, id),
      ]);
      setRecord(r);
      setTimeline(t);
      setTasks(k);
      setError(undefined);
    } catch (e) {
      // A 404 means the record is gone from this user's scope (e.g. returned to the pool).
      if (e instanceof RepApiError && e.status === 404) setGone(true);
      else setError(e instanceof Error ? e.message : String(e));
    }
  }, [space, tableKey, id]);

  useEffect(() => {
    void reload();
    const timer = window.setInterval(() => void reload(), 3000);
    return () => window.clearInterval(timer);
  }, [reload, pulse]);

  if (!table) return <p className="error">{tr(text.noTable)}</p>;
  if (gone)
    return (
      <div className="rep-record">
        <a className="rep-back" href={routeHref('rep', space)}>
          {tr(text.back)}
        </a>
        <p className="panel rep-hint" data-testid="rep-record-gone">
          {tr(text.gone)}
        </p>
      </div>
    );
  const sla = slaOf(timeline, now);
  const handover = pendingHandover(timeline);
  const titleField = table.fields.find((f) => f.key === (table.titleField ?? 'name'));

  return (
    <div className="rep-record" data-testid="rep-record">
      <a className="rep-back" href={routeHref('rep', space)}>
        {tr(text.back)}
      </a>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!record ? (
        <p className="muted">{tr(text.loading)}</p>
      ) : (
        <>
          <div className="rep-record-head panel">
            <h2 data-testid="rep-record-title">
              {titleField ? String(record[titleField.key] ?? '') : localize(table.label, locale)}
            </h2>
            <SlaBadge sla={sla} />
          </div>
          {handover && (
            <HandoverPanel table={table.key} id={id} flow={handover.flow} onDone={reload} />
          )}
          <FollowUpCard
            table={table}
            record={record}
            frozen={handover !== null}
            onSaved={(r) => {
              setRecord(r);
              void reload();
            }}
          />
          <StageBar
            table={table}
            record={record}
            onMoved={(r) => {
              setRecord(r);
              void reload();
            }}
          />
          <TasksPanel table={table.key} id={id} record={record} tasks={tasks} onDone={reload} />
          <section className="panel" data-testid="rep-fields">
            <h3>{tr(text.fields)}</h3>
            <dl className="rep-fields">
              {table.fields
                .filter((f) => f.key in record)
                .filter((f) => showEmpty || !isBlank(record[f.key]))
                .map((f) => (
                  <div key={f.key} data-field={f.key}>
                    <dt>{localize(f.label, locale)}</dt>
                    <dd>
                      <FieldValue field={f} value={record[f.key]} lists={definition.lists} />
                    </dd>
                  </div>
                ))}
            </dl>
            <button type="button" className="secondary" onClick={() => setShowEmpty(!showEmpty)}>
              {tr(showEmpty ? text.hideEmpty : text.showEmpty)}
            </button>
          </section>
          <Timeline entries={timeline} />
        </>
      )}
    </div>
  );
}

function isBlank(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}
