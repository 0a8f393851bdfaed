// GET /api/health: 200 while the database answers, 503 while it does not.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { checkHealth, type HealthSources } from '../../health/health-check';
import { healthSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

const route = createRoute({
  method: 'get',
  path: '/api/health',
  tags: ['system'],
  summary: 'State of the database, Temporal and the workers',
  responses: {
    200: jsonContent(healthSchema, 'Database reachable (Temporal or workers may be degraded)'),
    503: jsonContent(healthSchema, 'Database unreachable'),
  },
});

export function healthRoutes(sources: HealthSources) {
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(route, async (c) => {
    const report = await checkHealth(sources);
    c.header('Cache-Control', 'no-store');
    return report.status === 'down' ? c.json(report, 503) : c.json(report, 200);
  });
}
