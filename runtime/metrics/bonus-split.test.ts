import { describe, expect, it } from 'vitest';
import { splitBonus } from './bonus-split';

describe('splitting a bonus by contribution points', () => {
  it('gives each actor their share of the points, to the cent, adding up to the bonus', () => {
    const split = splitBonus(
      [
        { actor: 'market', points: 10 },
        { actor: 'rep', points: 15 },
        { actor: 'director', points: 20 },
      ],
      10_000,
    );
    // 2222.22…, 3333.33…, 4444.44…: the leftover cent goes to the largest remainder.
    expect(split.map((s) => [s.actor, s.amount])).toEqual([
      ['market', 2222.22],
      ['rep', 3333.33],
      ['director', 4444.45],
    ]);
    expect(split.map((s) => s.share)).toEqual([10 / 45, 15 / 45, 20 / 45]);
    expect(split.reduce((s, x) => s + Math.round(x.amount * 100), 0)).toBe(1_000_000);
  });

  it('breaks equal remainders by points, then by actor', () => {
    expect(
      splitBonus(
        [
          { actor: 'b', points: 1 },
          { actor: 'a', points: 1 },
          { actor: 'c', points: 1 },
        ],
        1,
      ).map((s) => s.amount),
    ).toEqual([0.33, 0.34, 0.33]);
  });

  it('splits nothing without points', () => {
    expect(splitBonus([{ actor: 'a', points: 0 }], 500)).toEqual([]);
  });
});
