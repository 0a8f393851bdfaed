import { describe, expect, it } from 'vitest';
import { instantiateTemplate } from './instantiate-template';
import { parseTemplate } from './parse-template';
import type { Template } from './template-schema';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

/** A one-table template using every parameter type once. */
function smallTemplate(overrides: Partial<Template> = {}): Template {
  const parsed = parseTemplate({
    formatVersion: 1,
    key: 'small-pack',
    version: '1.0.0',
    label: l('Small pack', '小模板'),
    description: l('For tests', '测试用'),
    parameters: {
      first_response: {
        type: 'duration',
        default: 'PT240M',
        min: 'PT1S',
        label: l('First response', '首次响应'),
      },
      capacity: { type: 'integer', default: 8, label: l('Capacity', '容量') },
      hot: { type: 'number', default: 10, min: 0, label: l('Hot from', '热线索起点') },
      channel_tag: { type: 'string', default: '官网', max: 20, label: l('Tag', '标签') },
      keywords: {
        type: 'string_list',
        default: ['故障', '停机'],
        min: 1,
        label: l('Keywords', '关键词'),
      },
      strict_phone: { type: 'boolean', default: true, label: l('Trim text', '去除空白') },
    },
    definition: {
      formatVersion: 1,
      tables: [
        {
          key: 'lead',
          label: l('Lead', '线索'),
          fields: [
            { key: 'name', type: 'text', label: l('Name', '姓名') },
            { key: 'message', type: 'long_text', label: l('Message', '留言') },
            { key: 'score', type: 'number', label: l('Score', '评分') },
            { key: 'tags', type: 'tags', label: l('Tags', '标签') },
          ],
        },
      ],
      rules: {
        normalize: [{ table: 'lead', trimText: '{{params.strict_phone}}' }],
        tagging: [
          {
            key: 'urgent',
            kind: 'keywords',
            table: 'lead',
            fields: ['message'],
            keywords: '{{params.keywords}}',
            tags: ['紧急'],
          },
          {
            key: 'long_message',
            kind: 'cel',
            table: 'lead',
            when: 'contains_any(record.message, {{params.keywords}}) && record.score >= {{params.hot}}',
            tags: ['{{params.channel_tag}}'],
          },
        ],
        assignment: [
          {
            key: 'reps',
            table: 'lead',
            entries: [
              {
                key: 'all',
                candidates: 'true',
                capacity: { metric: 'open_records', lessThan: '{{params.capacity}}' },
                strategy: 'round_robin',
              },
            ],
            fallback: { pool: 'market' },
          },
        ],
      },
      flows: [
        {
          key: 'ladder',
          label: l('Ladder', '升级'),
          table: 'lead',
          trigger: { on: 'record.created' },
          nodes: [
            {
              id: 'ladder',
              type: 'escalation',
              until: 'record.score != null',
              levels: [
                {
                  after: '{{params.first_response}}',
                  to: 'owner',
                  channel: 'inapp',
                  title: l('Call {{record.name}}', '请联系 {{record.name}}'),
                },
              ],
            },
          ],
          edges: [],
        },
      ],
    },
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const issuesOf = (result: ReturnType<typeof instantiateTemplate>) =>
  result.ok ? [] : result.issues;

describe('instantiateTemplate', () => {
  it('substitutes whole-string placeholders with typed values and leaves record placeholders alone', () => {
    const result = instantiateTemplate(smallTemplate());
    expect(issuesOf(result)).toEqual([]);
    if (!result.ok) return;
    const rules = result.value.rules!;
    expect(rules.assignment![0]!.entries[0]!.capacity!.lessThan).toBe(8);
    expect(rules.normalize![0]!.trimText).toBe(true);
    expect(rules.tagging![0]).toMatchObject({ keywords: ['故障', '停机'] });
    expect(rules.tagging![1]).toMatchObject({
      when: 'contains_any(record.message, ["故障","停机"]) && record.score >= 10',
      tags: ['官网'],
    });
    const ladder = result.value.flows![0]!.nodes[0]!;
    expect(ladder).toMatchObject({
      levels: [{ after: 'PT240M', title: { en: 'Call {{record.name}}' } }],
    });
  });

  it('takes given values, including text as a command line passes it', () => {
    const result = instantiateTemplate(smallTemplate(), {
      first_response: 'PT2S',
      capacity: '3',
      keywords: '急，停产',
      strict_phone: 'false',
      hot: 2.5,
    });
    expect(issuesOf(result)).toEqual([]);
    if (!result.ok) return;
    const rules = result.value.rules!;
    expect(rules.assignment![0]!.entries[0]!.capacity!.lessThan).toBe(3);
    expect(rules.tagging![0]).toMatchObject({ keywords: ['急', '停产'] });
    expect(rules.normalize![0]!.trimText).toBe(false);
    expect(result.value.flows![0]!.nodes[0]).toMatchObject({ levels: [{ after: 'PT2S' }] });
  });

  it('refuses values of the wrong type, out of bounds or for unknown parameters, each at /params/<name>', () => {
    const issues = issuesOf(
      instantiateTemplate(smallTemplate(), {
        first_response: '4 hours',
        capacity: 2.5,
        hot: -1,
        channel_tag: 'x'.repeat(21),
        keywords: [],
        strict_phone: 'yes',
        colour: 'red',
      }),
    );
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/params/colour', 'UNKNOWN_PARAMETER'],
      ['/params/first_response', 'INVALID_DURATION'],
      ['/params/capacity', 'INVALID_TYPE'],
      ['/params/hot', 'TOO_SMALL'],
      ['/params/channel_tag', 'TOO_BIG'],
      ['/params/keywords', 'TOO_SMALL'],
      ['/params/strict_phone', 'INVALID_TYPE'],
    ]);
    for (const i of issues) expect(i.message['zh-CN']).not.toBe('');
  });

  it('refuses a zero duration and one below its minimum', () => {
    expect(issuesOf(instantiateTemplate(smallTemplate(), { first_response: 'PT0S' }))).toEqual([
      expect.objectContaining({ pointer: '/params/first_response', code: 'TOO_SMALL' }),
    ]);
    expect(issuesOf(instantiateTemplate(smallTemplate(), { first_response: 'PT0.5S' }))).toEqual([
      expect.objectContaining({ pointer: '/params/first_response', code: 'TOO_SMALL' }),
    ]);
  });

  it('blames the parameter when its value makes the definition invalid', () => {
    // `capacity` has no minimum of its own; the definition needs lessThan ≥ 1.
    const issues = issuesOf(instantiateTemplate(smallTemplate(), { capacity: 0 }));
    expect(issues).toEqual([
      expect.objectContaining({ pointer: '/params/capacity', code: 'TOO_SMALL' }),
    ]);
    expect(issues[0]!.message.en).toContain(
      '/definition/rules/assignment/0/entries/0/capacity/lessThan',
    );
  });

  it('points definition problems into the template document', () => {
    const template = smallTemplate();
    const broken = {
      ...template,
      definition: { ...template.definition, flows: [], tables: [] },
    };
    const issues = issuesOf(instantiateTemplate(broken));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.pointer.startsWith('/definition/rules/'))).toBe(true);
  });

  it('type-checks the conditions of update triggers', () => {
    const template = smallTemplate();
    const definition = template.definition as { flows: Array<Record<string, unknown>> };
    const flow = { ...definition.flows[0]!, trigger: { on: 'record.updated', when: 'old.nope' } };
    const issues = issuesOf(
      instantiateTemplate({ ...template, definition: { ...definition, flows: [flow] } }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ pointer: '/definition/flows/0/trigger/when' }),
    ]);
  });
});
