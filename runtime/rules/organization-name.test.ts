import { describe, expect, it } from 'vitest';
import { orgMatchForm, stripOrgSuffixes } from './organization-name';

const suffixes = ['股份有限公司', '有限公司', '(集团)'];

describe('stripOrgSuffixes', () => {
  it('strips the longest legal suffix first, then the next', () => {
    expect(stripOrgSuffixes('华东医疗器械(集团)股份有限公司', suffixes)).toBe('华东医疗器械');
    expect(stripOrgSuffixes('华东医疗器械有限公司', suffixes)).toBe('华东医疗器械');
  });

  it('folds full-width brackets and spaces before comparing', () => {
    expect(stripOrgSuffixes('\u3000华东医疗器械（集团）  ', suffixes)).toBe('华东医疗器械');
    expect(stripOrgSuffixes('Ａｃｍｅ  Medical Co., Ltd.', ['co., ltd.'])).toBe('Acme Medical');
  });

  it('never strips a name down to nothing', () => {
    expect(stripOrgSuffixes('有限公司', suffixes)).toBe('有限公司');
  });
});

describe('orgMatchForm', () => {
  it('makes differently typed names of one organisation equal', () => {
    const a = orgMatchForm('华东医疗器械股份有限公司', suffixes);
    const b = orgMatchForm(' 华东医疗器械（集团） ', suffixes);
    expect(a).toBe(b);
    expect(orgMatchForm('ACME Medical', [])).toBe(orgMatchForm('acme  medical', []));
  });
});
