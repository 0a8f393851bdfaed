// Refuses request bodies over a size limit (413) before any route reads them.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';
import { BatonError } from '../errors';

/**
 * Middleware that answers 413 to a body over `maxBytes`. A body with a Content-Length (every
 * client but chunked uploads) is judged by the header alone, which Node's HTTP parser holds the
 * body to, so the request stays unread: under @hono/node-server routes then read the bytes straight
 * from the socket. Hono's own bodyLimit asks for `request.body` first, which there builds a full
 * web Request and stream for every request, GETs included. Chunked bodies are counted as they
 * stream, by Hono's; one over the limit also closes its connection.
 * @example app.use('/api/*', bodyLimit(1024 * 1024))
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  const tooLarge = () =>
    new BatonError(
      'PAYLOAD_TOO_LARGE',
      413,
      `request body exceeds ${maxBytes} bytes / 请求体超过 ${maxBytes} 字节`,
    );
  const streaming = streamingBodyLimit({
    maxSize: maxBytes,
    onError: (c) => {
      // The rest of the body stays unread on the connection: close it after the answer, or the
      // client's next request on it would wait behind that body forever.
      c.header('Connection', 'close');
      throw tooLarge();
    },
  });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (!/^\d+$/.test(length.trim())) {
        throw new BatonError(
          'BAD_CONTENT_LENGTH',
          400,
          'Content-Length must be a whole number / Content-Length 必须是非负整数',
        );
      }
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    return streaming(c, next);
  };
}
