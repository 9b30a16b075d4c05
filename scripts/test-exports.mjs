// A phase of `npm test` (scripts/test-phases.mjs): the exported repositories. Every app is
// exported (`pnpm export-example`) into a scratch directory, built from that directory's own
// Dockerfile, booted with its own docker-compose.yml and held to the contract suite, one
// cell per app; the Express export also runs its own `npm ci && npm test`
// (tooling/export-example/src/exports.ts). It runs before the compose matrix, whose budget
// logic then counts the time it took.
//   COMPOSE_MATRIX_IMAGES `local` (default: stand-ins) or `official`, as for the matrix
//   COMPOSE_EXPORTS_JOBS  cells at a time (default: the exports tool's, the compose
//                         harness's jobs rule capped at 2)
// Without a Docker engine it says so plainly; under CI=true that is a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib/workspace.mjs';

function engineReachable() {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return result.status === 0 && result.stdout.trim() !== '';
}

export function exportedRepositories({ ci }) {
  if (!engineReachable()) {
    const line = 'exported repositories: SKIPPED (no Docker engine reachable)';
    console.log(line);
    process.once('exit', () => console.log(line));
    return ci ? 1 : 0;
  }
  const reports = join(root, '.harness');
  mkdirSync(reports, { recursive: true });
  const args = [
    join(root, 'tooling', 'export-example', 'src', 'exports.ts'),
    '--images',
    process.env.COMPOSE_MATRIX_IMAGES || 'local',
    '--json',
    join(reports, 'exports.json'),
  ];
  if (process.env.COMPOSE_EXPORTS_JOBS) args.push('--jobs', process.env.COMPOSE_EXPORTS_JOBS);
  const started = Date.now();
  console.log(`> node ${args.join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const status = result.status ?? 1;
  const line = `exported repositories: ${status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)}s`;
  process.once('exit', () => console.log(line));
  return status;
}
