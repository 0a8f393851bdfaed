// Attachments: store the bytes, sniff their type, record the upload in its space, guard reads.
import { BatonError, NotFoundError } from '../errors';
import type { BlobSource, FileStore } from './file-store';
import type { Db } from '../db/database';
import { sniffMimeType } from './mime-sniffer';

/** An uploaded file as the API shows it; attachment fields of records hold its `id`. */
export interface FileRecord {
  readonly id: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Sniffed from the bytes at upload; the client's claim is never used. */
  readonly mimeType: string;
  readonly originalName: string;
  readonly createdAt: string;
  readonly createdBy: string | null;
}

export interface UploadFileInput {
  readonly spaceId: string;
  readonly stream: BlobSource;
  /** The name the client sent; sanitised before it is stored. */
  readonly originalName: string;
  readonly createdBy: string | null;
  readonly maxBytes: number;
}

/**
 * Decides whether a request may read a file. The HTTP layer passes its request context; the
 * permissions module will plug its rule in here.
 */
export type FileAccessCheck<TContext = unknown> = (
  file: FileRecord,
  context: TContext,
) => Promise<boolean>;

/** The default until permissions exist: anyone who can reach the space can read its files. */
export const allowAnyFileRead: FileAccessCheck = async () => true;

export class EmptyFileError extends BatonError {
  constructor() {
    super('FILE_EMPTY', 400, 'the file is empty');
  }
}

export class FileReadDeniedError extends BatonError {
  constructor(id: string) {
    super('FILE_FORBIDDEN', 403, `you may not read file "${id}"`, { id });
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxNameLength = 255;
/** C0/C1 controls, and bidi overrides that make `invoice‮fdp.exe` read as `invoiceexe.pdf`. */
const unsafeNameChars = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/**
 * Stores an upload and records it. The MIME type comes from the first bytes, never from the
 * client; identical bytes are stored once and shared by every row that names them.
 * @example
 * const file = await uploadFile(db, store, {
 *   spaceId, stream: request.body, originalName: '合同.pdf', createdBy: null, maxBytes: 25 << 20,
 * })
 */
export async function uploadFile(
  db: Db,
  store: FileStore,
  input: UploadFileInput,
): Promise<FileRecord> {
  const originalName = sanitizeFileName(input.originalName);
  const blob = await store.put(input.stream, { maxBytes: input.maxBytes });
  if (blob.sizeBytes === 0) throw new EmptyFileError();
  const row = await db
    .insertInto('platform.files')
    .values({
      space_id: input.spaceId,
      sha256: blob.sha256,
      size_bytes: blob.sizeBytes,
      mime_type: sniffMimeType(blob.head, originalName),
      original_name: originalName,
      created_by: input.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toFileRecord(row);
}

/**
 * The file with this id in this space; `NotFoundError` (404) when it is missing, belongs to
 * another space, or the id is not a UUID at all.
 * @example const file = await getFileOrThrow(db, space.id, '0b8e…')
 */
export async function getFileOrThrow(db: Db, spaceId: string, id: string): Promise<FileRecord> {
  if (!uuidPattern.test(id)) throw new NotFoundError('file', id.slice(0, 100));
  const row = await db
    .selectFrom('platform.files')
    .selectAll()
    .where('space_id', '=', spaceId)
    .where('id', '=', id.toLowerCase())
    .executeTakeFirst();
  if (!row) throw new NotFoundError('file', id);
  return toFileRecord(row);
}

/**
 * The file, once `canRead` allowed this request to read it: a missing file answers 404 before
 * the check runs, a refused read answers 403.
 * @example const file = await getReadableFileOrThrow(db, { spaceId, id, context: c, canRead })
 */
export async function getReadableFileOrThrow<TContext>(
  db: Db,
  request: {
    readonly spaceId: string;
    readonly id: string;
    readonly context: TContext;
    readonly canRead?: FileAccessCheck<TContext>;
  },
): Promise<FileRecord> {
  const file = await getFileOrThrow(db, request.spaceId, request.id);
  const canRead = request.canRead ?? allowAnyFileRead;
  if (!(await canRead(file, request.context))) throw new FileReadDeniedError(file.id);
  return file;
}

/**
 * A client's file name made safe to store and to send back: no folders, no control or bidi
 * characters, at most 255 characters with the extension kept. Chinese and other scripts stay.
 * @example sanitizeFileName('C:\\Users\\张三\\报价单.pdf') // '报价单.pdf'
 */
export function sanitizeFileName(name: string): string {
  const base = (name.split(/[/\\]/).pop() ?? '')
    .normalize('NFC')
    .replace(unsafeNameChars, '')
    .trim();
  if (base === '' || base === '.' || base === '..') return 'file';
  const chars = Array.from(base);
  if (chars.length <= maxNameLength) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(base.slice(dot)) : [];
  if (extension.length === 0 || extension.length > 16)
    return chars.slice(0, maxNameLength).join('');
  const stem = Array.from(base.slice(0, dot)).slice(0, maxNameLength - extension.length);
  return stem.join('') + extension.join('');
}

function toFileRecord(row: {
  id: string;
  sha256: string;
  size_bytes: string | number;
  mime_type: string;
  original_name: string;
  created_at: Date;
  created_by: string | null;
}): FileRecord {
  return {
    id: row.id,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    mimeType: row.mime_type,
    originalName: row.original_name,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}
