import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter';

describe('rate limiter', () => {
  it('allows the limit per window, then answers the seconds left', () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000 });
    expect([1, 2, 3].map(() => limiter.hit('ip:1', 1_000))).toEqual([0, 0, 0]);
    expect(limiter.hit('ip:1', 21_000)).toBe(40);
    expect(limiter.hit('ip:2', 21_000)).toBe(0);
  });

  it('opens a new window once the old one has passed, and forgets a reset key', () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 10_000 });
    expect(limiter.hit('a', 0)).toBe(0);
    expect(limiter.hit('a', 5_000)).toBe(5);
    expect(limiter.hit('a', 10_000)).toBe(0);
    expect(limiter.hit('a', 10_001)).toBe(10);
    limiter.reset('a');
    expect(limiter.hit('a', 10_002)).toBe(0);
  });
});
