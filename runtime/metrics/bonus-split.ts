// Splitting a closed deal's bonus by contribution points (PLAYBOOKS B5), exactly to the cent.

export interface CreditPoints {
  readonly actor: string;
  readonly points: number;
}

export interface BonusShare extends CreditPoints {
  /** points / all points, 0..1. */
  readonly share: number;
  /** The actor's part of the bonus in currency units with two decimals; the parts sum to the bonus. */
  readonly amount: number;
}

/**
 * Each actor's share of the points and of the bonus. Amounts are whole cents by the largest
 * remainder method, so they add up to the bonus exactly; a leftover cent goes to the larger
 * remainder, then to the actor with more points, then by actor id. Empty when nobody has points.
 * @example splitBonus([{ actor: 'a', points: 10 }, { actor: 'b', points: 20 }], 100) // a 33.33, b 66.67
 */
export function splitBonus(credits: readonly CreditPoints[], bonus: number): BonusShare[] {
  const total = credits.reduce((s, c) => s + c.points, 0);
  if (total <= 0) return [];
  const cents = Math.round(bonus * 100);
  // cents × points / total as a whole part and a remainder over `total`: exact for whole points,
  // so equal remainders compare equal and the tie-breaks decide.
  const numerators = credits.map((c) => cents * c.points);
  const floors = numerators.map((n) => Math.floor(n / total));
  const remainders = numerators.map((n, i) => n - floors[i]! * total);
  let left = cents - floors.reduce((s, f) => s + f, 0);
  const order = credits
    .map((_, i) => i)
    .sort(
      (i, j) =>
        remainders[j]! - remainders[i]! ||
        credits[j]!.points - credits[i]!.points ||
        (credits[i]!.actor < credits[j]!.actor ? -1 : 1),
    );
  for (const i of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left -= 1;
  }
  return credits.map((c, i) => ({
    ...c,
    share: c.points / total,
    amount: floors[i]! / 100,
  }));
}
