// Login API: sign in and out, who am I, API tokens, passwords and the platform-admin flag.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Db } from '../../db/database';
import { recordAdminAction } from '../../auth/admin-audit';
import type { AuthOptions } from '../../auth/auth-options';
import { csrfCookie, sessionCookie } from '../../auth/auth-options';
import {
  AdminRequiredError,
  CsrfError,
  LoginFailedError,
  RateLimitedError,
} from '../../auth/auth-errors';
import {
  createApiToken,
  getApiTokenOrThrow,
  listApiTokens,
  revokeApiToken,
} from '../../auth/api-token-store';
import { ownOrigin, requestPrincipal } from '../../auth/authenticate';
import { clientAddress } from '../../auth/client-address';
import {
  checkLogin,
  getLoginUserOrThrow,
  setPassword,
  setPlatformAdmin,
} from '../../auth/login-service';
import { maxPasswordLength } from '../../auth/passwords';
import { createRateLimiter } from '../../auth/rate-limiter';
import { createSession, deleteExpiredSessions, deleteSession } from '../../auth/session-store';
import { BatonError, NotFoundError } from '../../errors';
import { normalizeEmail } from '../../people/user-repository';
import { getSpaceOrThrow } from '../../spaces/space-repository';
import { errorSchema, jsonContent } from '../schemas';
import { requestActor } from '../request-actor';
import { validationHook } from '../validation-hook';

const tags = ['auth'];
const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    managerId: z.string().nullable(),
    platformAdmin: z.boolean(),
  })
  .openapi('AuthUser');
const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    userId: z.string(),
    space: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');
const idParam = z.object({
  id: z
    .string()
    .uuid('must be an id (uuid)')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const password = z.string().min(1).max(maxPasswordLength);

const routes = {
  login: createRoute({
    method: 'post',
    path: '/api/auth/login',
    tags,
    summary: 'Sign in with e-mail and password',
    description:
      'Sets the HttpOnly session cookie `baton_session` and the readable `baton_csrf` cookie; send ' +
      'the CSRF token back in `x-csrf-token` on every POST/PUT/PATCH/DELETE made with the cookie. ' +
      'At most 10 attempts a minute per client address and per account (429 with Retry-After).',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ email: z.string().trim().min(3).max(254), password }).strict(),
          },
        },
      },
    },
    responses: {
      200: jsonContent(
        z.object({ user: userSchema, csrfToken: z.string(), expiresAt: z.string() }),
        'Signed in',
      ),
      401: jsonContent(errorSchema, 'Wrong e-mail address or password'),
      429: jsonContent(errorSchema, 'Too many attempts'),
    },
  }),
  logout: createRoute({
    method: 'post',
    path: '/api/auth/logout',
    tags,
    summary: 'Sign out (ends the session of the cookie)',
    responses: { 204: { description: 'Signed out' } },
  }),
  me: createRoute({
    method: 'get',
    path: '/api/auth/me',
    tags,
    summary: 'Who is calling',
    responses: {
      200: jsonContent(
        z.object({
          user: userSchema,
          via: z.enum(['session', 'token']),
          tokenSpace: z.string().nullable(),
        }),
        'The caller',
      ),
      401: jsonContent(errorSchema, 'Not signed in'),
    },
  }),
  createToken: createRoute({
    method: 'post',
    path: '/api/auth/tokens',
    tags,
    summary: 'Create an API token (answered once)',
    description:
      'The token acts as its user (with that user’s roles). Send it as `Authorization: Bearer <token>`. ' +
      '`space` limits it to one space; `expiresAt` ends it.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                name: z.string().trim().min(1).max(100),
                space: z.string().max(63).optional(),
                expiresAt: z.iso.datetime({ offset: true }).optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: jsonContent(z.object({ token: z.string(), apiToken: tokenSchema }), 'Created'),
      400: jsonContent(errorSchema, 'Invalid body or an expiry in the past'),
    },
  }),
  listTokens: createRoute({
    method: 'get',
    path: '/api/auth/tokens',
    tags,
    summary: 'List API tokens (yours; everyone’s with all=true for platform admins)',
    request: { query: z.object({ all: z.enum(['true', 'false']).optional() }) },
    responses: { 200: jsonContent(z.object({ tokens: z.array(tokenSchema) }), 'Tokens') },
  }),
  revokeToken: createRoute({
    method: 'delete',
    path: '/api/auth/tokens/{id}',
    tags,
    summary: 'Revoke an API token',
    request: { params: idParam },
    responses: {
      200: jsonContent(z.object({ apiToken: tokenSchema }), 'Revoked'),
      404: jsonContent(errorSchema, 'No such token of yours'),
    },
  }),
  password: createRoute({
    method: 'put',
    path: '/api/auth/users/{id}/password',
    tags,
    summary: "Set a user's password (your own with the current one; anyone's as platform admin)",
    description: 'Ends every session of that user.',
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({ password, currentPassword: password.optional() }).strict(),
          },
        },
      },
    },
    responses: {
      204: { description: 'Set' },
      400: jsonContent(errorSchema, 'Too short or too long'),
      403: jsonContent(errorSchema, 'Not yours and not a platform admin'),
    },
  }),
  platformAdmin: createRoute({
    method: 'put',
    path: '/api/auth/users/{id}/platform-admin',
    tags,
    summary: 'Grant or withdraw platform administration (platform admins only)',
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': { schema: z.object({ platformAdmin: z.boolean() }).strict() },
        },
      },
    },
    responses: {
      200: jsonContent(z.object({ user: userSchema }), 'Changed'),
      409: jsonContent(errorSchema, 'The last platform admin cannot step down'),
    },
  }),
};

/**
 * The auth routes; login attempts are limited per client address and per account.
 * @example app.route('/', authRoutes({ db, options }))
 */
export function authRoutes(deps: { readonly db: Db; readonly options: AuthOptions }) {
  const { db, options } = deps;
  const byAddress = createRateLimiter(options.loginLimit);
  const byAccount = createRateLimiter(options.loginLimit);
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.login, async (c) => {
      const { email, password: given } = c.req.valid('json');
      // Login CSRF: a page elsewhere must not sign the browser in to an account of its choosing.
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== ownOrigin(c, options)) {
        throw new CsrfError(`the sign-in came from ${origin}, not from ${ownOrigin(c, options)}`);
      }
      const account = `account:${normalizeEmail(email)}`;
      const wait = Math.max(
        byAddress.hit(`ip:${clientAddress(c, options)}`),
        byAccount.hit(account),
      );
      if (wait > 0) throw new RateLimitedError('login attempts', wait);
      const user = await checkLogin(db, email, given);
      byAccount.reset(account);
      await deleteExpiredSessions(db);
      const session = await createSession(
        db,
        user.id,
        options.sessionTtlMs,
        c.req.header('user-agent'),
      );
      const secure = secureCookies(c, options);
      const maxAge = Math.floor(options.sessionTtlMs / 1000);
      setCookie(c, sessionCookie, session.token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        path: '/',
        maxAge,
      });
      setCookie(c, csrfCookie, session.csrfToken, { sameSite: 'Lax', secure, path: '/', maxAge });
      return c.json(
        { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() },
        200,
      );
    })
    .openapi(routes.logout, async (c) => {
      const principal = requestPrincipal(c);
      if (principal.sessionId) await deleteSession(db, principal.sessionId);
      deleteCookie(c, sessionCookie, { path: '/' });
      deleteCookie(c, csrfCookie, { path: '/' });
      return c.body(null, 204);
    })
    .openapi(routes.me, async (c) => {
      const principal = requestPrincipal(c);
      const user = await getLoginUserOrThrow(db, principal.userId);
      return c.json({ user, via: principal.via, tokenSpace: principal.tokenSpace ?? null }, 200);
    })
    .openapi(routes.createToken, async (c) => {
      const principal = requestPrincipal(c);
      const body = c.req.valid('json');
      const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new BatonError(
          'TOKEN_EXPIRY_PAST',
          400,
          'expiresAt must lie in the future / 过期时间必须晚于现在',
        );
      }
      const space = body.space === undefined ? null : await getSpaceOrThrow(db, body.space);
      // The token exists only with its audit entry: both commit in one transaction.
      const created = await db.transaction().execute(async (tx) => {
        const made = await createApiToken(tx, {
          name: body.name,
          userId: principal.userId,
          spaceId: space?.id ?? null,
          expiresAt,
        });
        await recordAdminAction(tx, requestActor(c), {
          action: 'token.create',
          spaceId: space?.id ?? null,
          target: made.record.id,
          details: { name: body.name, expiresAt: made.record.expiresAt },
        });
        return made;
      });
      return c.json({ token: created.token, apiToken: created.record }, 201);
    })
    .openapi(routes.listTokens, async (c) => {
      const principal = requestPrincipal(c);
      const all = c.req.valid('query').all === 'true';
      if (all && !principal.platformAdmin) throw new AdminRequiredError("list everyone's tokens");
      return c.json({ tokens: await listApiTokens(db, all ? null : principal.userId) }, 200);
    })
    .openapi(routes.revokeToken, async (c) => {
      const principal = requestPrincipal(c);
      const { id } = c.req.valid('param');
      const token = await getApiTokenOrThrow(db, id);
      if (token.userId !== principal.userId && !principal.platformAdmin) {
        throw new NotFoundError('API token', id);
      }
      const revoked = await revokeApiToken(db, id);
      await recordAdminAction(db, requestActor(c), {
        action: 'token.revoke',
        target: id,
        details: { name: token.name, owner: token.userId },
      });
      return c.json({ apiToken: revoked }, 200);
    })
    .openapi(routes.password, async (c) => {
      const principal = requestPrincipal(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      if (!principal.platformAdmin) {
        if (id !== principal.userId) throw new AdminRequiredError("set other users' passwords");
        const me = await getLoginUserOrThrow(db, id);
        await checkLogin(db, me.email, body.currentPassword ?? '').catch(() => {
          throw new LoginFailedError();
        });
      }
      await setPassword(db, id, body.password, requestActor(c));
      return c.body(null, 204);
    })
    .openapi(routes.platformAdmin, async (c) => {
      const principal = requestPrincipal(c);
      if (!principal.platformAdmin) throw new AdminRequiredError('grant platform administration');
      const { id } = c.req.valid('param');
      const { platformAdmin } = c.req.valid('json');
      const user = await setPlatformAdmin(db, id, platformAdmin, requestActor(c));
      return c.json({ user }, 200);
    });
}

/** Secure cookies when configured, or (auto) when the browser reached us over https. */
function secureCookies(c: Context, options: AuthOptions): boolean {
  if (options.cookieSecure !== 'auto') return options.cookieSecure;
  if (new URL(c.req.url).protocol === 'https:') return true;
  return options.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
