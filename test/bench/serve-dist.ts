// Serves the built designer (designer/dist) on a loopback port for the browser benchmarks,
// index.html for every path the router owns.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { freePort } from '../support/free-port';

const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
};

/**
 * Serves `dist` until `close` is called.
 * @example const site = await serveDist(dist); await page.goto(site.url); await site.close();
 */
export async function serveDist(dist: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = path.join(
      dist,
      url.pathname === '/' ? 'index.html' : path.normalize(url.pathname),
    );
    readFile(file.startsWith(dist) ? file : path.join(dist, 'index.html')).then(
      (body) => {
        res.writeHead(200, {
          'content-type': types[path.extname(file)] ?? 'application/octet-stream',
        });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
