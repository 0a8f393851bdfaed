// The record's flow timeline, newest first: nodes entered and left, timers, notifications,
// escalation levels, handover verdicts, tasks.
import type { AppDefinition } from '../../../runtime/definition/definition-schema';
import { localize, type Locale, type LocalizedText } from '../../../runtime/localized-text';
import type { TimelineEntry } from '../api/rep';
import { useTr } from '../shell/locale-context';
import { useRepSessionOrThrow } from './rep-context';

const title = { 'zh-CN': '时间线', en: 'Timeline' };
const empty = { 'zh-CN': '暂无流程记录', en: 'No flow activity yet' };
const verdicts: Record<string, LocalizedText> = {
  valid: { 'zh-CN': '有效', en: 'valid' },
  needs_info: { 'zh-CN': '需补充信息', en: 'needs information' },
  invalid: { 'zh-CN': '无效', en: 'invalid' },
};
const timers: Record<string, LocalizedText> = {
  accept: { 'zh-CN': '确认时限', en: 'acceptance deadline' },
  due: { 'zh-CN': '任务到期', en: 'task due' },
  remind: { 'zh-CN': '任务提醒', en: 'task reminder' },
  timeout: { 'zh-CN': '等待超时', en: 'wait timeout' },
  wait: { 'zh-CN': '等待结束', en: 'wait ends' },
};

/** `owner.manager` → 负责人的上级; `role:market` → 角色 market. */
export function describeRecipient(spec: string, locale: Locale): string {
  if (spec.startsWith('role:'))
    return localize({ 'zh-CN': `角色「${spec.slice(5)}」`, en: `role “${spec.slice(5)}”` }, locale);
  if (spec.startsWith('pool:'))
    return localize({ 'zh-CN': `${spec.slice(5)} 公海池`, en: `${spec.slice(5)} pool` }, locale);
  if (spec === 'owner' || spec.startsWith('owner.')) {
    const ups = spec.split('.').length - 1;
    return localize(
      {
        'zh-CN': '负责人' + '的上级'.repeat(ups),
        en: ups > 0 ? "manager's ".repeat(ups - 1) + 'manager of the owner' : 'the owner',
      },
      locale,
    );
  }
  return spec;
}

/** A sentence for one entry in a locale. */
export function describeEntry(
  entry: TimelineEntry,
  definition: AppDefinition,
  locale: Locale,
): string {
  const d = entry.data;
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const who = (v: unknown) => describeRecipient(s(v), locale);
  const t = (zh: string, en: string) => localize({ 'zh-CN': zh, en }, locale);
  const flow = definition.flows?.find((f) => f.key === d.flow);
  const at = (v: unknown) => {
    if (typeof v !== 'string') return '';
    const when = new Date(v);
    // A deadline on another day shows its date too.
    return when.toDateString() === new Date(entry.at).toDateString()
      ? when.toLocaleTimeString(locale)
      : when.toLocaleString(locale);
  };
  const table = definition.tables.find((x) => x.key === flow?.table);
  const fieldLabel = (key: unknown) => {
    const field = table?.fields.find((f) => f.key === key);
    return field ? localize(field.label, locale) : String(key);
  };
  switch (entry.kind) {
    case 'flow.started':
      return t('流程开始', 'Flow started');
    case 'node.entered':
      return t(`进入节点 ${s(d.node)}（${s(d.type)}）`, `Entered ${s(d.node)} (${s(d.type)})`);
    case 'node.left':
      return t(`离开节点 ${s(d.node)}：${s(d.outcome)}`, `Left ${s(d.node)}: ${s(d.outcome)}`);
    case 'timer.set': {
      const name = s(d.timer);
      const label = name.startsWith('level')
        ? t(`第 ${name.slice(5)} 级升级`, `escalation level ${name.slice(5)}`)
        : timers[name]
          ? localize(timers[name], locale)
          : name;
      return t(`计时：${label}，${at(d.at)} 到期`, `Timer: ${label} at ${at(d.at)}`);
    }
    case 'escalation.level':
      return t(
        `升级到第 ${s(d.level)} 级，通知${who(d.to)}`,
        `Escalated to level ${s(d.level)}, notifying ${who(d.to)}`,
      );
    case 'escalation.resolved':
      return t('条件已满足，升级已停止', 'Condition met: escalation stopped');
    case 'notification.sent':
      return t(`已通知${who(d.to)}（${s(d.channel)}）`, `Notified ${who(d.to)} (${s(d.channel)})`);
    case 'notification.unresolved':
      return t(`找不到通知对象：${who(d.to)}`, `No recipient: ${who(d.to)}`);
    case 'handover.blocked':
      return t(
        `移交等待发送方补全：${Array.isArray(d.missing) ? d.missing.map(fieldLabel).join('、') : ''}`,
        `Handover waits for: ${Array.isArray(d.missing) ? d.missing.map(fieldLabel).join(', ') : ''}`,
      );
    case 'handover.issued':
      return t(`线索已移交给${who(d.to)}，待确认`, `Handed over to ${who(d.to)}, awaiting verdict`);
    case 'handover.verdict': {
      const verdict = verdicts[s(d.verdict)];
      const node = flow?.nodes.find((n) => n.id === d.node);
      const list = node?.type === 'handover' && node.invalidReasons;
      const reason = list ? definition.lists?.[list]?.find((r) => r.value === d.reason) : undefined;
      const why = reason ? localize(reason.label, locale) : s(d.reason);
      return (
        t('移交判定：', 'Handover verdict: ') +
        (verdict ? localize(verdict, locale) : s(d.verdict)) +
        (why ? t(`（${why}）`, ` (${why})`) : '') +
        (d.note ? ` — ${s(d.note)}` : '')
      );
    }
    case 'handover.timeout':
      return t('移交确认超时，线索退回', 'Handover not judged in time: returned');
    case 'task.created':
      return t(`创建任务，${at(d.dueAt)} 截止`, `Task created, due ${at(d.dueAt)}`);
    case 'task.overdue':
      return t('任务已逾期', 'Task overdue');
    case 'flow.completed':
      return t(`流程结束：${s(d.outcome)}`, `Flow completed: ${s(d.outcome)}`);
    case 'flow.failed':
      return t(`流程失败：${s(d.reason)}`, `Flow failed: ${s(d.reason)}`);
    case 'node.error':
    case 'condition.error':
      return t(`错误：${s(d.message)}`, `Error: ${s(d.message)}`);
    default:
      return entry.kind;
  }
}

export function Timeline({ entries }: { readonly entries: readonly TimelineEntry[] }) {
  const { definition } = useRepSessionOrThrow();
  const { tr, locale } = useTr();
  return (
    <section className="panel" data-testid="rep-timeline">
      <h3>{tr(title)}</h3>
      {entries.length === 0 && <p className="muted">{tr(empty)}</p>}
      <ol className="rep-timeline">
        {[...entries].reverse().map((e) => {
          const flow = definition.flows?.find((f) => f.key === e.data.flow);
          return (
            <li key={e.id} className={`kind-${e.kind.replace('.', '-')}`} data-kind={e.kind}>
              <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString(locale)}</time>
              <span>
                {flow && <small className="muted">{localize(flow.label, locale)} · </small>}
                {describeEntry(e, definition, locale)}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
