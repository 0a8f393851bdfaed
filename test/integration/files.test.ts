// Files API against real PostgreSQL and a temporary file store: upload, dedupe, limits, download.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files } from '../../platform/db/migrations/0002-files';
import { createFileStore } from '../../platform/files/file-store';
import type { Db } from '../../platform/db/database';
import { createErrorHandler } from '../../platform/http/error-handler';
import { fileRoutes } from '../../platform/http/routes/file-routes';
import { createLogger } from '../../platform/logger';
import { getSpaceOrThrow } from '../../platform/spaces/space-repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const maxUploadBytes = 64 * 1024;
const pdf = new TextEncoder().encode(
  '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n%%EOF\n',
);

interface FileBody {
  file: { id: string; sha256: string; sizeBytes: number; mimeType: string; originalName: string };
}
interface ErrorBody {
  error: { code: string; message: string };
}

describe('files API', () => {
  let target: TestDatabase;
  let db: Db;
  let root: string;
  let allowRead = true;
  let app: OpenAPIHono;

  beforeAll(async () => {
    target = await createTestDatabase();
    db = target.database.db;
    // Until 0002-files is registered with the platform migrations, apply it here.
    const existing = await sql<{
      t: string | null;
    }>`select to_regclass('platform.files') as t`.execute(db);
    if (existing.rows[0]?.t == null) await files.up(db as unknown as Kysely<unknown>);
    await db
      .insertInto('platform.spaces')
      .values(
        ['meddev', 'automation'].map((key) => ({
          key,
          name: { 'zh-CN': key, en: key },
          schema_name: `space_${key}`,
          status: 'active' as const,
        })),
      )
      .execute();
    root = await mkdtemp(path.join(os.tmpdir(), 'baton-files-'));
    app = new OpenAPIHono();
    app.onError(createErrorHandler(createLogger('error')));
    app.route(
      '/',
      fileRoutes({
        db,
        store: createFileStore({ root }),
        maxUploadBytes,
        canRead: async () => allowRead,
        resolveSpace: (key) => getSpaceOrThrow(target.database.db, key),
      }),
    );
  });
  afterAll(async () => {
    await target?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  function form(fields: Record<string, string | File>): FormData {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return body;
  }

  async function upload(space: string, body: FormData | Request) {
    const response =
      body instanceof Request
        ? await app.request(body)
        : await app.request(`/api/spaces/${space}/files`, { method: 'POST', body });
    return { status: response.status, body: (await response.json()) as FileBody & ErrorBody };
  }

  async function uploadPdf(name = '报价单.pdf') {
    const { status, body } = await upload(
      'meddev',
      form({ file: new File([pdf], name, { type: 'image/png' }) }),
    );
    expect(status).toBe(201);
    return body.file;
  }

  async function blobsOnDisk(): Promise<string[]> {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name)).map((e) => e.name);
  }

  async function countRows(): Promise<number> {
    const row = await db
      .selectFrom('platform.files')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('stores a PDF as application/pdf although the client calls it image/png', async () => {
    const file = await uploadPdf();
    expect(file).toMatchObject({
      mimeType: 'application/pdf',
      originalName: '报价单.pdf',
      sizeBytes: pdf.byteLength,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
    const row = await db
      .selectFrom('platform.files')
      .selectAll()
      .where('id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(row.mime_type).toBe('application/pdf');
    expect(Number(row.size_bytes)).toBe(pdf.byteLength);
  });

  it('keeps identical bytes once on disk and records every upload', async () => {
    const blobsBefore = await blobsOnDisk();
    const rowsBefore = await countRows();
    const bytes = randomBytes(3000);
    const send = (name: string) =>
      upload('meddev', form({ file: new File([bytes], name) })).then((r) => r.body.file);
    const first = await send('visit-photo.bin');
    const second = await send('same-photo-again.bin');
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    expect(await countRows()).toBe(rowsBefore + 2);
    const blobsAfter = await blobsOnDisk();
    expect(blobsAfter).toHaveLength(blobsBefore.length + 1);
    expect(blobsAfter).toContain(first.sha256);
  });

  it('refuses a file over the limit with 413, keeping no row and no temp file', async () => {
    const rowsBefore = await countRows();
    const blobsBefore = await blobsOnDisk();
    const tooLarge = await upload(
      'meddev',
      form({ file: new File([randomBytes(maxUploadBytes + 1)], 'huge.pdf') }),
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('FILE_TOO_LARGE');

    const declaredTooLarge = await upload(
      'meddev',
      new Request('http://localhost/api/spaces/meddev/files', {
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(maxUploadBytes * 10),
        },
        body: '--x--\r\n',
      }),
    );
    expect(declaredTooLarge.status).toBe(413);

    expect(await countRows()).toBe(rowsBefore);
    expect(await blobsOnDisk()).toEqual(blobsBefore);
    expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
  });

  it('answers 400 with a precise message when the file field is missing or not a file', async () => {
    const missing = await upload('meddev', form({ note: '拜访记录' }));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'INVALID_UPLOAD' });
    expect(missing.body.error.message).toContain('"file" is missing');

    const text = await upload('meddev', form({ file: 'not a file' }));
    expect(text.status).toBe(400);
    expect(text.body.error.message).toContain('must be a file');

    const json = await app.request('/api/spaces/meddev/files', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as ErrorBody).error.message).toContain('multipart/form-data');
  });

  it('downloads the identical bytes as an attachment with sniffed type, length and ETag', async () => {
    const file = await uploadPdf('报价单 (终版).pdf');
    const response = await app.request(`/api/spaces/meddev/files/${file.id}/content`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(pdf);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-length')).toBe(String(pdf.byteLength));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toBe(`"${file.sha256}"`);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="___ (__).pdf"; filename*=UTF-8''` +
        '%E6%8A%A5%E4%BB%B7%E5%8D%95%20%28%E7%BB%88%E7%89%88%29.pdf',
    );

    const again = await app.request(`/api/spaces/meddev/files/${file.id}/content`, {
      headers: { 'if-none-match': `"${file.sha256}"` },
    });
    expect(again.status).toBe(304);

    const head = await app.request(`/api/spaces/meddev/files/${file.id}/content`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(pdf.byteLength));

    const metadata = await app.request(`/api/spaces/meddev/files/${file.id}`);
    expect(metadata.status).toBe(200);
    expect(((await metadata.json()) as FileBody).file).toEqual(file);
  });

  it('keeps Chinese names but caps them at 255 characters, extension kept', async () => {
    const file = await uploadPdf(`${'季度拜访纪要'.repeat(60)}.pdf`);
    expect(Array.from(file.originalName)).toHaveLength(255);
    expect(file.originalName).toMatch(/^季度拜访纪要.*\.pdf$/);
  });

  it('answers 404 for an unknown id, a malformed id and a file of another space', async () => {
    const file = await uploadPdf();
    const paths = [
      `/api/spaces/meddev/files/00000000-0000-4000-8000-000000000000`,
      `/api/spaces/meddev/files/not-a-uuid`,
      `/api/spaces/meddev/files/${file.id}' or '1'='1`,
      `/api/spaces/automation/files/${file.id}`,
      `/api/spaces/nowhere/files/${file.id}`,
    ];
    for (const p of paths) {
      for (const url of [p, `${p}/content`]) {
        const response = await app.request(url);
        expect(response.status, url).toBe(404);
        expect(((await response.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
      }
    }
  });

  it('answers 403 when the access check refuses the read', async () => {
    const file = await uploadPdf();
    allowRead = false;
    try {
      const response = await app.request(`/api/spaces/meddev/files/${file.id}/content`);
      expect(response.status).toBe(403);
      expect(((await response.json()) as ErrorBody).error.code).toBe('FILE_FORBIDDEN');
    } finally {
      allowRead = true;
    }
  });

  it('streams a body that arrives in tiny chunks, with boundary look-alikes inside the file', async () => {
    const boundary = '----BatonBoundary7MA4YWxk';
    // Bytes that start like a delimiter but are not one must survive unchanged.
    const content = Buffer.concat([
      Buffer.from(`%PDF-1.4\r\n--${boundary.slice(0, -1)}\r\n\r\n--`),
      randomBytes(5000),
      Buffer.from(`\r\n-${boundary}\r\n`),
    ]);
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n客户要求加急\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
          `filename="C:\\Users\\张三\\合同\u202egpj.pdf"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) return controller.close();
        controller.enqueue(body.subarray(offset, offset + 7));
        offset += 7;
      },
    });
    const request = new Request('http://localhost/api/spaces/meddev/files', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);

    const { status, body: created } = await upload('meddev', request);
    expect(status).toBe(201);
    expect(created.file).toMatchObject({
      originalName: '合同gpj.pdf',
      mimeType: 'application/pdf',
      sizeBytes: content.length,
    });
    const download = await app.request(`/api/spaces/meddev/files/${created.file.id}/content`);
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
  });
});
