// Scorecards: points from record conditions and behaviour events, decay, caps, bands, thresholds.
import type { CompiledCel } from '../cel/compile-cel';
import type { LocalizedText } from '../localized-text';
import { instantMs } from './instant';
import { celRuleIssue, type RecordJson, type RuleIssue } from './rule-issue';
import type { Scorecard, ScoreBand, ScoreRule, ThresholdAction } from './scorecard-schema';

/** A behaviour event as the platform stores it. */
export interface ScoreEvent {
  readonly id?: string;
  /** e.g. `email_reply`, `whitepaper_download`. */
  readonly type: string;
  /** When it happened: a Date or an ISO 8601 instant with offset. */
  readonly at: Date | string;
  readonly payload?: Readonly<Record<string, unknown>>;
}

/** An event that scored, with the rule that counted it. */
export interface ScoredEvent {
  readonly id?: string;
  readonly type: string;
  readonly at: string;
  readonly rule: string;
  readonly label: LocalizedText;
  /** Points after decay, before caps. */
  readonly points: number;
}

export interface ScoreContribution {
  readonly rule: string;
  readonly label: LocalizedText;
  readonly kind: 'field' | 'event';
  /** What the rule adds to the score: after decay and its cap. */
  readonly points: number;
  /** Events that matched (0 for field rules). */
  readonly events: number;
  readonly capped: boolean;
}

/** A score and its band: what thresholds compare. */
export interface ScoreLevel {
  readonly score: number;
  readonly band: string | null;
}

export interface ScoreResult extends ScoreLevel {
  readonly card: string;
  readonly bandLabel: LocalizedText | null;
  readonly color: string | null;
  readonly contributions: readonly ScoreContribution[];
  /** Every scoring event, newest first: what "the last 3 behaviours" come from. */
  readonly behaviours: readonly ScoredEvent[];
  readonly issues: readonly RuleIssue[];
}

export interface ThresholdFiring {
  readonly card: string;
  readonly threshold: string;
  readonly action: ThresholdAction;
  /** The behaviours the action asked for (`include: 'last_events:N'`), newest first. */
  readonly events: readonly ScoredEvent[];
}

export interface FieldScoreRule {
  readonly rule: Extract<ScoreRule, { kind: 'field' }>;
  readonly when: CompiledCel;
}

export interface EventScoreRule {
  readonly rule: Extract<ScoreRule, { kind: 'event' }>;
  readonly where: CompiledCel | null;
  readonly halfLifeMs: number | null;
}

export interface CompiledScorecard {
  readonly key: string;
  readonly table: string;
  readonly card: Scorecard;
  /** Event types any rule scores: the only events the platform needs to load. */
  readonly eventTypes: readonly string[];
  readonly fieldRules: readonly FieldScoreRule[];
  readonly eventRules: ReadonlyMap<string, readonly EventScoreRule[]>;
  /** Ascending by min. */
  readonly bands: readonly ScoreBand[];
  /** Whether the score field holds integers (the score is rounded when stored). */
  readonly integerField: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number, cap: number | undefined) =>
  cap === undefined ? n : Math.max(-cap, Math.min(cap, n));

/**
 * The score and band a record carries in its score fields, when the card stores them: what people
 * last saw, so a threshold fires when the stored level is below it, once.
 * @example storedLevel(card, { score: 5, score_band: 'red' }) // { score: 5, band: 'red' }
 */
export function storedLevel(card: CompiledScorecard, record: RecordJson): ScoreLevel | null {
  const { field, bandField } = card.card;
  const score = field === undefined ? undefined : record[field];
  if (typeof score !== 'number') return null;
  const band = bandField === undefined ? undefined : record[bandField];
  return { score, band: typeof band === 'string' ? band : (bandOf(card, score)?.key ?? null) };
}

function bandOf(card: CompiledScorecard, score: number): ScoreBand | null {
  let band: ScoreBand | null = card.bands[0] ?? null;
  for (const b of card.bands) if (score >= b.min) band = b;
  return band;
}

interface Tally {
  total: number;
  best: number;
  events: ScoredEvent[];
}

/**
 * The score of a record: field rules over the record, event rules over its behaviour events (events
 * of other types are ignored), each rule capped, the total kept within the card's min and max.
 * Conditions that cannot be evaluated score nothing and are reported once per rule.
 * @example computeScore(card, lead, [{ type: 'demo_booked', at }], now).score // 5
 */
export function computeScore(
  card: CompiledScorecard,
  record: RecordJson,
  events: readonly ScoreEvent[],
  now: Date | string,
): ScoreResult {
  const nowMs = instantMs(now);
  const issues = new Map<string, RuleIssue>();
  const contributions: ScoreContribution[] = [];

  const holds = new Set<string>();
  for (const { rule, when } of card.fieldRules) {
    const result = when.evaluate({ record, now });
    if (!result.ok) issues.set(rule.key, celRuleIssue(rule.key, result.issues));
    else if (result.value === true) holds.add(rule.key);
  }

  const tallies = new Map<string, Tally>();
  for (const event of events) {
    const rules = card.eventRules.get(event.type);
    if (!rules) continue;
    let atMs: number;
    try {
      atMs = instantMs(event.at, 'event.at');
    } catch {
      issues.set(`event:${event.id ?? event.type}`, {
        code: 'EVENT_TIME',
        message: {
          'zh-CN': `事件 ${event.id ?? event.type} 的时间无效`,
          en: `event ${event.id ?? event.type} has an invalid time`,
        },
      });
      continue;
    }
    for (const { rule, where, halfLifeMs } of rules) {
      if (where) {
        const result = where.evaluate({ record, now, payload: event.payload ?? {} });
        if (!result.ok) {
          issues.set(rule.key, celRuleIssue(rule.key, result.issues));
          continue;
        }
        if (result.value !== true) continue;
      }
      // An event stamped slightly after `now` (clock skew) counts at full value.
      const age = Math.max(0, nowMs - atMs);
      const points = halfLifeMs === null ? rule.points : rule.points * 0.5 ** (age / halfLifeMs);
      const tally = tallies.get(rule.key) ?? { total: 0, best: 0, events: [] };
      tally.total += points;
      if (Math.abs(points) > Math.abs(tally.best)) tally.best = points;
      tally.events.push({
        ...(event.id === undefined ? {} : { id: event.id }),
        type: event.type,
        at: new Date(atMs).toISOString(),
        rule: rule.key,
        label: rule.label,
        points: round2(points),
      });
      tallies.set(rule.key, tally);
    }
  }

  const behaviours: ScoredEvent[] = [];
  for (const rule of card.card.rules) {
    const { key, label } = rule;
    if (rule.kind === 'field') {
      if (holds.has(key)) {
        const points = round2(rule.points);
        contributions.push({ rule: key, label, kind: 'field', points, events: 0, capped: false });
      }
      continue;
    }
    const tally = tallies.get(key);
    if (!tally) continue;
    const raw = rule.count === 'once' ? tally.best : tally.total;
    const points = round2(clamp(raw, rule.cap));
    behaviours.push(...tally.events);
    const events = tally.events.length;
    contributions.push({
      rule: key,
      label,
      kind: 'event',
      points,
      events,
      capped: points !== round2(raw),
    });
  }
  behaviours.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  const { min, max } = card.card;
  let score = contributions.reduce((sum, c) => sum + c.points, 0);
  if (max !== undefined) score = Math.min(score, max);
  if (min !== undefined) score = Math.max(score, min);
  score = round2(score);
  const band = bandOf(card, score);
  return {
    card: card.key,
    score,
    band: band?.key ?? null,
    bandLabel: band?.label ?? null,
    color: band?.color ?? null,
    contributions,
    behaviours,
    issues: [...issues.values()],
  };
}

/**
 * The actions of every threshold the change from `before` to `after` crosses upwards: `reaches`
 * fires when the score rises to the value from below, `band` when the score enters the band.
 * `before` is null for a record scored for the first time.
 * @example crossedThresholds(card, { score: 8, band: 'yellow' }, after) // [{ threshold: 'hot', action: { notify: 'role:supervisor', include: 'last_events:3' }, events: [...] }]
 */
export function crossedThresholds(
  card: CompiledScorecard,
  before: ScoreLevel | null,
  after: ScoreResult,
): ThresholdFiring[] {
  const firings: ThresholdFiring[] = [];
  for (const threshold of card.card.thresholds ?? []) {
    const when = threshold.when;
    const crossed =
      'reaches' in when
        ? after.score >= when.reaches && (before === null || before.score < when.reaches)
        : after.band === when.band && before?.band !== when.band;
    if (!crossed) continue;
    for (const action of threshold.actions) {
      const n = 'include' in action && action.include ? Number(action.include.split(':')[1]) : 0;
      firings.push({
        card: card.key,
        threshold: threshold.key,
        action,
        events: after.behaviours.slice(0, n),
      });
    }
  }
  return firings;
}
