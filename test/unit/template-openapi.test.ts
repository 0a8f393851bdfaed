// The template routes' request and answer schemas make it into the OpenAPI document.
import { describe, expect, it } from 'vitest';
import { templateRoutes } from '../../platform/http/routes/template-routes';
import type { Db } from '../../platform/db/database';

describe('template routes in the OpenAPI document', () => {
  it('describes export, import, upgrade and the demo flag', () => {
    const app = templateRoutes({ db: undefined as unknown as Db });
    const document = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'Baton', version: '0' },
    });
    expect(Object.keys(document.paths ?? {})).toEqual(
      expect.arrayContaining([
        '/api/templates/import',
        '/api/spaces/{space}/template',
        '/api/spaces/{space}/template/installed',
        '/api/spaces/{space}/template/upgrade',
      ]),
    );
    const upgrade = document.paths!['/api/spaces/{space}/template/upgrade']!.post!;
    expect(Object.keys(upgrade.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '201', '409']),
    );
    expect(JSON.stringify(document.components?.schemas?.TemplateInstall)).toContain('"demo"');
  });
});
