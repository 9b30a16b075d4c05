// The optional Docker measurements: each app's image built from its own Dockerfile with a
// cold and a warm layer cache, its size against the base image, and the container's start
// to the first 200 from /readyz. Through the docker CLI, as the compose harness uses it.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@divio-samples/test-support';
import type { AppName, ImageResult } from './report.js';

const run = promisify(execFile);

/** Tag of the image the suite builds for `app` (and the container measurement runs). */
export const benchImageTag = (app: AppName) => `divio-samples-bench/${app}:latest`;

/** Whether the Docker engine answers. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await run('docker', ['info'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

async function imageSizeMB(tag: string): Promise<number | undefined> {
  try {
    const { stdout } = await run('docker', ['image', 'inspect', '-f', '{{.Size}}', tag]);
    return Number(stdout.trim()) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * The Node base image: NODE_IMAGE when set, else the local stand-in when it exists (machines
 * that cannot pull), else the Dockerfiles' own default.
 */
export async function nodeBaseImage(): Promise<string> {
  if (process.env.NODE_IMAGE) return process.env.NODE_IMAGE;
  const standIn = 'divio-samples-local/node:24-bookworm-slim';
  return (await imageSizeMB(standIn)) === undefined ? 'node:24-bookworm-slim' : standIn;
}

async function timedBuild(
  repoRoot: string,
  app: AppName,
  base: string,
  cold: boolean,
): Promise<number> {
  const started = performance.now();
  await run(
    'docker',
    [
      'build',
      ...(cold ? ['--no-cache'] : []),
      '--build-arg',
      `NODE_IMAGE=${base}`,
      '-f',
      join('apps', app, 'Dockerfile'),
      '-t',
      benchImageTag(app),
      '.',
    ],
    { cwd: repoRoot, timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return (performance.now() - started) / 1000;
}

/** Builds cold (--no-cache), then again warm, and compares the size with the base image. */
export async function measureImage(repoRoot: string, app: AppName): Promise<ImageResult> {
  const tag = benchImageTag(app);
  const baseImage = await nodeBaseImage();
  const baseSizeMB = (await imageSizeMB(baseImage)) ?? Number.NaN;
  if (!existsSync(join(repoRoot, 'apps', app, 'Dockerfile'))) {
    return { tag, sizeMB: Number.NaN, baseImage, baseSizeMB, skipped: 'no Dockerfile' };
  }
  try {
    const coldBuildSeconds = await timedBuild(repoRoot, app, baseImage, true);
    const warmBuildSeconds = await timedBuild(repoRoot, app, baseImage, false);
    return {
      tag,
      sizeMB: (await imageSizeMB(tag)) ?? Number.NaN,
      baseImage,
      baseSizeMB,
      coldBuildSeconds,
      warmBuildSeconds,
    };
  } catch (err) {
    const message = (err as Error).message.split('\n').slice(-3).join(' ');
    return {
      tag,
      sizeMB: Number.NaN,
      baseImage,
      baseSizeMB,
      skipped: `build failed: ${message.slice(0, 200)}`,
    };
  }
}

/**
 * `docker run` of the app's bench image to the first 200 from /readyz, in ms. The container
 * shares the host's network (so the database on 127.0.0.1 is reachable, as from the built
 * server) and listens on a free PORT; storage is a directory inside it.
 */
export async function containerStartMs(app: AppName, env: Record<string, string>): Promise<number> {
  const tag = benchImageTag(app);
  if ((await imageSizeMB(tag)) === undefined)
    throw new Error(`no image ${tag} (build it with --images)`);
  const port = await freePort();
  const name = `divio-samples-bench-${app}-${port}`;
  const envArgs = Object.entries({
    ...env,
    PORT: String(port),
    DEFAULT_STORAGE_DSN: 'file:///tmp/media/?url=%2Fmedia%2F',
  }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  const started = performance.now();
  const child = spawn(
    'docker',
    ['run', '--rm', '--name', name, '--network', 'host', ...envArgs, tag],
    {
      stdio: 'ignore',
    },
  );
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  try {
    const deadline = started + 120_000;
    while (performance.now() < deadline && !exited) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
          signal: AbortSignal.timeout(2000),
        });
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(
      `the ${app} container did not answer 200 on /readyz${exited ? ' (it exited)' : ''}`,
    );
  } finally {
    await run('docker', ['rm', '-f', name]).catch(() => {});
  }
}
