// Mainland China public holidays and 调休 make-up working days, as the State Council announces them.
//
// The notices come out each November for the following year; add a year here when it is published.
// After the last year listed, calendars built from this data fall back to their weekly hours alone.
import type { LocalizedText } from '../localized-text';
import { dateOfEpochDay, epochDayOf } from '../cel/calendar';
import type { BusinessCalendar, WorkingInterval } from './business-calendar';

/** One holiday of a notice: the dates off (inclusive) and the weekend dates worked instead. */
export interface CnHolidayPeriod {
  readonly name: LocalizedText;
  readonly from: string;
  readonly to: string;
  readonly makeUpDays: readonly string[];
}

const name = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

/** 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）. */
export const cnHolidays2025: readonly CnHolidayPeriod[] = [
  { name: name('元旦', "New Year's Day"), from: '2025-01-01', to: '2025-01-01', makeUpDays: [] },
  {
    name: name('春节', 'Spring Festival'),
    from: '2025-01-28',
    to: '2025-02-04',
    makeUpDays: ['2025-01-26', '2025-02-08'],
  },
  {
    name: name('清明节', 'Qingming Festival'),
    from: '2025-04-04',
    to: '2025-04-06',
    makeUpDays: [],
  },
  {
    name: name('劳动节', 'Labour Day'),
    from: '2025-05-01',
    to: '2025-05-05',
    makeUpDays: ['2025-04-27'],
  },
  {
    name: name('端午节', 'Dragon Boat Festival'),
    from: '2025-05-31',
    to: '2025-06-02',
    makeUpDays: [],
  },
  {
    name: name('国庆节、中秋节', 'National Day and Mid-Autumn Festival'),
    from: '2025-10-01',
    to: '2025-10-08',
    makeUpDays: ['2025-09-28', '2025-10-11'],
  },
];

/**
 * 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号, published 2025-11-04).
 * Entered from memory of the notice and cross-checked against several independent public copies
 * of its text, not against gov.cn itself: confirm against the official notice before relying on it.
 */
export const cnHolidays2026: readonly CnHolidayPeriod[] = [
  {
    name: name('元旦', "New Year's Day"),
    from: '2026-01-01',
    to: '2026-01-03',
    makeUpDays: ['2026-01-04'],
  },
  {
    name: name('春节', 'Spring Festival'),
    from: '2026-02-15',
    to: '2026-02-23',
    makeUpDays: ['2026-02-14', '2026-02-28'],
  },
  {
    name: name('清明节', 'Qingming Festival'),
    from: '2026-04-04',
    to: '2026-04-06',
    makeUpDays: [],
  },
  {
    name: name('劳动节', 'Labour Day'),
    from: '2026-05-01',
    to: '2026-05-05',
    makeUpDays: ['2026-05-09'],
  },
  {
    name: name('端午节', 'Dragon Boat Festival'),
    from: '2026-06-19',
    to: '2026-06-21',
    makeUpDays: [],
  },
  {
    name: name('中秋节', 'Mid-Autumn Festival'),
    from: '2026-09-25',
    to: '2026-09-27',
    makeUpDays: [],
  },
  {
    name: name('国庆节', 'National Day'),
    from: '2026-10-01',
    to: '2026-10-07',
    makeUpDays: ['2026-09-20', '2026-10-10'],
  },
];

/** Every period listed, oldest first. */
export const cnHolidayPeriods: readonly CnHolidayPeriod[] = [...cnHolidays2025, ...cnHolidays2026];

/** The last date the lists cover; later dates follow the weekly hours alone. */
export const cnHolidaysCoverUntil = '2026-12-31';

/**
 * Every date off in the periods, in order.
 * @example cnHolidayDates(cnHolidays2025).slice(0, 2) // ['2025-01-01', '2025-01-28']
 */
export function cnHolidayDates(periods: readonly CnHolidayPeriod[] = cnHolidayPeriods): string[] {
  const dates: string[] = [];
  for (const period of periods) {
    const from = epochDayOf(period.from);
    const to = epochDayOf(period.to);
    if (from === null || to === null) throw new RangeError(`bad holiday period ${period.from}`);
    for (let day = from; day <= to; day++) dates.push(dateOfEpochDay(day));
  }
  return dates;
}

/** Every 调休 make-up working date in the periods, in order. */
export function cnMakeUpDates(periods: readonly CnHolidayPeriod[] = cnHolidayPeriods): string[] {
  return periods.flatMap((p) => p.makeUpDays).sort();
}

const officeHours: readonly WorkingInterval[] = [{ from: '09:00', to: '18:00' }];

/**
 * Mon–Fri 09:00–18:00 in Asia/Shanghai with the official holidays off and the make-up days worked
 * 09:00–18:00, for 2025 and 2026. A fresh object each call, so callers may change it.
 * @example addBusinessTime(start, durationMs(parsed), defaultCnCalendar())
 */
export function defaultCnCalendar(): BusinessCalendar {
  const hours = () => officeHours.map((i) => ({ ...i }));
  return {
    label: {
      'zh-CN': '中国大陆工作日（周一至周五 9:00–18:00）',
      en: 'Mainland China working days (Mon–Fri 9:00–18:00)',
    },
    timeZone: 'Asia/Shanghai',
    weeklyHours: { mon: hours(), tue: hours(), wed: hours(), thu: hours(), fri: hours() },
    holidays: cnHolidayDates(),
    makeUpDays: cnMakeUpDates().map((date) => ({ date, hours: hours() })),
  };
}
