// A phase of `npm test` (scripts/test-phases.mjs): the exported repositories. Every app is
// exported (`pnpm export-example`) into a scratch directory, built from that directory's own
// Dockerfile, booted with its own docker-compose.yml and held to the contract suite, one
// cell per app; the Express export also runs its own `npm ci && npm test`
// (tooling/export-example/src/exports.ts). It runs before the compose matrix, whose budget
// logic then counts the time it took.
//   COMPOSE_MATRIX_IMAGES `local` (default: stand-ins) or `official`, as for the matrix
//   COMPOSE_EXPORTS_JOBS  cells at a time (default: 2 where the machine has 2 CPUs and the
//                         memory for two cells, else 1; see exportJobs)
// Without a Docker engine it says so plainly; under CI=true that is a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { join } from 'node:path';
import { root } from './lib/workspace.mjs';

function engineReachable() {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return result.status === 0 && result.stdout.trim() !== '';
}

const GIB = 1024 ** 3;

/**
 * Two export cells at a time where the machine allows it (the compose harness's rule for
 * jobs: a CPU and 1.5 GiB of free memory per cell, 1 GiB kept back), never more: each cell
 * builds its own image, and two builds already fill two cores. The cells share nothing
 * (own project, ports, scratch directory, database), so two at a time is as safe as one.
 */
export function exportJobs(
  env = process.env,
  machine = { cpus: availableParallelism(), freeBytes: freemem() },
) {
  const forced = Number(env.COMPOSE_EXPORTS_JOBS);
  if (Number.isInteger(forced) && forced >= 1) return forced;
  const byMemory = Math.floor((machine.freeBytes - GIB) / (1.5 * GIB));
  return Math.max(1, Math.min(2, machine.cpus, byMemory));
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
    '--jobs',
    String(exportJobs()),
    '--images',
    process.env.COMPOSE_MATRIX_IMAGES || 'local',
    '--json',
    join(reports, 'exports.json'),
  ];
  const started = Date.now();
  console.log(`> node ${args.join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const status = result.status ?? 1;
  const line = `exported repositories: ${status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)}s`;
  process.once('exit', () => console.log(line));
  return status;
}
