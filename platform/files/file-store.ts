// Content-addressed blobs on local disk: `<root>/<aa>/<bb>/<sha256>`, written once, never changed.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { BatonError, NotFoundError } from '../errors';
import { sniffLength } from './mime-sniffer';

/** An upload went past its size limit; nothing of it was kept. */
export class FileTooLargeError extends BatonError {
  constructor(readonly maxBytes: number) {
    super('FILE_TOO_LARGE', 413, `the file is larger than the limit of ${maxBytes} bytes`, {
      maxBytes,
    });
  }
}

/** A content hash that is not 64 lower-case hex digits; refused before any path is built. */
export class InvalidContentHashError extends BatonError {
  constructor(value: string) {
    super('INVALID_SHA256', 400, 'a content hash is 64 lower-case hex digits', {
      value: value.slice(0, 80),
    });
  }
}

export interface StoredBlob {
  /** Lower-case hex SHA-256 of the content: the blob's name. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** The first bytes (up to `sniffLength`), for sniffing the type without reading the blob again. */
  readonly head: Uint8Array;
}

/** Bytes to store: whole, or as a stream (web `ReadableStream`s are async iterable in Node). */
export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

export interface FileStore {
  /** Streams `source` to disk while hashing; refuses it as soon as it passes `maxBytes`. */
  put(source: BlobSource, options: { readonly maxBytes: number }): Promise<StoredBlob>;
  /** The blob's bytes; `NotFoundError` when it is not stored. */
  open(sha256: string): Promise<ReadableStream<Uint8Array>>;
  has(sha256: string): Promise<boolean>;
}

const sha256Pattern = /^[0-9a-f]{64}$/;
const readChunkBytes = 64 * 1024;

/**
 * A store under `root`. Uploads go to `<root>/.tmp` first (same file system, so the final rename
 * is atomic); a blob that already exists is kept and the duplicate discarded.
 * @example
 * const store = createFileStore({ root: '.baton/files' })
 * const { sha256 } = await store.put(request.body, { maxBytes: 25 * 1024 * 1024 })
 */
export function createFileStore(options: { readonly root: string }): FileStore {
  const root = path.resolve(options.root);
  const tempDir = path.join(root, '.tmp');
  const blobPath = (sha256: string) => {
    if (!sha256Pattern.test(sha256)) throw new InvalidContentHashError(sha256);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  return {
    async put(source, { maxBytes }) {
      await mkdir(tempDir, { recursive: true });
      const tempPath = path.join(tempDir, `${randomUUID()}.part`);
      const handle = await open(tempPath, 'wx');
      let written: { sha256: string; sizeBytes: number; head: Uint8Array };
      try {
        written = await writeHashed(handle, source, maxBytes);
        await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(tempPath, { force: true });
        throw error;
      }
      await handle.close();

      const finalPath = blobPath(written.sha256);
      try {
        await mkdir(path.dirname(finalPath), { recursive: true });
        if (await isFile(finalPath)) await rm(tempPath, { force: true });
        else await rename(tempPath, finalPath);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw error;
      }
      await syncDirectory(path.dirname(finalPath));
      return written;
    },

    async open(sha256) {
      let handle: FileHandle;
      try {
        handle = await open(blobPath(sha256), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new NotFoundError('file content', sha256);
        }
        throw error;
      }
      return readableOf(handle);
    },

    async has(sha256) {
      return isFile(blobPath(sha256));
    },
  };
}

async function writeHashed(handle: FileHandle, source: BlobSource, maxBytes: number) {
  const hash = createHash('sha256');
  const head = new Uint8Array(sniffLength);
  let headSize = 0;
  let sizeBytes = 0;
  for await (const chunk of source instanceof Uint8Array ? [source] : source) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('a blob source must yield bytes');
    sizeBytes += chunk.byteLength;
    // Leaving the loop cancels a stream source, so the sender stops too.
    if (sizeBytes > maxBytes) throw new FileTooLargeError(maxBytes);
    hash.update(chunk);
    if (headSize < head.length) {
      const part = chunk.subarray(0, head.length - headSize);
      head.set(part, headSize);
      headSize += part.byteLength;
    }
    for (let offset = 0; offset < chunk.byteLength;) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
      offset += bytesWritten;
    }
  }
  return { sha256: hash.digest('hex'), sizeBytes, head: head.slice(0, headSize) };
}

/** Reads a file in fixed chunks and closes it at the end, on error and on cancel. */
function readableOf(handle: FileHandle): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buffer = new Uint8Array(readChunkBytes);
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null);
        if (bytesRead === 0) {
          await handle.close();
          controller.close();
        } else {
          controller.enqueue(buffer.subarray(0, bytesRead));
        }
      } catch (error) {
        await handle.close().catch(() => undefined);
        controller.error(error);
      }
    },
    async cancel() {
      await handle.close();
    },
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Makes the rename durable; not every platform can fsync a directory, which is fine there. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: the blob is already in place.
  }
}
