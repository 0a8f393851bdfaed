import { describe, expect, it } from 'vitest';
import { containsAll, containsAny, inList, normalizeOrg, toHalfWidth } from './text-match';

describe('toHalfWidth', () => {
  it('turns full-width ASCII and the ideographic space into half width', () => {
    expect(toHalfWidth('ＤＲ，１２３\u3000ａ')).toBe('DR,123 a');
    expect(toHalfWidth('影像设备')).toBe('影像设备');
  });
});

describe('normalizeOrg', () => {
  it('trims, folds width and collapses white space', () => {
    expect(normalizeOrg('\u3000 北京协和医院（东院）\t\n 门诊  ')).toBe('北京协和医院(东院) 门诊');
  });
});

describe('containsAny', () => {
  it('ignores case, width and blank keywords', () => {
    expect(containsAny('需要一台ｃｔ', ['DR', 'CT'])).toBe(true);
    expect(containsAny('骨科', ['', '  '])).toBe(false);
    expect(containsAny(null, ['CT'])).toBe(false);
  });
});

describe('containsAll', () => {
  it('needs every non-blank keyword', () => {
    expect(containsAll('预算 and 时间表', ['预算', '时间表', ' '])).toBe(true);
    expect(containsAll('预算', ['预算', '时间表'])).toBe(false);
    expect(containsAll('anything', [])).toBe(true);
    expect(containsAll(null, [])).toBe(false);
  });
});

describe('inList', () => {
  it('compares normalised, case-insensitive values', () => {
    expect(inList(' ＰＵＭＣＨ ', ['pumch'])).toBe(true);
    expect(inList('pum ch', ['pumch'])).toBe(false);
    expect(inList(null, ['pumch'])).toBe(false);
  });
});
