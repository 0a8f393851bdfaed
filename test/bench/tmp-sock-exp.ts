import { mkdtemp, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbeddedPostgres } from '../../platform/services/embedded-postgres';
import { createLogger } from '../../platform/logger';
import { freePort } from '../support/free-port';

const home = await mkdtemp(path.join(os.tmpdir(), 'sockexp-'));
await chmod(home, 0o755);
const port = await freePort();
const pg = await startEmbeddedPostgres({ dataDir: path.join(home, 'pg'), port, logger: createLogger('warn') });
const tcp = postgres(pg.url, { max: 10 });
await tcp`create table t (id bigserial primary key, a text, b int, c jsonb)`;
async function run(label: string, client: postgres.Sql) {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let n = 0;
  const deadline = started + 8000;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (performance.now() < deadline) {
      await client.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${n})`;
        await tx`select id from t where b = ${n} limit 1`;
        await tx`select 1`;
        await tx`insert into t (a, b, c) values (${'x' + n}, ${n}, ${JSON.stringify({ n })}::text::jsonb) returning *`;
        await tx`select 2`;
      });
      n++;
    }
  }));
  const s = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(label, (n / s).toFixed(0), 'tx/s', 'client cpu µs/tx', ((cpu.user + cpu.system) / n).toFixed(1), 'sys', (cpu.system / n).toFixed(1));
}
const unix = postgres(pg.url, { max: 10, path: `/tmp/.s.PGSQL.${port}` });
for (let i = 0; i < 2; i++) { await run('tcp ', tcp); await run('unix', unix); }
await tcp.end(); await unix.end(); await pg.stop();
