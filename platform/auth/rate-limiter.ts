// Fixed-window attempt counters per key (IP, account, intake source), kept in the process's memory.

export interface RateLimiter {
  /**
   * Counts one attempt for `key`; answers 0 when allowed, else the seconds until the window ends.
   * @example const wait = limiter.hit(`ip:${ip}`); if (wait > 0) throw new RateLimitedError('login attempts', wait)
   */
  hit(key: string, now?: number): number;
  /** Forgets `key` (a successful login clears its account's failures). */
  reset(key: string): void;
}

export interface RateLimit {
  /** Attempts allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * A limiter allowing `limit` attempts per key and window. Each API process counts on its own: with
 * N processes behind a balancer an attacker gets at most N × limit attempts per window, which still
 * makes guessing a 10-character password hopeless; a shared store is not worth a round trip here.
 */
export function createRateLimiter({ limit, windowMs }: RateLimit): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    hit(key, now = Date.now()) {
      if (now - lastSweep > windowMs) {
        lastSweep = now;
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
      }
      let window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count <= limit) return 0;
      return Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
