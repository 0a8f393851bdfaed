// A small closed-loop HTTP load generator: N keep-alive clients, each sending its next request on answer.
import http from 'node:http';
import { benchAuth } from './bench-admin';

export interface LoadRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body?: string;
  /** Extra headers; a `content-type` here replaces the JSON default. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly concurrency: number;
  /** Stop after this many requests… */
  readonly total?: number;
  /** …or after this many milliseconds, whichever comes first. */
  readonly durationMs?: number;
  /** The i-th request to send. */
  readonly request: (i: number) => LoadRequest;
  readonly expectStatus: number;
  /** Called with each answer's body (when the status is the expected one). */
  readonly onBody?: (body: string) => void;
}

export interface LoadResult {
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  /** Milliseconds of the successful requests, sorted ascending. */
  readonly latencies: Float64Array;
  /** The first unexpected answer, for diagnosis. */
  readonly firstFailure?: string;
}

/**
 * Drives the server with `concurrency` clients in a closed loop and times every request.
 * @example await runLoad({ baseUrl, concurrency: 32, durationMs: 20_000, request: () => ({ method: 'GET', path: '/api/health' }), expectStatus: 200 })
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Infinity : started + options.durationMs;
  const total = options.total ?? Infinity;

  const client = async () => {
    while (next < total && performance.now() < deadline) {
      const request = options.request(next++);
      const sent = performance.now();
      const answer = await send(base, agent, request).catch((error: unknown) => ({
        status: 0,
        body: String(error),
      }));
      if (answer.status === options.expectStatus) {
        latencies.push(performance.now() - sent);
        options.onBody?.(answer.body);
      } else {
        failed += 1;
        firstFailure ??= `${request.method} ${request.path} → ${answer.status} ${answer.body.slice(0, 500)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    ok: latencies.length,
    failed,
    seconds,
    latencies: Float64Array.from(latencies).sort(),
    ...(firstFailure ? { firstFailure } : {}),
  };
}

/** The value below which `p` percent of the sorted samples fall (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

function send(
  base: URL,
  agent: http.Agent,
  request: LoadRequest,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...benchAuth };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(request.body);
    }
    Object.assign(headers, request.headers);
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
