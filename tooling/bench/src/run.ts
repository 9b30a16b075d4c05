// One benchmark run: the servers up side by side, the measurements interleaved run by run (a
// burst of load elsewhere on the machine then hits both sides of a ratio alike), the report.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from '@divio-samples/app-core';
import { contractEnv } from '@divio-samples/contract-tests';
import {
  createTempDatabase,
  requirePostgres,
  startAzurite,
  startS3rver,
  tempDir,
} from '@divio-samples/test-support';
import pg from 'pg';
import { containerStartMs, dockerAvailable, measureImage } from './docker.js';
import { type LoadOptions, LoadSamples, loadOnce, warmUp } from './load.js';
import {
  ensureNextBareBuild,
  NEXT_BARE_WARM_UP_REQUESTS,
  nextBareProject,
  nextBareSpec,
} from './next-bare.js';
import { type Server, type ServerSpec, startServer } from './process.js';
import {
  APPS,
  type AppName,
  type AppResult,
  type BenchReport,
  type UploadResult,
} from './report.js';
import { summarise } from './stats.js';
import { uploadOnce } from './upload.js';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = join(PACKAGE_DIR, '..', '..');

export interface RunOptions extends LoadOptions {
  apps: AppName[];
  runs: number;
  startRuns: number;
  uploadMiB: number;
  uploadRuns: number;
  uploadBackends: UploadResult['backend'][];
  /** Build each app's image cold and warm and compare its size with the base image (slow). */
  images: boolean;
  /** Time `docker run` of the image to the first /readyz 200. */
  container: boolean;
  command: string;
  log: (line: string) => void;
}

/**
 * Which framework's bare hello world each app is compared with: servers/bare.mjs, or for
 * Next.js the production build of servers/next-bare (see src/next-bare.ts).
 */
const BARE_FRAMEWORK: Record<AppName, string> = {
  express: 'express',
  koa: 'koa',
  fastify: 'fastify',
  hono: 'hono',
  nestjs: 'nestjs',
  nextjs: 'next',
};

function bareSpec(framework: string): ServerSpec {
  if (framework === 'next') return nextBareSpec(nextBareProject(PACKAGE_DIR));
  return {
    name: `bare ${framework}`,
    args: [join(PACKAGE_DIR, 'servers', 'bare.mjs'), framework],
    cwd: PACKAGE_DIR,
    env: { NODE_ENV: 'production' },
    readyPath: '/healthz',
  };
}

/** The framework packages whose versions the page states, by app. */
const FRAMEWORK_PACKAGES: Record<AppName, string[]> = {
  express: ['express'],
  koa: ['koa'],
  fastify: ['fastify'],
  hono: ['hono', '@hono/node-server'],
  nestjs: ['@nestjs/core'],
  nextjs: ['next'],
};

function installedVersion(appDir: string, name: string): string {
  try {
    const path = join(appDir, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The production settings the page states: the contract's environment, production mode. */
function appEnv(databaseUrl: string, storageDsn: string, maxUploadBytes?: number) {
  return {
    ...contractEnv,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    DEFAULT_STORAGE_DSN: storageDsn,
    ...(maxUploadBytes ? { MAX_UPLOAD_BYTES: String(maxUploadBytes) } : {}),
  };
}

/** 25 rows, so that the first page holds 20 and has a next one, as after real uploads. */
async function seed(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const now = Date.now();
    for (let i = 0; i < 25; i++) {
      await client.query(
        'insert into media (id, key, filename, content_type, size, created_at) values ($1, $2, $3, $4, $5, $6)',
        [
          randomUUID(),
          `seed/${i}-photo.jpg`,
          `photo ${i}.jpg`,
          'image/jpeg',
          1000 + i,
          new Date(now - i * 1000),
        ],
      );
    }
  } finally {
    await client.end();
  }
}

export function machineFacts(): BenchReport['machine'] {
  const [l1 = 0, l5 = 0, l15 = 0] = loadavg();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGB: totalmem() / 1e9,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: [l1, l5, l15],
  };
}

export async function runBench(options: RunOptions): Promise<BenchReport> {
  const { log } = options;
  const machine = machineFacts();
  const date = new Date().toISOString();
  if (!(await requirePostgres())) {
    throw new Error(
      'PostgreSQL is not reachable on 127.0.0.1:5432 (or PG_URL): the suite needs it',
    );
  }
  const cleanups: (() => Promise<void>)[] = [];
  const scratch = await tempDir('bench');
  cleanups.push(() => scratch.remove());
  try {
    const database = await createTempDatabase('pg');
    cleanups.push(() => database.drop());
    const fileDsn = `file://${join(scratch.path, 'media')}/?url=%2Fmedia%2F`;
    await runMigrations(appEnv(database.url, fileDsn), () => {});
    await seed(database.url);

    const docker = (options.images || options.container) && (await dockerAvailable());
    if ((options.images || options.container) && !docker)
      log('no Docker engine answers: images and containers are not measured');

    // Next.js's bare server needs a `next build`: made before anything is measured, so that
    // it loads no measurement. Without it, Next.js is measured without its bare framework.
    let nextBareProblem: string | undefined;
    if (options.apps.includes('nextjs')) {
      try {
        await ensureNextBareBuild(nextBareProject(PACKAGE_DIR), log);
      } catch (err) {
        nextBareProblem = `bare framework not measured: ${(err as Error).message}`;
        log(nextBareProblem);
      }
    }

    const servers = join(PACKAGE_DIR, 'servers');
    const bareNode = await startServer({
      name: 'bare node:http',
      args: [join(servers, 'bare.mjs'), 'node'],
      cwd: PACKAGE_DIR,
      env: {},
      readyPath: '/healthz',
    });
    cleanups.push(() => bareNode.stop());
    const baseline = await startServer({
      name: 'baseline',
      args: [join(servers, 'baseline.mjs')],
      cwd: PACKAGE_DIR,
      env: { DATABASE_URL: database.url },
    });
    cleanups.push(() => baseline.stop());
    const plain = {};
    await warmUp(`${bareNode.url}/healthz`, plain);
    await warmUp(`${baseline.url}/api/media`, plain);
    await warmUp(`${baseline.url}/`, plain);

    const bareNodeSamples = new LoadSamples();
    const baselineMedia = new LoadSamples();
    const baselinePage = new LoadSamples();
    const versions: Record<string, string> = { node: process.versions.node };
    const results: AppResult[] = [];

    for (const app of options.apps) {
      const appDir = join(REPO_ROOT, 'apps', app);
      const problems: string[] = [];
      for (const name of FRAMEWORK_PACKAGES[app]) {
        versions[name] = installedVersion(appDir, name);
        // The bare servers load the framework from this package: it must be the app's.
        const bareVersion = installedVersion(PACKAGE_DIR, name);
        if (bareVersion !== versions[name]) {
          problems.push(
            `the bare framework runs ${name} ${bareVersion}, the app ${versions[name]}: pin them alike`,
          );
        }
      }
      log(`${app}: start-up (${options.startRuns} starts)`);
      const result: AppResult = {
        app,
        healthz: new LoadSamples().toLoad(),
        media: new LoadSamples().toLoad(),
        page: new LoadSamples().toLoad(),
        startMs: undefined,
        idleRssMB: undefined,
        peakRssMB: undefined,
        uploads: [],
        problems,
      };
      results.push(result);
      const env = appEnv(database.url, fileDsn);
      const spec = { name: app, args: ['dist/server.js'], cwd: appDir, env };
      let server: Server | undefined;
      let bare: Server | undefined;
      try {
        const starts: number[] = [];
        const idle: number[] = [];
        for (let i = 0; i < options.startRuns; i++) {
          const started = await startServer(spec);
          starts.push(started.readyMs);
          // Idle: a second after the start, before any load.
          await new Promise((r) => setTimeout(r, 1000));
          idle.push(started.rssMB() ?? Number.NaN);
          if (i < options.startRuns - 1) await started.stop();
          else server = started;
        }
        result.startMs = summarise(starts);
        result.idleRssMB = summarise(idle);
        if (!server) throw new Error('no start-up run');

        if (app === 'nextjs' && nextBareProblem) problems.push(nextBareProblem);
        else {
          // A bare server that does not start costs the ratio, not the app's own figures.
          try {
            const framework = BARE_FRAMEWORK[app];
            bare = await startServer(bareSpec(framework));
            result.bareStartMs = bare.readyMs;
            await new Promise((r) => setTimeout(r, 1000));
            result.bareIdleRssMB = bare.rssMB();
            const warmUpRequests = framework === 'next' ? NEXT_BARE_WARM_UP_REQUESTS : undefined;
            await warmUp(`${bare.url}/healthz`, plain, warmUpRequests);
          } catch (err) {
            problems.push(`bare framework not measured: ${(err as Error).message}`);
            log(`${app}: bare framework not measured: ${(err as Error).message}`);
          }
        }
        for (const path of ['/healthz', '/api/media', '/']) await warmUp(`${server.url}${path}`);

        const bareSamples = new LoadSamples();
        const healthz = new LoadSamples();
        const media = new LoadSamples();
        const page = new LoadSamples();
        for (let run = 1; run <= options.runs; run++) {
          log(`${app}: load run ${run}/${options.runs}`);
          bareNodeSamples.add(await loadOnce(`${bareNode.url}/healthz`, options, plain));
          if (bare) bareSamples.add(await loadOnce(`${bare.url}/healthz`, options, plain));
          healthz.add(await loadOnce(`${server.url}/healthz`, options));
          baselineMedia.add(await loadOnce(`${baseline.url}/api/media`, options, plain));
          media.add(await loadOnce(`${server.url}/api/media`, options));
          baselinePage.add(await loadOnce(`${baseline.url}/`, options, plain));
          page.add(await loadOnce(`${server.url}/`, options));
        }
        if (bare) result.bareFramework = bareSamples.toLoad();
        result.healthz = healthz.toLoad();
        result.media = media.toLoad();
        result.page = page.toLoad();
        result.peakRssMB = summarise([server.peakRssMB() ?? Number.NaN]);
      } catch (err) {
        problems.push((err as Error).message);
        log(`${app}: ${(err as Error).message}`);
      } finally {
        await bare?.stop();
        await server?.stop();
      }
      if (options.images) {
        if (docker) {
          log(`${app}: image build, cold and warm`);
          result.image = await measureImage(REPO_ROOT, app);
        } else problems.push('images not measured: no Docker engine answers');
      }
      if (options.container) {
        if (docker) {
          try {
            const starts: number[] = [];
            for (let i = 0; i < Math.min(3, options.startRuns); i++) {
              log(`${app}: container start ${i + 1}`);
              starts.push(await containerStartMs(app, env));
            }
            result.containerStartMs = summarise(starts);
          } catch (err) {
            problems.push(`container start not measured: ${(err as Error).message}`);
          }
        } else problems.push('container start not measured: no Docker engine answers');
      }
      if (options.uploadMiB > 0) {
        result.uploads = await measureUploads(app, appDir, database.url, scratch.path, options);
      }
    }

    return {
      date,
      command: options.command,
      machine,
      versions,
      settings: {
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        runs: options.runs,
        uploadMiB: options.uploadMiB,
        uploadRuns: options.uploadRuns,
      },
      bareNode: bareNodeSamples.toLoad(),
      baseline: { media: baselineMedia.toLoad(), page: baselinePage.toLoad() },
      apps: results,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => {});
    }
  }
}

/** Per backend: a fresh server (so its memory high-water mark is the upload's), one upload per run. */
async function measureUploads(
  app: AppName,
  appDir: string,
  databaseUrl: string,
  scratch: string,
  options: RunOptions,
): Promise<UploadResult[]> {
  const results: UploadResult[] = [];
  const bytes = options.uploadMiB * 1024 * 1024;
  for (const backend of options.uploadBackends) {
    const base = { backend, mib: options.uploadMiB, mibPerSecond: undefined, peakRssMB: undefined };
    const stops: (() => Promise<void>)[] = [];
    try {
      let dsn: string;
      if (backend === 'file') dsn = `file://${join(scratch, `upload-${app}`)}/?url=%2Fmedia%2F`;
      else if (backend === 's3') {
        const s3 = await startS3rver({ buckets: ['media'] });
        stops.push(() => s3.stop());
        dsn = s3.dsn('media');
      } else {
        const azurite = await startAzurite({ containers: ['media'] });
        stops.push(() => azurite.stop());
        dsn = azurite.dsn('media');
      }
      const speeds: number[] = [];
      const peaks: number[] = [];
      for (let run = 0; run < options.uploadRuns; run++) {
        options.log(
          `${app}: upload of ${options.uploadMiB} MiB to ${backend}, run ${run + 1}/${options.uploadRuns}`,
        );
        // The limit must let the body through: one byte more than the file plus its framing.
        const server = await startServer({
          name: app,
          args: ['dist/server.js'],
          cwd: appDir,
          env: appEnv(databaseUrl, dsn, bytes + 1024 * 1024),
        });
        try {
          const seconds = await uploadOnce(server.url, options.uploadMiB);
          speeds.push(options.uploadMiB / seconds);
          peaks.push(server.peakRssMB() ?? Number.NaN);
        } finally {
          await server.stop();
        }
      }
      results.push({ ...base, mibPerSecond: summarise(speeds), peakRssMB: summarise(peaks) });
    } catch (err) {
      results.push({ ...base, skipped: (err as Error).message.slice(0, 200) });
    } finally {
      for (const stop of stops.reverse()) await stop().catch(() => {});
    }
  }
  return results;
}

export { APPS };
