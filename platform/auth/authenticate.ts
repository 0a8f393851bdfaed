// The authentication middleware: names the caller of every API request (session cookie or bearer
// API token), refuses anonymous callers outside the public endpoints, and checks CSRF on
// cookie-authenticated unsafe requests.
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Db } from '../db/database';
import { setRequestActor } from '../http/request-actor';
import type { AuthOptions } from './auth-options';
import { csrfHeader, sessionCookie } from './auth-options';
import {
  AdminRequiredError,
  AuthenticationRequiredError,
  CsrfError,
  TokenScopeError,
} from './auth-errors';
import { findApiToken } from './api-token-store';
import { csrfMatches, findSession, type SessionPrincipal } from './session-store';

/** Who is calling, as authentication found it. */
export interface AuthPrincipal {
  readonly userId: string;
  readonly platformAdmin: boolean;
  readonly via: 'session' | 'token';
  readonly sessionId?: string;
  readonly tokenId?: string;
  /** A token limited to one space. */
  readonly tokenSpace?: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    auth: AuthPrincipal;
  }
}

/** Reachable without credentials: health, login, the API description, signed intake deliveries and flow webhooks. */
const publicRoutes: readonly { method: string; path: RegExp }[] = [
  { method: 'GET', path: /^\/api\/health$/ },
  { method: 'POST', path: /^\/api\/auth\/login$/ },
  { method: 'GET', path: /^\/api\/(openapi|definition-schema)\.json$/ },
  // Intake carries its own HMAC signature, checked by the intake service.
  { method: 'POST', path: /^\/api\/spaces\/[^/]+\/intake\/[^/]+$/ },
  // So does a flow's webhook trigger, checked by the flow trigger service.
  { method: 'POST', path: /^\/api\/spaces\/[^/]+\/flows\/[^/]+\/webhook$/ },
];

/** Platform-wide management, refused to anyone but platform administrators. */
const adminRoutes: readonly { method: string; path: RegExp; action: string }[] = [
  { method: 'POST', path: /^\/api\/spaces$/, action: 'create spaces' },
  { method: 'POST', path: /^\/api\/users$/, action: 'create users' },
  { method: 'POST', path: /^\/api\/templates\/[^/]+\/install$/, action: 'install templates' },
  { method: 'POST', path: /^\/api\/templates\/import$/, action: 'install templates' },
  { method: '*', path: /^\/api\/admin\//, action: 'use the admin API' },
];

/** True for the routes anyone may call (see `publicRoutes`). */
export function isPublicRoute(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return publicRoutes.some((r) => r.method === m && r.path.test(path));
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Middleware for `/api/*`.
 * @example app.use('/api/*', authenticate(db, options))
 */
export function authenticate(db: Db, options: AuthOptions): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const path = c.req.path;
    if (isPublicRoute(method, path)) return next();
    const { principal, session } = await principalOf(c, db);
    if (session && !safeMethods.has(c.req.method)) checkCsrf(c, session, options);
    if (principal.tokenSpace) {
      const inSpace =
        path.startsWith(`/api/spaces/${principal.tokenSpace}/`) ||
        path === `/api/spaces/${principal.tokenSpace}`;
      if (!inSpace && path !== '/api/auth/me') throw new TokenScopeError(principal.tokenSpace);
    }
    const admin = adminRoutes.find(
      (r) => (r.method === '*' || r.method === method) && r.path.test(path),
    );
    if (admin && !principal.platformAdmin) throw new AdminRequiredError(admin.action);
    c.set('auth', principal);
    setRequestActor(c, { kind: 'user', userId: principal.userId });
    return next();
  };
}

/** The caller's principal, set by `authenticate`; throws 401 on a public route without one. */
export function requestPrincipal(c: Context): AuthPrincipal {
  const principal = c.get('auth');
  if (!principal) throw new AuthenticationRequiredError();
  return principal;
}

/**
 * CSRF defence for cookie-authenticated unsafe requests, two checks: a browser-sent Origin (or,
 * without one, Referer) must be this server's own origin, and the `x-csrf-token` header must carry
 * the session's CSRF token (handed out at login and in the readable `baton_csrf` cookie; only its
 * hash is stored). A page on another site can neither read that cookie nor set the header without
 * a CORS preflight Baton never grants. Bearer tokens are not sent by browsers on their own, so
 * token requests need neither check.
 */
function checkCsrf(c: Context, session: SessionPrincipal, options: AuthOptions): void {
  const own = ownOrigin(c, options);
  const origin = c.req.header('origin');
  const referer = c.req.header('referer');
  const claimed = origin ?? (referer ? originOf(referer) : undefined);
  if (claimed !== undefined && claimed !== own) {
    throw new CsrfError(`the request came from ${claimed}, not from ${own}`);
  }
  if (!csrfMatches(session, c.req.header(csrfHeader))) {
    throw new CsrfError(`send the session's CSRF token in the ${csrfHeader} header`);
  }
}

/** This server's origin as the browser sees it. */
export function ownOrigin(c: Context, options: Pick<AuthOptions, 'trustProxy'>): string {
  const url = new URL(c.req.url);
  if (options.trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
    return `${proto ?? url.protocol.slice(0, -1)}://${host ?? url.host}`;
  }
  return url.origin;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

async function principalOf(
  c: Context,
  db: Db,
): Promise<{ principal: AuthPrincipal; session?: SessionPrincipal }> {
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match)
      throw new AuthenticationRequiredError(
        'the Authorization header must be "Bearer <API token>"',
      );
    const token = await findApiToken(db, match[1]!);
    if (!token)
      throw new AuthenticationRequiredError('the API token is unknown, expired or revoked');
    return {
      principal: {
        userId: token.userId,
        platformAdmin: token.platformAdmin,
        via: 'token',
        tokenId: token.tokenId,
        tokenSpace: token.spaceKey,
      },
    };
  }
  const cookie = getCookie(c, sessionCookie);
  if (cookie === undefined || cookie === '') throw new AuthenticationRequiredError();
  const session = await findSession(db, cookie);
  if (!session) throw new AuthenticationRequiredError('the session has expired; sign in again');
  return {
    principal: {
      userId: session.userId,
      platformAdmin: session.platformAdmin,
      via: 'session',
      sessionId: session.sessionId,
    },
    session,
  };
}
