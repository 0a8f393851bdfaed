// Spools a multipart import upload to a temporary file (the job outlives the request) and keeps its text fields.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Busboy from '@fastify/busboy';
import { BatonError } from '../errors';
import type { UploadedFile } from './import-service';

export interface SpooledUpload {
  readonly file: UploadedFile;
  /** Text fields of the form (e.g. `options`), each at most 64 KiB. */
  readonly fields: ReadonlyMap<string, string>;
}

/** The request is not a well-formed import upload (400), or the file is too large (413). */
export class ImportUploadError extends BatonError {
  constructor(status: 400 | 413, message: string) {
    super(status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_UPLOAD', status, message);
  }
}

const fieldBytes = 64 * 1024;

/**
 * Streams the `file` part of a multipart/form-data request to a temporary file, whatever the order
 * of the parts, and returns the other fields. Memory stays flat; `maxBytes` is enforced while
 * streaming. The caller owns (and deletes) the file.
 * @example const { file, fields } = await spoolUpload(c.req.raw, { maxBytes: 1 << 30 })
 */
export async function spoolUpload(
  request: Request,
  options: { readonly maxBytes: number; readonly dir?: string },
): Promise<SpooledUpload> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type) || !request.body) {
    throw new ImportUploadError(400, 'send multipart/form-data with a "file" field');
  }
  const dir = options.dir ?? path.join(os.tmpdir(), 'baton-imports');
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, `${randomUUID()}.upload`);
  const fields = new Map<string, string>();
  let file: UploadedFile | undefined;
  let refusal: ImportUploadError | undefined;
  const writes: Promise<void>[] = [];

  const parser = Busboy({
    headers: { 'content-type': type },
    limits: { fileSize: options.maxBytes, files: 1, fieldSize: fieldBytes, fields: 20 },
  });
  parser.on('field', (name: string, value: string, _n: boolean, truncated: boolean) => {
    if (truncated) refusal ??= new ImportUploadError(400, `field "${name}" exceeds 64 KiB`);
    fields.set(name, value);
  });
  parser.on(
    'file',
    (name: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, fileName: string) => {
      if (name !== 'file' || file) {
        stream.resume();
        return;
      }
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('limit', () => {
        refusal ??= new ImportUploadError(413, `the file exceeds ${options.maxBytes} bytes`);
      });
      const name0 = fileName || 'upload';
      writes.push(
        pipeline(stream, createWriteStream(target)).then(() => {
          file = { path: target, name: path.basename(name0), bytes, temporary: true };
        }),
      );
    },
  );
  try {
    await pipeline(Readable.fromWeb(request.body as never), parser);
    await Promise.all(writes);
    if (refusal) throw refusal;
    if (!file) throw new ImportUploadError(400, 'the multipart field "file" is missing');
    if (file.bytes === 0) throw new ImportUploadError(400, 'the uploaded file is empty');
    return { file, fields };
  } catch (error) {
    await rm(target, { force: true });
    if (error instanceof BatonError) throw error;
    throw new ImportUploadError(400, `the upload is malformed: ${(error as Error).message}`);
  }
}
