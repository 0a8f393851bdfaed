// Files API: streamed multipart upload, metadata, and permission-checked download of the bytes.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { BatonError } from '../../errors';
import { getReadableFileOrThrow, uploadFile, type FileAccessCheck } from '../../files/file-service';
import { FileTooLargeError, type FileStore } from '../../files/file-store';
import { actingUserId } from '../../permissions/request-access';
import { requestActor } from '../request-actor';
import type { Db } from '../../db/database';
import { errorSchema, jsonContent } from '../schemas';
import { validationHook } from '../validation-hook';

/** The multipart field that carries the file. */
export const uploadField = 'file';

export interface FileRoutesDeps {
  readonly db: Db;
  readonly store: FileStore;
  /** Largest accepted file in bytes; the multipart envelope may add up to 64 KiB on top. */
  readonly maxUploadBytes: number;
  /** Who may read a file; everyone until permissions plug in here. */
  readonly canRead?: FileAccessCheck<Context>;
  /** The space with this key, or a thrown `NotFoundError`. */
  readonly resolveSpace: (key: string) => Promise<{ readonly id: string }>;
}

/** Room for the boundaries, part headers and small text fields around the file. */
const envelopeBytes = 64 * 1024;

const fileSchema = z
  .object({
    id: z.string().uuid(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int(),
    mimeType: z.string().openapi({ example: 'application/pdf' }),
    originalName: z.string().openapi({ example: '报价单.pdf' }),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .openapi('FileRecord');

const spaceParams = z.object({
  space: z
    .string()
    .max(63)
    .openapi({ param: { name: 'space', in: 'path' } }),
});
// Any string: a malformed id answers 404 like an unknown one.
const fileParams = spaceParams.extend({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
});

const upload = createRoute({
  method: 'post',
  path: '/api/spaces/{space}/files',
  tags: ['files'],
  summary: 'Upload a file (multipart field "file"); its type is sniffed from the bytes',
  request: {
    params: spaceParams,
    // A plain schema, not zod: a zod schema would make the validator buffer the whole body.
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { [uploadField]: { type: 'string', format: 'binary' } },
            required: [uploadField],
          },
        },
      },
    },
  },
  responses: {
    201: jsonContent(z.object({ file: fileSchema }), 'Stored'),
    400: jsonContent(errorSchema, 'Not multipart/form-data, no "file" field, or an empty file'),
    404: jsonContent(errorSchema, 'No such space'),
    413: jsonContent(errorSchema, 'The file is larger than the limit'),
  },
});

const metadata = createRoute({
  method: 'get',
  path: '/api/spaces/{space}/files/{id}',
  tags: ['files'],
  summary: "A file's metadata",
  request: { params: fileParams },
  responses: {
    200: jsonContent(z.object({ file: fileSchema }), 'The file'),
    403: jsonContent(errorSchema, 'Not allowed to read this file'),
    404: jsonContent(errorSchema, 'No such space or file'),
  },
});

const content = createRoute({
  method: 'get',
  path: '/api/spaces/{space}/files/{id}/content',
  tags: ['files'],
  summary: "A file's bytes, as an attachment",
  request: { params: fileParams },
  responses: {
    200: {
      description: 'The bytes; Content-Type is the sniffed type, ETag the SHA-256',
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    },
    304: { description: 'If-None-Match named the current ETag' },
    403: jsonContent(errorSchema, 'Not allowed to read this file'),
    404: jsonContent(errorSchema, 'No such space or file'),
  },
});

/**
 * The files API. The upload streams the request body through a multipart reader into the
 * store, so memory stays flat whatever the file size; `maxUploadBytes` is enforced while
 * streaming, and up front when Content-Length already says too much.
 * @example app.route('/', fileRoutes({ db, store, maxUploadBytes: 25 << 20, resolveSpace }))
 */
export function fileRoutes(deps: FileRoutesDeps) {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(upload, async (c) => {
      const space = await deps.resolveSpace(c.req.valid('param').space);
      const declared = Number(c.req.header('content-length'));
      if (declared > deps.maxUploadBytes + envelopeBytes) {
        throw new FileTooLargeError(deps.maxUploadBytes);
      }
      const part = await readFilePart(c.req.raw, uploadField);
      const file = await uploadFile(deps.db, deps.store, {
        spaceId: space.id,
        stream: part.content,
        originalName: part.fileName,
        createdBy: actingUserId(requestActor(c)),
        maxBytes: deps.maxUploadBytes,
      });
      return c.json({ file }, 201);
    })
    .openapi(metadata, async (c) => {
      const { space: key, id } = c.req.valid('param');
      const space = await deps.resolveSpace(key);
      // The name of a file says something too: the same check as its bytes.
      const file = await getReadableFileOrThrow(deps.db, {
        spaceId: space.id,
        id,
        context: c as Context,
        canRead: deps.canRead,
      });
      return c.json({ file }, 200);
    })
    .openapi(content, async (c) => {
      const { space: key, id } = c.req.valid('param');
      const space = await deps.resolveSpace(key);
      const file = await getReadableFileOrThrow(deps.db, {
        spaceId: space.id,
        id,
        context: c as Context,
        canRead: deps.canRead,
      });
      const etag = `"${file.sha256}"`;
      c.header('ETag', etag);
      // Revalidate every time, so the permission check runs on every read.
      c.header('Cache-Control', 'private, no-cache');
      c.header('X-Content-Type-Options', 'nosniff');
      if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      const headers = {
        'Content-Type': file.mimeType.startsWith('text/')
          ? `${file.mimeType}; charset=utf-8`
          : file.mimeType,
        'Content-Length': String(file.sizeBytes),
        'Content-Disposition': attachmentDisposition(file.originalName),
      };
      // HEAD runs this GET handler; an opened blob would never be read or closed.
      if (c.req.method === 'HEAD') return c.body(null, 200, headers);
      return c.body(await deps.store.open(file.sha256), 200, headers);
    });
}

/**
 * `attachment` with an ASCII fallback name and the exact name encoded per RFC 5987/6266.
 * @example attachmentDisposition('报价 (v2).pdf') // attachment; filename="__ (v2).pdf"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%20%28v2%29.pdf
 */
export function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

// ---- Streaming multipart/form-data reader (RFC 7578): finds one file part, streams its body. ----

/** A request that is not a well-formed upload; answered 400 with what is wrong. */
export class InvalidUploadError extends BatonError {
  constructor(message: string) {
    super('INVALID_UPLOAD', 400, message);
  }
}

const crlf = Buffer.from('\r\n');
const dashes = Buffer.from('--');
const limits = { preamble: 4096, headerLine: 8192, headerLines: 32, otherFields: 64 * 1024 };

interface FilePart {
  readonly fileName: string;
  /** The part's bytes; reading it reads the request body. */
  readonly content: ReadableStream<Uint8Array>;
}

/** Skips to the part named `field` and hands its body over as a stream, without buffering it. */
async function readFilePart(request: Request, field: string): Promise<FilePart> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*(;|$)/i.test(type)) {
    const got = type === '' ? 'no content type' : `"${type.slice(0, 100)}"`;
    throw new InvalidUploadError(`send multipart/form-data with a "${field}" field, not ${got}`);
  }
  const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(type);
  if (!boundary) {
    throw new InvalidUploadError('the multipart/form-data content type has no boundary');
  }
  if (!request.body) throw new InvalidUploadError(`the body is empty; expected a "${field}" field`);

  const delimiter = Buffer.from(`\r\n--${boundary[1] ?? boundary[2]}`);
  // A leading CRLF lets the first boundary, which has none, match the same delimiter.
  const reader = new ByteReader(request.body.getReader(), Buffer.from(crlf));
  try {
    await reader.skipUntil(delimiter, limits.preamble, 'the preamble');
    let budget = limits.otherFields;
    while (!(await reader.startsWith(dashes))) {
      const padding = await reader.readUntil(crlf, 256, 'a boundary line');
      if (padding.toString('latin1').trim() !== '') {
        throw new InvalidUploadError('a multipart boundary line has trailing garbage');
      }
      const disposition = parseDisposition(await readPartHeaders(reader));
      if (disposition.name === field) {
        if (disposition.fileName === undefined) {
          throw new InvalidUploadError(`field "${field}" must be a file, not a text value`);
        }
        if (disposition.fileName === '') {
          throw new InvalidUploadError(`no file was chosen for field "${field}"`);
        }
        return { fileName: disposition.fileName, content: reader.streamUntil(delimiter) };
      }
      budget -= await reader.skipUntil(delimiter, budget, 'the fields before the file');
    }
    throw new InvalidUploadError(`the multipart field "${field}" is missing`);
  } catch (error) {
    await reader.cancel();
    throw error;
  }
}

async function readPartHeaders(reader: ByteReader): Promise<Map<string, string>> {
  const headers = new Map<string, string>();
  for (let count = 0; count <= limits.headerLines; count++) {
    const line = (await reader.readUntil(crlf, limits.headerLine, 'a part header')).toString();
    if (line === '') return headers;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new InvalidUploadError('a multipart part has a malformed header');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  throw new InvalidUploadError(`a multipart part has more than ${limits.headerLines} headers`);
}

/** `name` and `filename` of `Content-Disposition: form-data; name="file"; filename="a.pdf"`. */
function parseDisposition(headers: Map<string, string>): { name?: string; fileName?: string } {
  const value = headers.get('content-disposition') ?? '';
  if (!/^form-data\s*(;|$)/i.test(value)) return {};
  const params = new Map<string, string>();
  for (const m of value.matchAll(/;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    const key = (m[1] ?? '').toLowerCase();
    // Browsers percent-encode quotes; older clients backslash-escape them. Other backslashes
    // (Windows paths) stay, so the folder part can be stripped later.
    const raw = m[2] !== undefined ? m[2].replace(/\\(["\\])/g, '$1') : (m[3] ?? '').trim();
    if (!params.has(key)) params.set(key, raw);
  }
  const extended = /^UTF-8'[^']*'(.*)$/i.exec(params.get('filename*') ?? '')?.[1];
  return { name: params.get('name'), fileName: decodePercent(extended) ?? params.get('filename') };
}

function decodePercent(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Pulls a web stream chunk by chunk and finds delimiters that may straddle two chunks. */
class ByteReader {
  private buffer: Buffer;
  private ended = false;

  constructor(
    private readonly source: ReadableStreamDefaultReader<Uint8Array>,
    initial: Buffer,
  ) {
    this.buffer = initial;
  }

  async startsWith(bytes: Buffer): Promise<boolean> {
    while (this.buffer.length < bytes.length) if (!(await this.fill())) return false;
    return this.buffer.subarray(0, bytes.length).equals(bytes);
  }

  /** The bytes before `needle` (at most `max`); `needle` is consumed too. */
  async readUntil(needle: Buffer, max: number, what: string): Promise<Buffer> {
    for (;;) {
      const at = this.buffer.indexOf(needle);
      if (at > max || (at < 0 && this.buffer.length > max + needle.length)) {
        throw new InvalidUploadError(`${what}: more than ${max} bytes`);
      }
      if (at >= 0) return this.take(at, needle.length);
      if (!(await this.fill())) throw new InvalidUploadError(`the body ended inside ${what}`);
    }
  }

  /** Discards everything up to and including `needle`; returns how many bytes went. */
  async skipUntil(needle: Buffer, max: number, what: string): Promise<number> {
    let skipped = 0;
    for (;;) {
      const at = this.buffer.indexOf(needle);
      const drop = at >= 0 ? at : Math.max(0, this.buffer.length - needle.length + 1);
      skipped += drop;
      if (skipped > max) throw new InvalidUploadError(`${what}: more than ${max} bytes`);
      if (at >= 0) {
        this.take(at, needle.length);
        return skipped;
      }
      this.buffer = this.buffer.subarray(drop);
      if (!(await this.fill())) throw new InvalidUploadError(`the body ended inside ${what}`);
    }
  }

  /** The bytes before `needle` as a stream, passed on as they arrive; cancelling it stops the body. */
  streamUntil(needle: Buffer): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          const at = this.buffer.indexOf(needle);
          if (at >= 0) {
            const last = this.take(at, needle.length);
            if (last.length > 0) controller.enqueue(last);
            controller.close();
            return;
          }
          // Keep a tail that could be the start of a delimiter split across chunks.
          const safe = this.buffer.length - needle.length + 1;
          if (safe > 0) {
            controller.enqueue(this.take(safe, 0));
            return;
          }
          if (!(await this.fill())) {
            controller.error(new InvalidUploadError('the body ended inside the file'));
            return;
          }
        }
      },
      cancel: () => this.cancel(),
    });
  }

  async cancel(): Promise<void> {
    await this.source.cancel().catch(() => undefined);
  }

  private take(length: number, skip: number): Buffer {
    const taken = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length + skip);
    return taken;
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.source.read();
    if (done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return true;
  }
}
