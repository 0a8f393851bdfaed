// Reads a request body once, as bytes, refusing it as soon as it exceeds the limit.
import { BatonError } from '../errors';

/** Largest intake delivery accepted. */
export const maxIntakeBytes = 256 * 1024;

/**
 * The raw bytes of a request body (signatures are over exactly these bytes), or a 413 once more
 * than `limit` bytes arrive — without buffering the excess.
 * @example const body = await readRawBody(c.req.raw, maxIntakeBytes)
 */
export async function readRawBody(request: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new BatonError(
      'PAYLOAD_TOO_LARGE',
      413,
      `request body exceeds ${limit} bytes / 请求体超过 ${limit} 字节`,
    );
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  // A declared length bounds the body (HTTP framing holds it there), so it is read whole; under
  // @hono/node-server that reads the socket directly instead of building a web stream.
  if (Number.isFinite(declared) && !request.headers.has('transfer-encoding')) {
    return Buffer.from(await request.arrayBuffer());
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
