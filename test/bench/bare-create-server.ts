// The floor under the API's create path: bare node:http, JSON.parse and the very statement the API
// runs for a create (record + audit row, prepared), no framework, auth, validation or rules.
// Started by the data-engine and intake benchmarks beside the real server; POST /ceiling/:space/:table
// creates a record from a JSON object of field values (ACTOR_ID, if set, as its author).
import http from 'node:http';
import { openDatabase } from '../../platform/db/database';
import { insertRowWithAudit } from '../../platform/records/record-repository';
import { resolveTable, watchSpaceVersions } from '../../platform/records/table-context';

const database = openDatabase(process.env.DATABASE_URL!);
// As the API does: the space's version is cached, so a create is the one statement.
const stopWatching = await watchSpaceVersions(database);
const actor = process.env.ACTOR_ID ?? null;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const [, , space, table] = req.url!.split('/');
    void (async () => {
      const context = await resolveTable(database.db, space!, table!);
      const values = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const row = await insertRowWithAudit(database.db, context, values, { actor, source: 'api' });
      const body = JSON.stringify({ record: row });
      res.writeHead(201, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
const stop = () =>
  server.close(
    () =>
      void stopWatching()
        .then(() => database.close())
        .then(() => process.exit(0)),
  );
process.on('SIGTERM', stop);
process.on('disconnect', stop);
