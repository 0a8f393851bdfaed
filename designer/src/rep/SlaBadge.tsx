// A record's SLA at a glance: colour band, what the next deadline is and the time left.
import type { LocalizedText } from '../../../runtime/localized-text';
import { useTr } from '../shell/locale-context';
import { formatCountdown, type DeadlineKind, type Sla } from './sla';

const kinds: Record<DeadlineKind, LocalizedText> = {
  escalation: { 'zh-CN': '距下一级升级', en: 'Next escalation in' },
  handover: { 'zh-CN': '确认移交剩余', en: 'Accept handover within' },
  task: { 'zh-CN': '任务到期剩余', en: 'Task due in' },
  wait: { 'zh-CN': '等待超时剩余', en: 'Times out in' },
};
const text = {
  overdue: { 'zh-CN': '已超时', en: 'Overdue' },
  none: { 'zh-CN': '无时限', en: 'No deadline' },
  resolved: { 'zh-CN': '升级已停止', en: 'Escalation stopped' },
  level: (n: number): LocalizedText => ({ 'zh-CN': `已升级 L${n}`, en: `Escalated L${n}` }),
};

export function SlaBadge({ sla }: { readonly sla: Sla }) {
  const { tr } = useTr();
  return (
    <div className={`rep-sla band-${sla.band}`} data-testid="rep-sla" data-band={sla.band}>
      {sla.next && sla.remainingMs !== null ? (
        <>
          <span className="rep-sla-kind">
            {tr(sla.remainingMs <= 0 ? text.overdue : kinds[sla.next.kind])}
          </span>
          <strong className="rep-countdown" data-testid="rep-countdown">
            {formatCountdown(sla.remainingMs)}
          </strong>
        </>
      ) : (
        <span className="rep-sla-kind" data-testid="rep-sla-none">
          {tr(sla.resolved ? text.resolved : text.none)}
        </span>
      )}
      {sla.level > 0 && <span className="rep-level">{tr(text.level(sla.level))}</span>}
    </div>
  );
}
