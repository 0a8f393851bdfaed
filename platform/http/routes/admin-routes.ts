// Admin API (platform administrators only, enforced by the authentication middleware): the audit
// log of administrative actions.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Db } from '../../db/database';
import { listAdminAudit } from '../../auth/admin-audit';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const entrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actorId: z.string().nullable(),
    action: z.string(),
    spaceId: z.string().nullable(),
    target: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('AdminAuditEntry');

const audit = createRoute({
  method: 'get',
  path: '/api/admin/audit',
  tags: ['admin'],
  summary: 'The append-only log of administrative actions, newest first',
  description:
    'Publishes, purges, member and role changes, users created, passwords set, platform-admin ' +
    'grants, API tokens created and revoked, templates installed. ' +
    'Page with `before` = the last id of the previous page.',
  request: {
    query: z.object({
      action: z.string().max(63).optional(),
      actor: z.string().uuid().optional(),
      space: z.string().uuid().optional(),
      before: z
        .string()
        .regex(/^\d{1,18}$/, 'must be an entry id')
        .optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: jsonContent(z.object({ entries: z.array(entrySchema) }), 'Entries'),
    403: jsonContent(errorSchema, 'Not a platform administrator'),
  },
});

export function adminRoutes(deps: { readonly db: Db }) {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(audit, async (c) => {
    const q = c.req.valid('query');
    const entries = await listAdminAudit(deps.db, {
      action: q.action,
      actorId: q.actor,
      spaceId: q.space,
      before: q.before,
      limit: q.limit,
    });
    return c.json({ entries }, 200);
  });
}
