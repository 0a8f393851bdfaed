// The record's flow tasks with their due times; open ones can be completed.
import { localize } from '../../../runtime/localized-text';
import { repApi, type FlowTask, type RecordJson } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { useRepSessionOrThrow } from './rep-context';

const text = {
  title: { 'zh-CN': '任务', en: 'Tasks' },
  complete: { 'zh-CN': '完成', en: 'Complete' },
  due: { 'zh-CN': '截止', en: 'Due' },
  done: { 'zh-CN': '已完成', en: 'Done' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
};

/**
 * Fills `{{record.field}}` placeholders a task title may still carry (flow tasks are stored with
 * the node's title as written).
 */
export function fillPlaceholders(title: string, record: RecordJson): string {
  return title.replace(/\{\{\s*record\.([a-z][a-z0-9_]*)\s*\}\}/g, (_, key: string) => {
    const value = record[key];
    return value === null || value === undefined ? '' : String(value);
  });
}

interface Props {
  readonly table: string;
  readonly id: string;
  readonly record: RecordJson;
  readonly tasks: readonly FlowTask[];
  readonly onDone: () => void;
}

export function TasksPanel({ table, id, record, tasks, onDone }: Props) {
  const { space } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  if (tasks.length === 0) return null;
  return (
    <section className="panel" data-testid="rep-tasks">
      <h3>{tr(text.title)}</h3>
      <ul className="rep-list">
        {tasks.map((t) => (
          <li key={t.id} className={`rep-task ${t.status}`} data-testid="rep-task">
            <div>
              <strong>{fillPlaceholders(localize(t.title, locale), record)}</strong>
              <small
                className={
                  Date.parse(t.dueAt) < Date.now() && t.status === 'open' ? 'error' : 'muted'
                }
              >
                {tr(text.due)} {new Date(t.dueAt).toLocaleString(locale)}
              </small>
            </div>
            {t.status === 'open' ? (
              <button
                type="button"
                onClick={() =>
                  void repApi.completeTask(space, table, id, t.id).then(onDone, onDone)
                }
              >
                {tr(text.complete)}
              </button>
            ) : (
              <span className="muted">{tr(t.status === 'done' ? text.done : text.cancelled)}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
