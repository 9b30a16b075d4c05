// Next.js's bare hello world (servers/next-bare: one route handler) needs a production build,
// unlike the other frameworks' few lines in servers/bare.mjs. The suite makes it here, with
// the same `next` as apps/nextjs (both pinned alike), when the build is missing or stale, and
// starts it as Next's documentation does: `next start`, NODE_ENV=production.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { ServerSpec } from './process.js';

const require = createRequire(import.meta.url);

/** The bare project's sources, what its build depends on and the `next` that builds it. */
export interface NextBareProject {
  dir: string;
  nextBin: string;
}

export function nextBareProject(packageDir: string): NextBareProject {
  return {
    dir: join(packageDir, 'servers', 'next-bare'),
    nextBin: require.resolve('next/dist/bin/next'),
  };
}

function sourceFiles(dir: string, root = dir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path, root));
    else files.push(relative(root, path));
  }
  return files.sort();
}

function installedVersion(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * What the build is made of: every source file (path and content) and the versions of next,
 * react and react-dom. A build whose stamp differs is stale.
 */
export function buildStamp(project: NextBareProject): string {
  const hash = createHash('sha256');
  for (const name of ['next', 'react', 'react-dom'])
    hash.update(`${name}@${installedVersion(name)}\n`);
  for (const file of sourceFiles(project.dir)) {
    hash.update(`${file}\n`);
    hash.update(readFileSync(join(project.dir, file)));
  }
  return hash.digest('hex');
}

/** Written into .next after a build (`next build` empties .next first). */
const STAMP_FILE = 'bench-build-stamp';

/** Why the build must be (re)made, or undefined when it is up to date. */
export function buildNeeded(project: NextBareProject): string | undefined {
  const distDir = join(project.dir, '.next');
  if (!existsSync(join(distDir, 'BUILD_ID'))) return 'no build yet';
  let stamp: string;
  try {
    stamp = readFileSync(join(distDir, STAMP_FILE), 'utf8').trim();
  } catch {
    return 'build not made by the suite';
  }
  return stamp === buildStamp(project) ? undefined : 'sources or versions changed';
}

/** Builds the bare project when it is missing or stale; says what it does through `log`. */
export async function ensureNextBareBuild(
  project: NextBareProject,
  log: (line: string) => void,
): Promise<void> {
  const reason = buildNeeded(project);
  if (!reason) {
    log('bare Next.js: build up to date (servers/next-bare/.next)');
    return;
  }
  log(`bare Next.js: next build in servers/next-bare (${reason}); this takes a while`);
  const started = performance.now();
  const child = spawn(process.execPath, [project.nextBin, 'build'], {
    cwd: project.dir,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    throw new Error(`next build of servers/next-bare failed (exit ${code}): ${output.trim()}`);
  }
  writeFileSync(join(project.dir, '.next', STAMP_FILE), `${buildStamp(project)}\n`);
  log(`bare Next.js: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Requests that warm the bare Next.js server up, instead of the 300 that warm the others:
 * Next's request path is large and its JIT warm-up takes thousands of requests (on a busy
 * 2-core machine, about 250 req/s after 300 requests, about 1300 after 3000).
 */
export const NEXT_BARE_WARM_UP_REQUESTS = 3000;

/** `next start` of the bare build on 127.0.0.1 and the PORT startServer gives it. */
export function nextBareSpec(project: NextBareProject): ServerSpec {
  return {
    name: 'bare next',
    args: [project.nextBin, 'start', '--hostname', '127.0.0.1'],
    cwd: project.dir,
    env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    readyPath: '/healthz',
  };
}
