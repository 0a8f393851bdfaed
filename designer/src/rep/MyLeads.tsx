// My leads: the records I own, most urgent first, each with its SLA countdown and colour band.
import { useEffect, useMemo, useState } from 'react';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import { localize } from '../../../runtime/localized-text';
import { repApi, type RecordJson, type TimelineEntry } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { routeHref } from '../shell/router';
import { displayValue } from './FieldValue';
import { useRepSessionOrThrow } from './rep-context';
import { byUrgency, pendingHandover, slaOf } from './sla';
import { SlaBadge } from './SlaBadge';
import { useNow } from './useNow';

const text = {
  title: { 'zh-CN': '我的线索', en: 'My leads' },
  none: { 'zh-CN': '暂无分配给您的记录', en: 'Nothing is assigned to you' },
  loading: { 'zh-CN': '加载中…', en: 'Loading…' },
  noStage: { 'zh-CN': '未进入阶段', en: 'No stage yet' },
  handover: { 'zh-CN': '待确认移交', en: 'Handover to judge' },
};

/** The table reps work in: the named one, else the first with stages, else the first. */
export function repTable(tables: readonly TableDefinition[], key?: string) {
  return (
    tables.find((t) => t.key === key) ??
    tables.find((t) => (t.stages?.length ?? 0) > 0) ??
    tables[0]
  );
}

interface Row {
  readonly record: RecordJson;
  readonly timeline: readonly TimelineEntry[];
}

export function MyLeads({ table: tableKey }: { readonly table?: string }) {
  const { space, definition, user, pulse } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  const table = repTable(definition.tables, tableKey);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string>();
  const now = useNow();

  useEffect(() => {
    if (!table) return;
    let stop = false;
    const load = async () => {
      try {
        const records = await repApi.myRecords(space, table.key, user.id);
        const timelines = await Promise.all(
          records.map((r) => repApi.timeline(space, table.key, String(r.id)).catch(() => [])),
        );
        if (!stop) setRows(records.map((record, i) => ({ record, timeline: timelines[i] ?? [] })));
      } catch (e) {
        if (!stop) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const timer = window.setInterval(() => void load(), 15_000);
    return () => {
      stop = true;
      window.clearInterval(timer);
    };
  }, [space, table, user.id, pulse]);

  const sorted = useMemo(
    () =>
      (rows ?? [])
        .map((row) => ({
          ...row,
          sla: slaOf(row.timeline, now),
          handover: pendingHandover(row.timeline) !== null,
        }))
        .sort((a, b) => byUrgency(a.sla, b.sla)),
    [rows, now],
  );
  if (!table) return null;
  const titleField = table.fields.find((f) => f.key === (table.titleField ?? 'name'));
  const subtitle = table.fields.filter((f) =>
    ['organization', 'phone', 'province'].includes(f.key),
  );

  return (
    <div className="rep-leads">
      <h2>
        {tr(text.title)} <small className="muted">{localize(table.label, locale)}</small>
      </h2>
      {error && <p className="error">{error}</p>}
      {rows === null && !error && <p className="muted">{tr(text.loading)}</p>}
      {rows?.length === 0 && <p className="muted">{tr(text.none)}</p>}
      <ul className="rep-list">
        {sorted.map(({ record, sla, handover }) => {
          const stage = table.stages?.find((s) => s.key === record.stage);
          return (
            <li key={String(record.id)}>
              <a
                className={`rep-card rep-lead band-${sla.band}`}
                href={routeHref('rep', space, table.key, String(record.id))}
                data-testid="rep-lead"
                data-id={String(record.id)}
              >
                <div className="rep-lead-main">
                  <strong>
                    {titleField
                      ? displayValue(titleField, record[titleField.key], definition.lists, locale)
                      : String(record.id).slice(0, 8)}
                  </strong>
                  <span className="muted">
                    {subtitle
                      .map((f) => displayValue(f, record[f.key], definition.lists, locale))
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                  <span className="rep-stage-chip">
                    {stage ? localize(stage.label, locale) : tr(text.noStage)}
                    {handover && (
                      <em className="rep-chip-alert" data-testid="rep-lead-handover">
                        {tr(text.handover)}
                      </em>
                    )}
                  </span>
                </div>
                <SlaBadge sla={sla} />
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
