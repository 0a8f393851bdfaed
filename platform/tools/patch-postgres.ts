// Mends postgres.js 3.4.9 after every install (package.json `postinstall`), until upstream ships
// fixes; test/integration/connection-pool.test.ts checks each by killing backends under the pool.
// - A connection whose socket closed while a small write waited for its setImmediate (a
//   PostgreSQL restart, a terminated backend) crashed the process from that timer with "Cannot
//   read properties of null (reading 'write')" (porsager/postgres#1208), and the cleared but never
//   reset timer left the connection unable to send once reconnected. Now the write is dropped and
//   the waiting queries fail with CONNECTION_CLOSED, which callers can catch.
// - Releasing such a reserved connection put the closed connection back among the open ones, where
//   the next pooled query failed on it; now a connection the pool took back is left to the pool.
// - A connection closing while a `reserve()` waited handed that reserve to its reconnect as the
//   first query, which drops reserves, so the promise never settled (porsager/postgres#1195).
//   Now a reserve the reconnect takes is queued again (at the end) and is also the connection's
//   first "query", exactly as `reserve()` itself opens a connection, so the reconnected connection
//   answers it. (The first version of this patch passed the queue's new length as that first query:
//   a connection failing again before it was up then threw inside its own error handling and never
//   closed, so `sql.end()` waited forever; an install patched that way is patched again.)
// - A connection that died while it fetched the array types at start-up rejected that internal query
//   with nobody listening (an unhandled rejection) and kept it as its current query, so `sql.end()`
//   waited for it forever; a failed types fetch now fails the connection like any socket error.
// Idempotent; a source the patch does not know is left alone with a warning (the tests then say
// whether the bugs are still there).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const marker = '/* baton: guarded write (porsager/postgres#1208) */';

const guardedWrite = `function nextWrite(fn) {
    ${marker}
    if (!socket) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`;

/** The patched text of one connection.js, or null when it is not the source this patch knows. */
export function patchConnectionSource(source: string): string | null {
  const typesFetch = 'return fetchArrayTypes()';
  const caughtTypesFetch = `return fetchArrayTypes().catch(errored) ${typesMarker}`;
  if (source.includes(marker)) {
    // Installed by an earlier version of this patch, before the types fetch was caught.
    return source.includes(typesMarker) ? source : source.replace(typesFetch, caughtTypesFetch);
  }
  const write = 'function nextWrite(fn) {\n    const x = socket.write(chunk, fn)';
  const cleared = /\n([ \t]+)clearImmediate\(nextWriteTimer\)\n/g;
  if (!source.includes(write) || (source.match(cleared) ?? []).length !== 2) return null;
  if (!source.includes(typesFetch)) return null;
  return source
    .replace(write, guardedWrite)
    .replace(cleared, '\n$1clearImmediate(nextWriteTimer)\n$1chunk = nextWriteTimer = null\n')
    .replace(typesFetch, caughtTypesFetch);
}

const typesMarker = '/* baton: a failed types fetch fails the connection */';

const releaseMarker = '/* baton: release only a live connection (porsager/postgres#1208) */';

const reconnectMarker =
  '/* baton: a waiting reserve stays queued, and opens the connection (porsager/postgres#1195) */';
const firstReconnectPatch =
  '/* baton: a waiting reserve stays queued (porsager/postgres#1195) */\n    queries.length && ((q) => connect(c, q.reserve ? queries.push(q) : q))(queries.shift())';

/** The patched text of one index.js, or null when it is not the source this patch knows. */
export function patchIndexSource(original: string): string | null {
  if (original.includes(releaseMarker) && original.includes(reconnectMarker)) return original;
  const reconnect = 'queries.length && connect(c, queries.shift())';
  const patchedRelease = `sql.release = () => {\n      ${releaseMarker}\n      c.reserved = null\n      c.queue === closed || c.queue === connecting || onopen(c)\n    }`;
  const release = 'sql.release = () => {\n      c.reserved = null\n      onopen(c)\n    }';
  // An install the first version patched: back to the released text, then patched again.
  const source = original.replace(firstReconnectPatch, reconnect).replace(patchedRelease, release);
  if (!source.includes(release) || !source.includes(reconnect)) return null;
  return source
    .replace(release, patchedRelease)
    .replace(
      reconnect,
      `${reconnectMarker}\n    queries.length && ((q) => connect(c, q.reserve ? (queries.push(q), q) : q))(queries.shift())`,
    );
}

async function main(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '../../node_modules/postgres');
  for (const dir of ['src', 'cjs/src', 'cf/src']) {
    for (const [name, patch] of [
      ['connection.js', patchConnectionSource],
      ['index.js', patchIndexSource],
    ] as const) {
      const file = path.join(root, dir, name);
      const source = await readFile(file, 'utf8').catch(() => null);
      if (source === null) continue;
      const patched = patch(source);
      if (patched === null) {
        console.warn(`patch-postgres: ${file} is not the source this patch knows; left as it is`);
      } else if (patched !== source) {
        await writeFile(file, patched);
      }
    }
  }
}

if (process.argv[1] === import.meta.filename) await main();
