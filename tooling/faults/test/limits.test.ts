// A small MAX_UPLOAD_BYTES (1000): an upload one byte over, or five times over, is a 413
// and nothing is stored; exactly the limit is stored whole. (Fastify once stored such an
// upload truncated to the limit and answered 201: issue 11, item 1.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEnv, type RunningApp, scratch, startApp } from '../src/app-process.js';
import { appsUnderTest } from '../src/apps.js';
import { scenario } from '../src/results.js';
import { listFilenames, streamUpload } from '../src/upload.js';

const apps = await appsUnderTest();
const LIMIT = 1000;

describe.each(apps)('a small upload limit: $name', (app) => {
  let running: RunningApp;
  const temp = scratch(`limit-${app.name}`);
  beforeAll(async () => {
    running = await startApp(
      app,
      appEnv(temp.databaseUrl, temp.fileDsn, {
        MAX_UPLOAD_BYTES: String(LIMIT),
      }),
    );
  });
  afterAll(async () => {
    await running?.terminate(5_000);
    await temp.remove();
  });

  it(`over ${LIMIT} bytes: 413 and nothing stored; exactly ${LIMIT}: stored whole`, async () => {
    await scenario(app.name, `upload over a ${LIMIT}-byte limit`, async () => {
      const tag = Date.now();
      const answers: string[] = [];
      for (const size of [LIMIT + 1, 5 * LIMIT, 65_000]) {
        const filename = `over-${tag}-${size}.bin`;
        const res = await streamUpload(running.url, { filename, size });
        expect(res.status, `${size} bytes: ${res.body}`).toBe(413);
        expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
        expect(await listFilenames(running.url)).not.toContain(filename);
        answers.push(`${size}: 413`);
      }
      const exact = await streamUpload(running.url, { filename: `exact-${tag}.bin`, size: LIMIT });
      expect(exact.status, exact.body).toBe(201);
      expect(JSON.parse(exact.body).size).toBe(LIMIT);
      return `${answers.join(', ')}, nothing stored; ${LIMIT}: 201, ${LIMIT} bytes stored`;
    });
  });
});
