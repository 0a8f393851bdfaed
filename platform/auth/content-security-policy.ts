// The Content-Security-Policy the designer runs under: only its own scripts, Monaco's bundled
// workers, inline styles (Monaco and ECharts set style attributes), data:/blob: images and fonts.
import type { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/** Passed to hono's `secureHeaders` as `contentSecurityPolicy`. */
export const contentSecurityPolicy: NonNullable<SecureHeadersOptions['contentSecurityPolicy']> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Monaco creates its editor and language workers from bundled files (and blob: URLs for
  // cross-origin-safe bootstraps); nothing is loaded from a CDN.
  workerSrc: ["'self'", 'blob:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};
