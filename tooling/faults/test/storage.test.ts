// Storage faults. The S3 emulator behind a TCP proxy stops in the middle of an upload
// (every connection reset, new ones refused): the upload answers 503 with the generic
// message, leaves no row and no object, and uploads work again once storage is back. The
// multipart upload it started cannot be aborted while the store is unreachable: the
// figures report how many the emulator still holds (media-storage's README documents the
// lifecycle rule that removes them on a real bucket). Azurite with a wrong account key:
// uploads and readiness answer 503, the store's own message never reaches the client.

import {
  AZURITE_ACCOUNT_KEY,
  type S3rverHandle,
  startAzurite,
  startS3rver,
} from '@divio-samples/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appEnv, type RunningApp, scratch, startApp, timed, until } from '../src/app-process.js';
import { appsUnderTest } from '../src/apps.js';
import { type FaultProxy, startFaultProxy } from '../src/proxy.js';
import { scenario } from '../src/results.js';
import { listFilenames, streamUpload } from '../src/upload.js';

const apps = await appsUnderTest();

const GENERIC = {
  error: { code: 'service_unavailable', message: 'A backing service is unavailable' },
};
const MIB = 1024 * 1024;

/** Objects in the emulator's bucket (anonymous ListObjectsV2, which s3rver serves). */
async function objectCount(s3: S3rverHandle): Promise<number> {
  const res = await fetch(`${s3.endpoint}/media?list-type=2&max-keys=1000`);
  return ((await res.text()).match(/<Key>/g) ?? []).length;
}

describe('storage stopped mid-upload (S3 emulator behind a TCP proxy)', () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['media'] });
  });
  afterAll(async () => {
    await s3?.stop();
  });

  describe.each(apps)('$name', (app) => {
    let proxy: FaultProxy;
    let running: RunningApp;
    const temp = scratch(`s3-${app.name}`);
    beforeAll(async () => {
      proxy = await startFaultProxy('127.0.0.1', s3.port);
      const dsn = s3
        .dsn('media', { prefix: `${app.name}/` })
        .replaceAll(`127.0.0.1%3A${s3.port}`, `127.0.0.1%3A${proxy.port}`);
      running = await startApp(
        app,
        // The app stops reading the body while the S3 client retries: a 1.5 s idle
        // timeout could cut the upload with 408 first on a busy machine (docs/contract.md,
        // "Timeouts": keep IDLE_TIMEOUT_MS above the storage's retry time).
        appEnv(temp.databaseUrl, dsn, {
          MAX_UPLOAD_BYTES: String(64 * MIB),
          IDLE_TIMEOUT_MS: '15000',
        }),
      );
    });
    afterAll(async () => {
      await running?.terminate(5_000);
      await proxy?.close();
      await temp.remove();
    });

    it('503, nothing half-written, recovers', async () => {
      await scenario(app.name, 'storage stopped mid-upload', async () => {
        const objectsBefore = await objectCount(s3);
        const pendingBefore = await s3.pendingMultipartUploads('media');
        const filename = `cut-${app.name}-${Date.now()}.bin`;
        // 12 MiB: S3 multipart parts of 5 MiB; the store goes away after the first part.
        let cut = false;
        const outcome = await streamUpload(running.url, {
          filename,
          size: 12 * MIB,
          onProgress: (sent) => {
            if (sent < 7 * MIB || cut) return;
            cut = true;
            proxy.set('refuse');
          },
        });
        expect(outcome.status, outcome.body).toBe(503);
        expect(JSON.parse(outcome.body)).toEqual(GENERIC);
        proxy.set('forward');
        const names = await listFilenames(running.url);
        expect(names, 'no row').not.toContain(filename);
        expect(await objectCount(s3), 'no object').toBe(objectsBefore);
        const orphans = (await s3.pendingMultipartUploads('media')) - pendingBefore;
        let last = '';
        const recovered = await until(
          async () => {
            const small = await streamUpload(running.url, { filename: 'after.bin', size: 1024 });
            last = `${small.status} ${small.body}`;
            return small.status === 201;
          },
          15_000,
          200,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; last answer: ${last}`);
        });
        return `503 after ${outcome.ms} ms; no row, no object; multipart left for the lifecycle rule: ${orphans}; recovered in ${recovered} ms`;
      });
    });
  });
});

describe('storage rejecting the credentials (Azurite, wrong account key)', () => {
  let azurite: Awaited<ReturnType<typeof startAzurite>>;
  beforeAll(async () => {
    azurite = await startAzurite({ containers: ['media'] });
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  describe.each(apps)('$name', (app) => {
    let running: RunningApp;
    const temp = scratch(`azure-${app.name}`);
    beforeAll(async () => {
      const wrongKey = Buffer.alloc(64, 7).toString('base64');
      const dsn = azurite
        .dsn('media')
        .replace(encodeURIComponent(AZURITE_ACCOUNT_KEY), encodeURIComponent(wrongKey));
      expect(dsn).not.toContain(encodeURIComponent(AZURITE_ACCOUNT_KEY));
      running = await startApp(app, appEnv(temp.databaseUrl, dsn));
    });
    afterAll(async () => {
      await running?.terminate(5_000);
      await temp.remove();
    });

    it('503 with the generic message, the detail only in the log', async () => {
      await scenario(app.name, 'storage wrong credentials', async () => {
        const upload = await streamUpload(running.url, { filename: 'denied.bin', size: 4096 });
        expect(upload.status, upload.body).toBe(503);
        expect(JSON.parse(upload.body)).toEqual(GENERIC);
        const ready = await timed(`${running.url}/readyz`);
        expect(ready.status).toBe(503);
        // /readyz names the failing check for the operator (credentials masked), no key.
        expect(ready.body).not.toContain(AZURITE_ACCOUNT_KEY);
        const list = await timed(`${running.url}/api/media`);
        expect(list.status, 'reads that need no storage still work').toBe(200);
        const logged = running.logLines().some((l) => JSON.stringify(l).includes('403'));
        return `upload 503 in ${upload.ms} ms, readyz 503, list 200; detail logged: ${logged}`;
      });
    });
  });
});
