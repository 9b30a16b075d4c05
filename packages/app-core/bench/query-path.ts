// The database path of `GET /api/media`, side by side: what one list query costs in CPU
// through the driver alone, through knex's pool without its query runner, through
// `knex.raw`, and through the app's own MediaRepository (knex's builder, runner and query
// timeout, as the apps run it). `pnpm bench` measures whole requests; this isolates the
// query, so that the cost of knex can be read off directly (docs/benchmarks.md cites it).
//
//   pnpm --filter @divio-samples/app-core bench:query [--queries 4000 --rounds 5 --concurrency 10]
//
// Needs PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432/postgres). It runs
// the sources through tsx, as media-storage's stream benchmark does.
import { parseArgs } from 'node:util';
import { readDivioEnv } from '@divio-samples/divio-env';
import { createTempDatabase, requirePostgres } from '@divio-samples/test-support';
import pg from 'pg';
import { createKnex } from '../src/media/database.js';
import { MediaRepository } from '../src/media/repository.js';
import { runMigrations } from '../src/process/release.js';

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10' },
  },
});
const queries = Number(values.queries);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

if (!(await requirePostgres())) {
  console.error('PostgreSQL is not reachable on 127.0.0.1:5432 (or PG_URL): nothing measured');
  process.exit(1);
}

const database = await createTempDatabase('pg');
const env = { DATABASE_URL: database.url, SECRET_KEY: 'query-path-bench-secret-0123456789ab' };
const knex = createKnex(readDivioEnv({ ...env, STAGE: 'test', DOMAIN: 'bench.example' }).database);
const pool = new pg.Pool({ connectionString: database.url, max: 10 });
try {
  await runMigrations(env, () => {});
  // 25 rows, as `pnpm bench` seeds: the page of 20 and one more to know there is a next page.
  for (let i = 0; i < 25; i++) {
    await pool.query(
      'insert into media (id, key, filename, content_type, size, created_at) values (gen_random_uuid(), $1, $2, $3, $4, $5)',
      [
        `seed/${i}-photo.jpg`,
        `${i}-photo.jpg`,
        'image/jpeg',
        123_456,
        new Date(Date.now() - i * 1000),
      ],
    );
  }

  const repository = new MediaRepository(knex);
  // The SQL the repository's builder writes for the first page, run by the other paths.
  const compiled = knex('media')
    .select('*')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(21)
    .toSQL()
    .toNative();
  const knexPool = knex.client.pool as {
    acquire(): { promise: Promise<pg.Client> };
    release(client: pg.Client): void;
  };

  const paths: Record<string, () => Promise<unknown>> = {
    'pg Pool.query (the driver alone)': () => pool.query(compiled.sql, [...compiled.bindings]),
    "knex's pool + driver query (no runner)": async () => {
      const client = await knexPool.acquire().promise;
      try {
        return await client.query(compiled.sql, [...compiled.bindings]);
      } finally {
        knexPool.release(client);
      }
    },
    'knex.raw (runner, no builder)': () =>
      knex.raw(compiled.sql.replace('$1', '?'), [...compiled.bindings]),
    'MediaRepository.page (what the apps run)': () => repository.page(21),
  };

  const names = Object.keys(paths);
  const cpuPerQuery = new Map<string, number[]>(names.map((name) => [name, []]));
  const perSecond = new Map<string, number[]>(names.map((name) => [name, []]));
  for (const run of Object.values(paths)) for (let i = 0; i < 300; i++) await run();
  // Interleaved rounds: every path sees the same machine load.
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(paths)) {
      let started = 0;
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (started++ < queries) await run();
        }),
      );
      const used = process.cpuUsage(cpu);
      const seconds = (performance.now() - t0) / 1000;
      cpuPerQuery.get(name)?.push((used.user + used.system) / queries);
      perSecond.get(name)?.push(queries / seconds);
    }
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const spread = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
  console.log(
    `${queries} queries per round at ${concurrency} at a time, ${rounds} interleaved rounds; medians (min–max)\n`,
  );
  console.log(`${'path'.padEnd(44)}${'CPU µs per query'.padEnd(22)}queries/s`);
  for (const name of names) {
    const cpu = cpuPerQuery.get(name) ?? [];
    const qps = perSecond.get(name) ?? [];
    console.log(
      `${name.padEnd(44)}${`${Math.round(median(cpu))} (${spread(cpu)})`.padEnd(22)}${Math.round(median(qps))} (${spread(qps)})`,
    );
  }
} finally {
  await knex.destroy();
  await pool.end();
  await database.drop();
}
