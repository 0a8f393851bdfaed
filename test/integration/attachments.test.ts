// Attachment fields accept only files uploaded to the same space whose sniffed type the field allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client';
import { createTestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const png = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe('attachment fields', () => {
  let target: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  let api: ReturnType<typeof apiClient>;

  const upload = async (space: string, bytes: Uint8Array, name: string, claimedType: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: claimedType }), name);
    const response = await app.request(`/api/spaces/${space}/files`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { file: { id: string; mimeType: string } }).file;
  };

  beforeAll(async () => {
    target = await createTestDatabase();
    app = createTestApp({
      database: target.database,
    });
    api = apiClient(app);
    for (const key of ['meddev', 'other']) {
      await api.expect(201, 'POST', '/api/spaces', { key, name: l(key, key) });
    }
    await api.expect(200, 'PUT', '/api/spaces/meddev/definition/draft', {
      formatVersion: 1,
      tables: [
        {
          key: 'opportunity',
          label: l('Opportunity', '商机'),
          fields: [
            { key: 'name', type: 'text', label: l('Name', '名称') },
            {
              key: 'ethics_filing',
              type: 'attachments',
              accept: ['application/pdf'],
              maxItems: 3,
              label: l('Ethics filing', '伦理委员会备案'),
            },
          ],
        },
      ],
    });
    await api.expect(201, 'POST', '/api/spaces/meddev/definition/publish');
  });
  afterAll(() => target.drop());

  it('stores a PDF the field accepts, whatever type the client claimed', async () => {
    const file = await upload('meddev', pdf, '伦理备案.pdf', 'image/png');
    expect(file.mimeType).toBe('application/pdf');
    const created = await api.expect<any>(
      201,
      'POST',
      '/api/spaces/meddev/tables/opportunity/records',
      { name: '某医院 DR', ethics_filing: [file.id] },
    );
    expect(created.record.ethics_filing).toEqual([file.id]);
  });

  it('refuses an image where only PDFs are accepted, and files of another space', async () => {
    const image = await upload('meddev', png, 'seal.pdf', 'application/pdf');
    const foreign = await upload('other', pdf, 'x.pdf', 'application/pdf');
    const refused = await api.expect<any>(
      400,
      'POST',
      '/api/spaces/meddev/tables/opportunity/records',
      {
        name: 'x',
        ethics_filing: [image.id, foreign.id],
      },
    );
    expect(refused.error.details.issues.map((i: any) => [i.pointer, i.code])).toEqual([
      ['/ethics_filing/0', 'FILE_TYPE_REFUSED'],
      ['/ethics_filing/1', 'UNKNOWN_FILE'],
    ]);
  });
});
