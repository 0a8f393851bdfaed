import { describe, expect, it } from 'vitest';
import { appDefinitionJsonSchema } from '../definition/definition-schema';
import { validateDefinition } from '../definition/validate-definition';
import { compileRules, validateRules } from './compile-rules';
import type { RulesDefinition } from './rules-schema';
import { b1Definition, medicalDeviceDefinition, medicalDeviceRules } from './test-rules';

function codes(rules: RulesDefinition) {
  return validateRules(medicalDeviceDefinition(rules)).map((i) => [i.pointer, i.code]);
}

describe('validateRules', () => {
  it('accepts the medical-device and B1 packs', () => {
    expect(validateRules(medicalDeviceDefinition())).toEqual([]);
    expect(validateRules(b1Definition())).toEqual([]);
    expect(validateDefinition(medicalDeviceDefinition())).toMatchObject({ ok: true });
  });

  it('reports unknown tables, fields, lists and stages where they are named', () => {
    expect(
      codes({
        dedupe: [{ ...medicalDeviceRules.dedupe![0]!, keys: ['phone', 'org'] }],
        tagging: [
          {
            key: 'a',
            kind: 'keywords',
            table: 'leads',
            fields: ['message'],
            keywords: ['CT'],
            tags: ['x'],
          },
          {
            key: 'b',
            kind: 'organization',
            table: 'lead',
            field: 'organization',
            list: 'hospitals',
            tags: ['x'],
          },
        ],
        gates: [
          { key: 'g', table: 'lead', to: 'won', require: [{ kind: 'fields', fields: ['budget'] }] },
        ],
      }),
    ).toEqual([
      ['/rules/dedupe/0/keys/1', 'UNKNOWN_FIELD'],
      ['/rules/tagging/0/table', 'UNKNOWN_TABLE'],
      ['/rules/tagging/1/list', 'UNKNOWN_LIST'],
      ['/rules/gates/0/to', 'UNKNOWN_STAGE'],
      ['/rules/gates/0/require/0/fields/0', 'UNKNOWN_FIELD'],
    ]);
  });

  it('refuses fields of the wrong type', () => {
    expect(
      codes({
        tagging: [
          {
            key: 'a',
            kind: 'cidr',
            table: 'lead',
            field: 'tags',
            ranges: ['10.0.0.0/8'],
            tags: ['x'],
          },
        ],
        gates: [
          { key: 'g', table: 'lead', to: 'paid', require: [{ kind: 'attachment', field: 'name' }] },
        ],
      }),
    ).toEqual([
      ['/rules/tagging/0/field', 'FIELD_TYPE'],
      ['/rules/gates/0/require/0/field', 'FIELD_TYPE'],
    ]);
  });

  it('type-checks CEL against the table, with line and column', () => {
    const issues = validateRules(
      medicalDeviceDefinition({
        tagging: [{ key: 'a', kind: 'cel', table: 'lead', when: 'record.budgt > 3', tags: ['x'] }],
        assignment: [
          {
            ...medicalDeviceRules.assignment![0]!,
            entries: [{ key: 'e', candidates: 'record.province', strategy: 'round_robin' }],
          },
        ],
      }),
    );
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/rules/tagging/0/when', 'CEL_TYPE'],
      ['/rules/assignment/0/entries/0/candidates', 'CEL_RESULT_TYPE'],
    ]);
    expect(issues[0]!.message.en).toMatch(/^line 1, column \d+: unknown field 'budgt'/);
  });

  it('refuses malformed CIDR ranges, unordered bands, unknown bands, flows and duplicate keys', () => {
    const card = b1Definition().rules!.scorecards![0]!;
    const issues = validateRules(
      medicalDeviceDefinition({
        tagging: [
          {
            key: 'net',
            kind: 'cidr',
            table: 'lead',
            field: 'ip',
            ranges: ['10.0.0.0/33'],
            tags: ['x'],
          },
          { key: 'net', kind: 'cidr', table: 'lead', field: 'ip', tags: ['x'] },
        ],
        scorecards: [
          {
            ...card,
            field: undefined,
            bandField: undefined,
            bands: [card.bands[1]!, card.bands[0]!],
            thresholds: [{ key: 't', when: { band: 'blue' }, actions: [{ startFlow: 'nurture' }] }],
          },
        ],
      }),
    );
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/rules/tagging/1/key', 'DUPLICATE_KEY'],
      ['/rules/tagging/0/ranges/0', 'INVALID_CIDR'],
      ['/rules/tagging/1', 'NO_ENTRIES'],
      ['/rules/scorecards/0/bands/1/min', 'BANDS_NOT_ASCENDING'],
      ['/rules/scorecards/0/thresholds/0/when/band', 'UNKNOWN_BAND'],
      ['/rules/scorecards/0/thresholds/0/actions/0/startFlow', 'UNKNOWN_FLOW'],
    ]);
    for (const i of issues) expect(i.message['zh-CN'].length).toBeGreaterThan(0);
  });

  it('is part of publishing: validateDefinition reports rule issues with the rest', () => {
    const result = validateDefinition({
      ...medicalDeviceDefinition(),
      rules: { dedupe: [{ ...medicalDeviceRules.dedupe![0]!, window: 'P1M' }] },
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((i) => i.pointer)).toEqual([
      '/rules/dedupe/0/window',
    ]);
  });
});

describe('compileRules', () => {
  it('compiles once per definition object', () => {
    const definition = medicalDeviceDefinition();
    const first = compileRules(definition);
    expect(first.ok).toBe(true);
    expect(compileRules(definition)).toBe(first);
  });

  it('gives tables without rules empty lists and tells which events a table scores', () => {
    const rules = compileRules(b1Definition());
    if (!rules.ok) throw new Error('expected rules');
    expect(rules.value.forTable('lead').eventTypes).toEqual([
      'page_dwell',
      'download',
      'demo_booked',
      'wechat_message',
      'email_reply',
    ]);
    expect(rules.value.forTable('nothing')).toMatchObject({
      tagging: [],
      gates: [],
      tagsField: null,
    });
  });
});

describe('the definition JSON Schema', () => {
  it('describes the rules part', () => {
    const schema = JSON.stringify(appDefinitionJsonSchema());
    for (const word of [
      'stripSuffixes',
      'mark_returning',
      'last_events',
      'round_robin',
      'attachment',
    ]) {
      expect(schema).toContain(word);
    }
  });
});
