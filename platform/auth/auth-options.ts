// Settings of login, cookies and rate limits (from BATON_* variables, see the README).
import type { RateLimit } from './rate-limiter';

export interface AuthOptions {
  /** Secure cookies: always, never, or when the request came over https (`auto`). */
  readonly cookieSecure: 'auto' | boolean;
  readonly sessionTtlMs: number;
  /** Take the client address and scheme from X-Forwarded-For / -Proto (behind a reverse proxy). */
  readonly trustProxy: boolean;
  /** Login attempts per client address and, separately, per account. */
  readonly loginLimit: RateLimit;
  /** Intake deliveries per space and source. */
  readonly intakeLimit: RateLimit;
}

export const defaultAuthOptions: AuthOptions = {
  cookieSecure: 'auto',
  sessionTtlMs: 12 * 3600_000,
  trustProxy: false,
  loginLimit: { limit: 10, windowMs: 60_000 },
  intakeLimit: { limit: 60_000, windowMs: 60_000 },
};

export const sessionCookie = 'baton_session';
/** Readable by the page, which echoes it in `x-csrf-token` (double submit, bound to the session). */
export const csrfCookie = 'baton_csrf';
export const csrfHeader = 'x-csrf-token';
