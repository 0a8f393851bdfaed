// A real HTTP server on a free loopback port that records every request, like a group robot.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  readonly method: string;
  /** Path and query as received, e.g. `/robot/send?access_token=t&timestamp=…&sign=…`. */
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface WebhookSink {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: readonly SinkRequest[];
  /** Answers the next `count` requests with this status and body instead of `{ errcode: 0 }`. */
  failNext(count: number, status: number, body?: string): void;
  /** Leaves the next `count` requests unanswered (until `close`), to exercise timeouts. */
  stallNext(count: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<readonly SinkRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const requests: SinkRequest[] = [];
  const waiters = new Set<() => void>();
  let failures = { count: 0, status: 500, body: '' };
  let stalls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      requests.push({
        method: req.method ?? 'GET',
        url,
        query: new URL(url, 'http://sink').searchParams,
        headers: req.headers,
        text,
        json: parseJson(text),
      });
      for (const wake of waiters) wake();
      if (stalls > 0) {
        stalls -= 1;
        return;
      }
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        res.writeHead(failures.status, { 'content-type': 'text/plain' }).end(failures.body);
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status, body = 'sink failure') {
      failures = { count, status, body };
    },
    stallNext(count) {
      stalls = count;
    },
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          cleanup();
          resolve(requests.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} webhook request(s), got ${requests.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
