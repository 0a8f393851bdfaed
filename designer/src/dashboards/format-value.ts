// Numbers as people read them on a dashboard, by the metric's unit.
import type { Locale } from '../../../runtime/localized-text';

/**
 * @example formatValue(0.834, 'percent', 'zh-CN') // '83.4%'
 */
export function formatValue(value: number | null, unit: string | null, locale: Locale): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const n = (v: number, digits: number) =>
    v.toLocaleString(locale, { maximumFractionDigits: digits });
  switch (unit) {
    case 'percent':
      return `${n(value * 100, 1)}%`;
    case 'hours':
      return `${n(value, 1)} ${locale === 'zh-CN' ? '小时' : 'h'}`;
    case 'days':
      return `${n(value, 1)} ${locale === 'zh-CN' ? '天' : 'd'}`;
    case 'money':
      return `¥${n(value, 0)}`;
    case 'count':
      return n(value, 0);
    default:
      return n(value, 2);
  }
}

/** The CSS colour of a threshold band. */
export const bandColors = { red: '#e12d39', yellow: '#f0b429', green: '#27ab83' } as const;
