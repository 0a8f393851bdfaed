import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../runtime/definition/field-schema';
import { hiddenText, renderTemplate } from './render-template';

const fields: FieldDefinition[] = [
  { key: 'company', type: 'text', label: { 'zh-CN': '单位', en: 'Organisation' } },
  {
    key: 'pain',
    type: 'select',
    label: { 'zh-CN': '痛点', en: 'Pain point' },
    options: [
      { value: 'aging', label: { 'zh-CN': '设备老化', en: 'Aging equipment' } },
      { value: 'cost', label: { 'zh-CN': '耗材成本高', en: 'High consumable cost' } },
    ],
  },
  {
    key: 'roles',
    type: 'multi_select',
    label: { 'zh-CN': '决策链角色', en: 'Decision roles' },
    options: { list: 'roles' },
  },
];
const lists = {
  roles: [
    { value: 'dean', label: { 'zh-CN': '院长', en: 'Dean' } },
    { value: 'finance', label: { 'zh-CN': '财务处长', en: 'Finance head' } },
  ],
};
const lead = { company: '浙江省人民医院', pain: 'aging', roles: ['dean', 'finance'], budget: null };

describe('renderTemplate', () => {
  it('fills record fields and option labels in the reader’s language', () => {
    const text = '{{record.company}}：{{ record.pain | label }}；{{record.roles | label}}';
    expect(renderTemplate(text, lead, 'zh-CN', { fields, lists })).toBe(
      '浙江省人民医院：设备老化；院长、财务处长',
    );
    expect(
      renderTemplate('{{record.pain|label}} / {{record.roles|label}}', lead, 'en', {
        fields,
        lists,
      }),
    ).toBe('Aging equipment / Dean, Finance head');
  });

  it('fills the owner, and renders an explicitly missing owner empty', () => {
    expect(
      renderTemplate('负责人 {{owner.name}}', lead, 'zh-CN', { owner: { name: '李雷' } }),
    ).toBe('负责人 李雷');
    expect(renderTemplate('[{{owner.name}}]', lead, 'zh-CN', { owner: null })).toBe('[]');
  });

  it('leaves unknown placeholders visible instead of throwing', () => {
    const text =
      '{{record.nope}} {{owner.name}} {{lead.company}} {{record.company | upper}} {{record.a.b}}';
    expect(renderTemplate(text, lead, 'en')).toBe(text);
    expect(renderTemplate('{{record.budget}}|{{record.company | label}}', lead, 'en')).toBe(
      '|{{record.company | label}}',
    );
  });

  it('renders a field the reader may not see as the neutral placeholder, filled or empty', () => {
    const readable = new Set(['company']);
    const text = '{{record.company}} {{record.pain | label}} {{record.budget}} {{record.pain}}';
    expect(renderTemplate(text, lead, 'zh-CN', { fields, lists, readable })).toBe(
      `浙江省人民医院 ${hiddenText} ${hiddenText} ${hiddenText}`,
    );
  });

  it('escapes substituted values for HTML but keeps the template’s own markup', () => {
    const record = { company: '<script>alert("x")</script> & Co' };
    expect(renderTemplate('<b>{{record.company}}</b>', record, 'en', { escape: 'html' })).toBe(
      '<b>&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Co</b>',
    );
  });
});
