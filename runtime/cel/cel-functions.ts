// Baton's CEL functions: deterministic helpers for lead rules, with zh-CN/en docs for completion.
import { celDate } from './cel-date';
import { EvaluationError, type Environment } from '@marcbachmann/cel-js';
import type { LocalizedText } from '../localized-text';
import {
  DEFAULT_TIME_ZONE,
  dateOf,
  dateOfEpochDay,
  epochDayOf,
  weekdayOf,
  weekdayOfEpochDay,
} from './calendar';
import { registerClockFunctions } from './clock-functions';
import { InvalidCidrError, inCidr } from './ip-cidr';
import { containsAll, containsAny, inList, normalizeOrg } from './text-match';

/** One function as the designer's completion shows it. */
export interface CelFunctionDoc {
  readonly name: string;
  /** Overloads as admins read them, e.g. `contains_any(string, list<string>) -> bool`. */
  readonly signatures: readonly string[];
  readonly description: LocalizedText;
  readonly example: string;
}

/** Every Baton function, in the order the designer lists them. */
export const celFunctionCatalog: readonly CelFunctionDoc[] = [
  {
    name: 'contains_any',
    signatures: ['contains_any(string, list<string>) -> bool'],
    description: {
      'zh-CN': '文本包含任一关键词（忽略大小写与全角/半角）；文本为空时为 false。',
      en: 'Text contains any keyword (ignoring case and full/half width); false when the text is empty.',
    },
    example: 'contains_any(record.message, ["DR", "CT"])',
  },
  {
    name: 'contains_all',
    signatures: ['contains_all(string, list<string>) -> bool'],
    description: {
      'zh-CN': '文本包含全部关键词（忽略大小写与全角/半角）；文本为空时为 false。',
      en: 'Text contains every keyword (ignoring case and full/half width); false when the text is empty.',
    },
    example: 'contains_all(record.reply, ["预算", "时间表"])',
  },
  {
    name: 'in_list',
    signatures: ['in_list(string, list<string>) -> bool'],
    description: {
      'zh-CN': '值在列表中（去除首尾空格、合并空格、忽略大小写与全角/半角）；值为空时为 false。',
      en: 'Value is in the list (trimmed, spaces collapsed, ignoring case and width); false when empty.',
    },
    example: 'in_list(record.organization, ["北京协和医院", "华西医院"])',
  },
  {
    name: 'in_cidr',
    signatures: ['in_cidr(string, string) -> bool', 'in_cidr(string, list<string>) -> bool'],
    description: {
      'zh-CN':
        'IP 地址（IPv4 或 IPv6）属于某个 CIDR 网段（或网段列表中的任一个）；地址为空或无效时为 false。',
      en: 'IP address (IPv4 or IPv6) lies in a CIDR range (or any range of a list); false when empty or invalid.',
    },
    example: 'in_cidr(record.ip, ["10.0.0.0/8", "2001:db8::/32"])',
  },
  {
    name: 'normalize_org',
    signatures: ['normalize_org(string) -> string'],
    description: {
      'zh-CN': '规范化机构名称：全角转半角、去除首尾空格、合并连续空格；为空时仍为空。',
      en: 'Normalises an organisation name: full width to half width, trimmed, spaces collapsed; null stays null.',
    },
    example: 'normalize_org(record.organization)',
  },
  {
    name: 'minutes_since',
    signatures: ['minutes_since(timestamp) -> double'],
    description: {
      'zh-CN': '从该时间到当前时间（now）经过的分钟数。',
      en: 'Minutes elapsed from the timestamp to the current time (now).',
    },
    example: 'minutes_since(record.created_at) > 30',
  },
  {
    name: 'hours_since',
    signatures: ['hours_since(timestamp) -> double'],
    description: {
      'zh-CN': '从该时间到当前时间（now）经过的小时数。',
      en: 'Hours elapsed from the timestamp to the current time (now).',
    },
    example: 'record.first_contact_at == null && hours_since(record.created_at) > 4',
  },
  {
    name: 'days_since',
    signatures: ['days_since(timestamp) -> double', 'days_since(date string) -> double'],
    description: {
      'zh-CN': '从该时间到当前时间经过的天数；传入日期（YYYY-MM-DD）时按上海时区计算整天数。',
      en: 'Days elapsed until now; for a date (YYYY-MM-DD), whole calendar days to today in Asia/Shanghai.',
    },
    example: 'days_since(record.last_follow_up_at) >= 3',
  },
  {
    name: 'date_of',
    signatures: ['date_of(timestamp) -> string', 'date_of(timestamp, string time_zone) -> string'],
    description: {
      'zh-CN': '时间所在的日期（YYYY-MM-DD），默认按 Asia/Shanghai 时区。',
      en: 'Calendar date (YYYY-MM-DD) of a timestamp, in Asia/Shanghai unless a time zone is given.',
    },
    example: 'date_of(now) == record.due_on',
  },
  {
    name: 'weekday',
    signatures: [
      'weekday(timestamp) -> int',
      'weekday(timestamp, string time_zone) -> int',
      'weekday(date string) -> int',
    ],
    description: {
      'zh-CN': '星期几：1 = 周一 … 7 = 周日，默认按 Asia/Shanghai 时区。',
      en: 'Day of the week: 1 = Monday … 7 = Sunday, in Asia/Shanghai unless a time zone is given.',
    },
    example: 'weekday(now) <= 5',
  },
  {
    name: 'add_days',
    signatures: ['add_days(timestamp, int) -> timestamp', 'add_days(date string, int) -> string'],
    description: {
      'zh-CN': '加上（或减去）若干天：时间加 n×24 小时；日期（YYYY-MM-DD）按日历加天数。',
      en: 'Adds (or subtracts) days: n×24 hours to a timestamp; calendar days to a date (YYYY-MM-DD).',
    },
    example: 'add_days(record.quoted_at, 3) < now',
  },
];

const DAY_MS = 86_400_000;
// A century either way keeps every result inside CEL's timestamp range for current dates.
const MAX_DAYS = 36_525n;

function invalid(code: string, message: string): EvaluationError {
  return new EvaluationError({ code, message });
}

function daysOf(n: bigint): number {
  if (n > MAX_DAYS || n < -MAX_DAYS)
    throw invalid('invalid_argument', `add_days(): ${n} days is out of range`);
  return Number(n);
}

function zoned<T>(fn: (instant: Date, timeZone: string) => T) {
  return (instant: Date, timeZone: string): T => {
    try {
      return fn(instant, timeZone);
    } catch {
      throw invalid('invalid_time_zone', `unknown time zone '${timeZone}'`);
    }
  };
}

function epochDayOrThrow(date: string, fn: string): number {
  const day = epochDayOf(date);
  if (day === null)
    throw invalid('invalid_argument', `${fn}(): '${date}' is not a date 'YYYY-MM-DD'`);
  return day;
}

function inCidrOrThrow(ip: string, cidr: string): boolean {
  try {
    return inCidr(ip, cidr);
  } catch (e) {
    if (e instanceof InvalidCidrError) throw invalid('invalid_cidr', e.message);
    throw e;
  }
}

type Handler = (...args: never[]) => unknown;

// Signature, handler, English summary for cel-js' own definitions list.
const overloads: ReadonlyArray<readonly [string, Handler, string]> = [
  ['contains_any(string, list<string>): bool', containsAny, 'Text contains any keyword'],
  ['contains_any(null, list<string>): bool', () => false, 'Empty text contains nothing'],
  ['contains_all(string, list<string>): bool', containsAll, 'Text contains every keyword'],
  ['contains_all(null, list<string>): bool', () => false, 'Empty text contains nothing'],
  ['in_list(string, list<string>): bool', inList, 'Value is in the list'],
  ['in_list(null, list<string>): bool', () => false, 'Empty value is in no list'],
  ['in_cidr(string, string): bool', inCidrOrThrow, 'Address lies in the range'],
  [
    'in_cidr(string, list<string>): bool',
    (ip: string, ranges: readonly string[]) => ranges.some((r) => inCidrOrThrow(ip, r)),
    'Address lies in any range',
  ],
  ['in_cidr(null, string): bool', () => false, 'Empty address is in no range'],
  ['in_cidr(null, list<string>): bool', () => false, 'Empty address is in no range'],
  ['normalize_org(string): string', normalizeOrg, 'Normalised organisation name'],
  ['normalize_org(null): null', () => null, 'Empty stays empty'],
  [
    'date_of(google.protobuf.Timestamp): string',
    (t: Date) => dateOf(t, DEFAULT_TIME_ZONE),
    'Date in Asia/Shanghai',
  ],
  ['date_of(google.protobuf.Timestamp, string): string', zoned(dateOf), 'Date in a time zone'],
  [
    'weekday(google.protobuf.Timestamp): int',
    (t: Date) => BigInt(weekdayOf(t, DEFAULT_TIME_ZONE)),
    'ISO weekday in Asia/Shanghai',
  ],
  [
    'weekday(google.protobuf.Timestamp, string): int',
    zoned((t, tz) => BigInt(weekdayOf(t, tz))),
    'ISO weekday in a time zone',
  ],
  [
    'weekday(string): int',
    (d: string) => BigInt(weekdayOfEpochDay(epochDayOrThrow(d, 'weekday'))),
    'ISO weekday of a date',
  ],
  [
    'add_days(google.protobuf.Timestamp, int): google.protobuf.Timestamp',
    (t: Date, n: bigint) => celDate(t.getTime() + daysOf(n) * DAY_MS),
    'Timestamp plus n×24 hours',
  ],
  [
    'add_days(string, int): string',
    (d: string, n: bigint) => dateOfEpochDay(epochDayOrThrow(d, 'add_days') + daysOf(n)),
    'Date plus n calendar days',
  ],
];

// Baton extension: int and double mix in arithmetic (record.quantity * record.unit_price), giving a
// double. Standard CEL refuses these, which admins find surprising in a low-code tool.
const arithmetic: ReadonlyArray<readonly [string, (a: number, b: number) => number]> = [
  ['+', (a, b) => a + b],
  ['-', (a, b) => a - b],
  ['*', (a, b) => a * b],
  ['/', (a, b) => a / b],
];

/**
 * Registers every Baton function (and mixed int/double arithmetic) on an environment.
 * @example registerBatonFunctions(new Environment()).check('contains_any("CT", ["ct"])').valid // true
 */
export function registerBatonFunctions(env: Environment): Environment {
  for (const [signature, handler, description] of overloads) {
    env.registerFunction(signature, handler as (...args: unknown[]) => unknown, { description });
  }
  for (const [op, fn] of arithmetic) {
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => fn(a, Number(b)));
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => fn(Number(a), b));
  }
  return registerClockFunctions(env);
}
