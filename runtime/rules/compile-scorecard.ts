// Compiles a scorecard once: its conditions type-checked, its bands, thresholds and fields cross-checked.
import type { TableDefinition } from '../definition/definition-schema';
import { isoMs } from './instant';
import type { Path, RuleCompiler } from './rule-compiler';
import type { CompiledScorecard, EventScoreRule, FieldScoreRule } from './scorecard';
import type { Scorecard } from './scorecard-schema';

/** Compiles a scorecard (its table already resolved), reporting every cross-reference issue. */
export function compileScorecard(
  compiler: RuleCompiler,
  table: TableDefinition,
  card: Scorecard,
  at: Path,
): CompiledScorecard {
  const scoreField =
    card.field === undefined
      ? undefined
      : compiler.field(table, card.field, [...at, 'field'], ['number', 'integer']);
  if (card.bandField !== undefined) {
    const field = compiler.field(table, card.bandField, [...at, 'bandField'], ['text', 'select']);
    if (field?.type === 'select') {
      const options = Array.isArray(field.options)
        ? field.options
        : (compiler.definition.lists?.[field.options.list] ?? []);
      card.bands.forEach((band, i) => {
        if (options.some((o) => o.value === band.key)) return;
        compiler.report(
          [...at, 'bands', i, 'key'],
          'BAND_NOT_AN_OPTION',
          `band "${band.key}" is not an option of "${field.key}"`,
          `分段「${band.key}」不是字段「${field.key}」的选项`,
        );
      });
    }
  }
  if (card.min !== undefined && card.max !== undefined && card.min > card.max) {
    compiler.report(
      [...at, 'min'],
      'MIN_ABOVE_MAX',
      `min ${card.min} is above max ${card.max}`,
      `最小值 ${card.min} 大于最大值 ${card.max}`,
    );
  }
  compiler.unique(
    card.rules.map((r) => r.key),
    [...at, 'rules'],
    ['score rule', '评分规则'],
  );
  compiler.unique(
    card.bands.map((b) => b.key),
    [...at, 'bands'],
    ['band', '分段'],
  );
  compiler.unique(
    (card.thresholds ?? []).map((t) => t.key),
    [...at, 'thresholds'],
    ['threshold', '阈值'],
  );
  card.bands.forEach((band, i) => {
    const previous = card.bands[i - 1];
    if (previous && band.min <= previous.min) {
      compiler.report(
        [...at, 'bands', i, 'min'],
        'BANDS_NOT_ASCENDING',
        `bands must ascend: ${band.min} does not exceed ${previous.min}`,
        `分段须按下限递增：${band.min} 不大于 ${previous.min}`,
      );
    }
  });
  (card.thresholds ?? []).forEach((threshold, t) => {
    const when = threshold.when;
    if ('band' in when && !card.bands.some((b) => b.key === when.band)) {
      compiler.report(
        [...at, 'thresholds', t, 'when', 'band'],
        'UNKNOWN_BAND',
        `no band "${when.band}"`,
        `没有分段「${when.band}」`,
      );
    }
    threshold.actions.forEach((action, a) => {
      const where = [...at, 'thresholds', t, 'actions', a];
      if ('notify' in action) compiler.recipient(action.notify, [...where, 'notify']);
      else compiler.flow(action.startFlow, [...where, 'startFlow']);
    });
  });

  const fieldRules: FieldScoreRule[] = [];
  const eventRules = new Map<string, EventScoreRule[]>();
  card.rules.forEach((rule, r) => {
    const where = [...at, 'rules', r];
    if (rule.kind === 'field') {
      fieldRules.push({
        rule,
        when: compiler.cel(rule.when, { record: table.fields }, 'bool', [...where, 'when']),
      });
      return;
    }
    const scope = { record: table.fields, variables: { payload: 'map<string, dyn>' as const } };
    const compiled: EventScoreRule = {
      rule,
      where:
        rule.where === undefined
          ? null
          : compiler.cel(rule.where, scope, 'bool', [...where, 'where']),
      halfLifeMs: rule.halfLife === undefined ? null : isoMs(rule.halfLife),
    };
    eventRules.set(rule.event, [...(eventRules.get(rule.event) ?? []), compiled]);
  });

  return {
    key: card.key,
    table: table.key,
    card,
    eventTypes: [...eventRules.keys()],
    fieldRules,
    eventRules,
    bands: card.bands,
    integerField: scoreField?.type === 'integer',
  };
}
