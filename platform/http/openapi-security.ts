// How callers authenticate, as the OpenAPI document declares it: an API token (bearer) or the
// designer's session cookie; public routes (health, login, signed intake) need neither.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { csrfHeader, sessionCookie } from '../auth/auth-options';
import { isPublicRoute } from '../auth/authenticate';

/** Either scheme opens every non-public route. */
export const apiSecurity: Record<string, string[]>[] = [{ bearerToken: [] }, { cookieSession: [] }];

/**
 * Registers the two security schemes and marks every public route `security: []`, so the
 * document tells a client exactly which operations need credentials. Call it after every route
 * is mounted and pass `apiSecurity` as the document's default.
 * @example declareApiSecurity(app); app.doc31('/api/openapi.json', { …, security: apiSecurity })
 */
export function declareApiSecurity(app: OpenAPIHono): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token from POST /api/auth/tokens (`bt_…`), sent as `Authorization: Bearer <token>`. A token created for one space opens only that space.',
  });
  registry.registerComponent('securitySchemes', 'cookieSession', {
    type: 'apiKey',
    in: 'cookie',
    name: sessionCookie,
    description: `The session cookie POST /api/auth/login sets. Requests other than GET/HEAD/OPTIONS also send the login answer's csrfToken in the \`${csrfHeader}\` header.`,
  });
  for (const definition of registry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route as { method: string; path: string; security?: unknown };
    const sample = route.path.replace(/\{[^}]+\}/g, 'x');
    if (isPublicRoute(route.method.toUpperCase(), sample)) route.security = [];
  }
}
