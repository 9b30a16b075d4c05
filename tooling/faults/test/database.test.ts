// A database that stops and one that hangs, behind a TCP proxy between the app and
// PostgreSQL or MariaDB: /healthz stays 200 (the process is alive), /readyz and the data routes answer
// 503 within a bounded time (DATABASE_TIMEOUT_MS is 1000 here; readiness checks are bounded
// at 3 s), and the app recovers by itself once the database is back.
import {
  createTempDatabase,
  type DatabaseKind,
  requireMysql,
  requirePostgres,
  type TempDatabase,
} from '@divio-samples/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEnv, type RunningApp, scratch, startApp, timed, until } from '../src/app-process.js';
import { appsUnderTest } from '../src/apps.js';
import { type FaultProxy, startFaultProxy } from '../src/proxy.js';
import { scenario } from '../src/results.js';

const apps = await appsUnderTest();
const postgres = await requirePostgres();
const mysql = await requireMysql();

/**
 * A 503 must come this fast: data routes are bounded by DATABASE_TIMEOUT_MS (1 s here),
 * /readyz by its own 3 s per check (what a hung MariaDB shows: mysql2 has no query timer
 * of its own for the readiness ping), plus scheduling slack on a busy machine.
 */
const BOUND_MS = 5_000;

/** The scenarios on one database kind; its rows say which (`database hung (MariaDB)`). */
function databaseFaults(kind: DatabaseKind, label: string, defaultPort: number) {
  return () => {
    const suffix = ` (${label})`;
    let database: TempDatabase;
    beforeAll(async () => {
      database = await createTempDatabase(kind);
    });
    afterAll(async () => {
      await database?.drop();
    });

    describe.each(apps)('$name', (app) => {
      let proxy: FaultProxy;
      let running: RunningApp;
      const temp = scratch(`db-${app.name}`);
      beforeAll(async () => {
        const url = new URL(database.url);
        proxy = await startFaultProxy(url.hostname, Number(url.port || defaultPort));
        url.host = `127.0.0.1:${proxy.port}`;
        running = await startApp(app, appEnv(url.toString(), temp.fileDsn));
      });
      afterAll(async () => {
        await running?.terminate(5_000);
        await proxy?.close();
        await temp.remove();
      });

      const expectOutage = async (what: string) => {
        const [health, ready, list] = await Promise.all([
          timed(`${running.url}/healthz`),
          timed(`${running.url}/readyz`),
          timed(`${running.url}/api/media`),
        ]);
        expect(health.status, `${what}: /healthz`).toBe(200);
        expect(ready.status, `${what}: /readyz`).toBe(503);
        expect(list.status, `${what}: GET /api/media ${list.body}`).toBe(503);
        expect(JSON.parse(list.body)).toEqual({
          error: { code: 'service_unavailable', message: 'A backing service is unavailable' },
        });
        expect(ready.ms, `${what}: /readyz time`).toBeLessThan(BOUND_MS);
        expect(list.ms, `${what}: GET /api/media time`).toBeLessThan(BOUND_MS);
        return `readyz ${ready.ms} ms, list ${list.ms} ms`;
      };
      const recovery = () =>
        until(
          async () => (await timed(`${running.url}/api/media`, { timeoutMs: 3000 })).status === 200,
          10_000,
        );

      it('database stopped: 503 fast, /healthz 200, recovers', async () => {
        await scenario(app.name, `database stopped${suffix}`, async () => {
          expect((await timed(`${running.url}/api/media`)).status).toBe(200);
          proxy.set('refuse');
          const outage = await expectOutage('stopped');
          proxy.set('forward');
          const recovered = await recovery();
          return `503: ${outage}; recovered in ${recovered} ms`;
        });
      });

      it('database hung (nothing forwarded): 503 within the bound, /healthz 200, recovers', async () => {
        await scenario(app.name, `database hung${suffix}`, async () => {
          expect((await timed(`${running.url}/api/media`)).status).toBe(200);
          proxy.set('hang');
          const outage = await expectOutage('hung');
          proxy.set('forward');
          const recovered = await recovery();
          return `503: ${outage}; recovered in ${recovered} ms`;
        });
      });
    });
  };
}

describe.skipIf(!postgres)(
  'database faults (PostgreSQL behind a TCP proxy)',
  databaseFaults('pg', 'PostgreSQL', 5432),
);
describe.skipIf(!mysql)(
  'database faults (MariaDB behind a TCP proxy)',
  databaseFaults('mysql', 'MariaDB', 3306),
);
