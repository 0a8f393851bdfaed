// People API: users (reporting line, region, product lines, availability) and space members.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { recordAdminAction } from '../../auth/admin-audit';
import type { Db } from '../../db/database';
import type { Actor } from '../../people/actor';
import { setAvailability } from '../../people/availability';
import { UnauthenticatedError } from '../../permissions/permission-errors';
import { requestActor } from '../request-actor';
import {
  listMembers,
  setMemberRoles,
  type SpaceMember,
} from '../../people/space-member-repository';
import {
  createUser,
  getUserOrThrow,
  listUsers,
  updateUser,
  type User,
} from '../../people/user-repository';
import { getSpaceOrThrow } from '../../spaces/space-repository';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const tags = ['people'];
const uuid = (what: string) => z.string().uuid(`must be a ${what} id (uuid)`);
const place = z.string().trim().min(1).max(50).nullable();
const role = z
  .string()
  .regex(/^[^\s@:,]{1,63}$/u, 'must be 1–63 characters without spaces, "@", ":" or ","');
const attributes = z
  .record(z.string().min(1).max(63), z.unknown())
  .refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes')
  .refine(
    (a) => a.webhook_url == null || isHttpUrl(a.webhook_url),
    'webhook_url must be an http(s) URL',
  )
  .openapi({
    description:
      'Free attributes; `webhook_url` (+ `webhook_secret`) is the WeCom/DingTalk robot used for webhook notifications. On PATCH they merge and null removes a key.',
    example: { webhook_url: 'https://oapi.dingtalk.com/robot/send?access_token=…' },
  });

const userFields = {
  displayName: z.string().trim().min(1).max(200),
  managerId: uuid('manager').nullable(),
  province: place.openapi({ example: '浙江' }),
  city: place.openapi({ example: '杭州' }),
  productLines: z
    .array(z.string().trim().min(1).max(63))
    .max(50)
    .openapi({ example: ['骨科', '康复'] }),
  attributes,
  away: z.boolean(),
  onShift: z.boolean(),
};

const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    managerId: z.string().nullable(),
    province: z.string().nullable(),
    city: z.string().nullable(),
    productLines: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    away: z.boolean(),
    onShift: z.boolean(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');
const memberSchema = z
  .object({ user: userSchema, roles: z.array(z.string()) })
  .openapi('SpaceMember');

const availabilitySchema = z
  .object({
    away: z.boolean().openapi({ description: 'On leave: no new leads' }),
    onShift: z.boolean().openapi({ description: 'Within working hours: false stops new leads' }),
  })
  .partial()
  .strict()
  .refine((a) => Object.keys(a).length > 0, 'name away, onShift or both')
  .openapi('Availability');

const userParams = z.object({
  id: uuid('user').openapi({ param: { name: 'id', in: 'path' } }),
});
const spaceParams = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});
const memberParams = spaceParams.extend({
  userId: uuid('user').openapi({ param: { name: 'userId', in: 'path' } }),
});
const refusals = {
  400: jsonContent(errorSchema, 'Invalid input, or a manager that would close a reporting cycle'),
  404: jsonContent(errorSchema, 'No such user or space'),
};
const json = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/users',
    tags,
    summary: 'List users by e-mail address',
    request: {
      query: z.object({
        q: z.string().trim().min(1).max(200).optional(),
        managerId: uuid('manager').optional(),
        province: z.string().trim().min(1).max(50).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        after: z.string().max(254).optional().openapi({ description: 'Last e-mail of the page' }),
      }),
    },
    responses: {
      200: jsonContent(z.object({ users: z.array(userSchema) }), 'A page of users'),
      400: refusals[400],
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/users',
    tags,
    summary: 'Create a user',
    request: {
      body: json(
        z
          .object({ email: z.string().trim().max(254).email(), ...userFields })
          .partial({
            managerId: true,
            province: true,
            city: true,
            productLines: true,
            attributes: true,
            away: true,
            onShift: true,
          })
          .strict(),
      ),
    },
    responses: {
      201: jsonContent(z.object({ user: userSchema }), 'Created'),
      ...refusals,
      409: jsonContent(errorSchema, 'The e-mail address is taken'),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/users/{id}',
    tags,
    summary: 'Read a user',
    request: { params: userParams },
    responses: {
      200: jsonContent(z.object({ user: userSchema }), 'The user'),
      ...refusals,
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/api/users/{id}',
    tags,
    summary: 'Change availability (away, onShift), manager, region, product lines or attributes',
    request: {
      params: userParams,
      body: json(
        z
          .object({ ...userFields, active: z.boolean() })
          .partial()
          .strict()
          .refine((patch) => Object.keys(patch).length > 0, 'name at least one field to change'),
      ),
    },
    responses: { 200: jsonContent(z.object({ user: userSchema }), 'Updated'), ...refusals },
  }),
  putMember: createRoute({
    method: 'put',
    path: '/api/spaces/{space}/members/{userId}',
    tags,
    summary: "Set a user's roles in a space (adds the membership if needed)",
    request: {
      params: memberParams,
      body: json(z.object({ roles: z.array(role).max(20) }).strict()),
    },
    responses: {
      200: jsonContent(z.object({ member: memberSchema }), 'The membership'),
      ...refusals,
    },
  }),
  myAvailability: createRoute({
    method: 'put',
    path: '/api/me/availability',
    tags,
    summary: 'Mark yourself away or back, on or off shift (assignment skips you while away or off)',
    request: { body: json(availabilitySchema) },
    responses: {
      200: jsonContent(z.object({ user: userSchema }), 'Your availability'),
      400: refusals[400],
      401: jsonContent(errorSchema, 'Not signed in as a user'),
    },
  }),
  availability: createRoute({
    method: 'put',
    path: '/api/users/{id}/availability',
    tags,
    summary:
      "Set someone's availability: yourself, anyone below you on the reporting line (supervisors, directors), or as an administrator",
    request: { params: userParams, body: json(availabilitySchema) },
    responses: {
      200: jsonContent(z.object({ user: userSchema }), 'The availability'),
      ...refusals,
      403: jsonContent(errorSchema, 'The user does not report to you'),
    },
  }),
  listMembers: createRoute({
    method: 'get',
    path: '/api/spaces/{space}/members',
    tags,
    summary: 'Members of a space with their roles',
    request: { params: spaceParams, query: z.object({ role: role.optional() }) },
    responses: {
      200: jsonContent(z.object({ members: z.array(memberSchema) }), 'By e-mail address'),
      ...refusals,
    },
  }),
};

/** Routes of the people API; the caller is the authenticated request actor unless `actorOf` says otherwise. */
export function peopleRoutes(deps: { readonly db: Db; readonly actorOf?: (c: Context) => Actor }) {
  const { db } = deps;
  const actorOf = deps.actorOf ?? requestActor;
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.list, async (c) => {
      const users = await listUsers(db, c.req.valid('query'), actorOf(c));
      return c.json({ users: users.map(publicUser) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const user = await createUser(db, c.req.valid('json'), actorOf(c));
      await recordAdminAction(db, actorOf(c), {
        action: 'user.create',
        target: user.id,
        details: { email: user.email },
      });
      return c.json({ user: publicUser(user) }, 201);
    })
    .openapi(routes.get, async (c) => {
      const user = await getUserOrThrow(db, c.req.valid('param').id);
      return c.json({ user: publicUser(user) }, 200);
    })
    .openapi(routes.update, async (c) => {
      const user = await updateUser(db, c.req.valid('param').id, c.req.valid('json'), actorOf(c));
      return c.json({ user: publicUser(user) }, 200);
    })
    .openapi(routes.putMember, async (c) => {
      const { space: key, userId } = c.req.valid('param');
      const space = await getSpaceOrThrow(db, key);
      // The role change and its audit entry commit together.
      const member = await db.transaction().execute(async (tx) => {
        const changed = await setMemberRoles(
          tx,
          space.id,
          userId,
          c.req.valid('json').roles,
          actorOf(c),
        );
        await recordAdminAction(tx, actorOf(c), {
          action: 'member.set',
          spaceId: space.id,
          target: userId,
          details: { roles: changed.roles },
        });
        return changed;
      });
      return c.json({ member: publicMember(member) }, 200);
    })
    .openapi(routes.myAvailability, async (c) => {
      const actor = actorOf(c);
      if (actor.kind !== 'user') throw new UnauthenticatedError();
      const user = await setAvailability(db, actor, actor.userId, c.req.valid('json'));
      return c.json({ user: publicUser(user) }, 200);
    })
    .openapi(routes.availability, async (c) => {
      const { id } = c.req.valid('param');
      const user = await setAvailability(db, actorOf(c), id, c.req.valid('json'));
      return c.json({ user: publicUser(user) }, 200);
    })
    .openapi(routes.listMembers, async (c) => {
      const space = await getSpaceOrThrow(db, c.req.valid('param').space);
      const members = await listMembers(db, space.id, c.req.valid('query'), actorOf(c));
      return c.json({ members: members.map(publicMember) }, 200);
    });
}

/** Secrets kept in attributes (robot signing keys, tokens) never leave the server. */
function publicUser(user: User) {
  const attributes = Object.fromEntries(
    Object.entries(user.attributes).map(([k, v]) =>
      /secret|token|password/i.test(k) ? [k, '***'] : [k, v],
    ),
  );
  return { ...user, productLines: [...user.productLines], attributes };
}

function publicMember(member: SpaceMember) {
  return { user: publicUser(member.user), roles: [...member.roles] };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
