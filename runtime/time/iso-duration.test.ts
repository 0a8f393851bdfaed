import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration, isoDurationSchema, parseIsoDuration } from './iso-duration';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;

function msOf(text: string): number {
  const parsed = parseIsoDuration(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return durationMs(parsed.value);
}

function refusal(text: string): string {
  const parsed = parseIsoDuration(text);
  if (parsed.ok) throw new Error(`${text} was accepted`);
  return parsed.message;
}

describe('parseIsoDuration', () => {
  it('reads the durations the playbooks use', () => {
    expect(msOf('PT240M')).toBe(240 * MINUTE);
    expect(msOf('PT24H')).toBe(24 * HOUR);
    expect(msOf('PT72H')).toBe(72 * HOUR);
    expect(msOf('P3D')).toBe(3 * DAY);
    expect(msOf('P1W')).toBe(7 * DAY);
    expect(msOf('PT1H30M')).toBe(90 * MINUTE);
    expect(msOf('PT2S')).toBe(2_000);
    expect(msOf('P30D')).toBe(30 * DAY);
    expect(msOf('PT0.5S')).toBe(500);
    expect(msOf('P1DT12H')).toBe(36 * HOUR);
    expect(msOf('PT0S')).toBe(0);
  });

  it('keeps the parts as written', () => {
    expect(parseIsoDuration('P1W2DT3H4M5.25S')).toEqual({
      ok: true,
      value: { weeks: 1, days: 2, hours: 3, minutes: 4, seconds: 5.25 },
    });
  });

  it('refuses calendar months and years and says to use days', () => {
    expect(refusal('P1M')).toBe(
      '"P1M" is not a supported ISO 8601 duration: months have no fixed length; use days instead, e.g. P30D (for minutes write PT…M)',
    );
    expect(refusal('P1Y')).toBe(
      '"P1Y" is not a supported ISO 8601 duration: years have no fixed length; use days instead, e.g. P365D',
    );
    expect(refusal('P1Y2D')).toContain('use days instead');
  });

  it('refuses malformed input with a precise reason', () => {
    const reasons: Record<string, string> = {
      '': 'it is empty',
      P: 'it has no parts',
      PT: '"T" must be followed by hours, minutes or seconds',
      '240M': 'it must start with "P"',
      pt240m: 'write "PT240M"',
      '-PT1H': 'cannot be signed',
      'PT 1H': 'contains spaces',
      P1H: 'hours belong after "T": write PT1H',
      PT1D: 'days come before "T": write P1D',
      PT30M1H: 'out of order',
      PT1H1H: 'repeated or out of order',
      'PT1.5H': 'only seconds may have a fraction',
      'PT0,5S': 'write the decimal separator as "."',
      'PT0.0001S': 'one to three decimals',
      PT5: 'the number 5 has no unit',
      P1X: '"X" is not a designator',
      'PT1H!': 'unexpected "!" at position 5',
      P36501D: 'longer than 36500 days',
      PTT1H: '"T" must be followed',
    };
    for (const [text, reason] of Object.entries(reasons)) {
      expect(refusal(text), text).toContain(reason);
    }
  });
});

describe('isoDurationSchema', () => {
  it('accepts a valid duration and reports the parser message otherwise', () => {
    expect(isoDurationSchema.parse('PT240M')).toBe('PT240M');
    const result = isoDurationSchema.safeParse('P1M');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('use days instead, e.g. P30D');
    expect(isoDurationSchema.safeParse(240).success).toBe(false);
  });
});

describe('formatDuration', () => {
  it('writes hours and minutes in Chinese and English', () => {
    expect(formatDuration(4 * HOUR, 'zh-CN')).toBe('4 小时');
    expect(formatDuration(4 * HOUR + 30 * MINUTE, 'en')).toBe('4 h 30 min');
    expect(formatDuration(4 * HOUR + 30 * MINUTE, 'zh-CN')).toBe('4 小时 30 分钟');
    expect(formatDuration(4 * HOUR, 'en')).toBe('4 h');
  });

  it('writes days, seconds, fractions, zero and negatives', () => {
    expect(formatDuration(3 * DAY, 'zh-CN')).toBe('3 天');
    expect(formatDuration(msOf('P1W'), 'en')).toBe('7 d');
    expect(formatDuration(DAY + 2 * HOUR + 5_000, 'en')).toBe('1 d 2 h 5 s');
    expect(formatDuration(500, 'en')).toBe('0.5 s');
    expect(formatDuration(90_250, 'zh-CN')).toBe('1 分钟 30.25 秒');
    expect(formatDuration(0, 'zh-CN')).toBe('0 秒');
    expect(formatDuration(-90 * MINUTE, 'en')).toBe('-1 h 30 min');
    expect(() => formatDuration(Number.NaN, 'en')).toThrow(RangeError);
  });
});
