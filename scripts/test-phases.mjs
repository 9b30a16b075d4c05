// Extra phases of `npm test` (scripts/test.mjs runs them after build, typecheck and unit
// tests): the compose matrix, where a Docker engine is reachable.
//
// Every app is first run with `--coverage minimal` (each app with each database and each
// storage backend at least once). The rest of the full matrix (`--coverage complement`)
// follows when the time measured so far says it fits in the budget:
//   COMPOSE_MATRIX_BUDGET_SECONDS  seconds `npm test` may take in all (default 2700 = 45 min,
//                                  leaving CI room for its setup steps within its hour)
//   COMPOSE_MATRIX_COVERAGE        `minimal` or `full` to decide instead of measuring
//   COMPOSE_MATRIX_JOBS            cells at a time (default 2)
//   COMPOSE_MATRIX_IMAGES          `local` (default: stand-ins, no registry needed) or `official`
// Without an engine it says so plainly; under CI=true that is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib/workspace.mjs';

const harness = join(root, 'tooling', 'compose-harness', 'bin', 'compose-harness.js');

function engineReachable() {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return result.status === 0 && result.stdout.trim() !== '';
}

function runHarness(coverage, jsonFile) {
  const jobs = process.env.COMPOSE_MATRIX_JOBS || '2';
  const images = process.env.COMPOSE_MATRIX_IMAGES || 'local';
  const args = [harness, 'run', '--coverage', coverage, '--jobs', jobs, '--images', images];
  args.push('--json', jsonFile);
  console.log(`> compose-harness ${args.slice(1).join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  let summary;
  if (existsSync(jsonFile)) summary = JSON.parse(readFileSync(jsonFile, 'utf8'));
  return { status: result.status ?? 1, summary };
}

function composeMatrix({ ci }) {
  if (!engineReachable()) {
    const line = 'compose matrix: SKIPPED (no Docker engine reachable)';
    console.log(line);
    if (ci) console.log('compose matrix: under CI=true the matrix must run; start Docker first');
    process.once('exit', () => console.log(line));
    return ci ? 1 : 0;
  }
  const reports = join(root, '.harness');
  mkdirSync(reports, { recursive: true });
  const budget = Number(process.env.COMPOSE_MATRIX_BUDGET_SECONDS || 2700);
  const forced = process.env.COMPOSE_MATRIX_COVERAGE;
  if (forced && forced !== 'minimal' && forced !== 'full') {
    console.log(`COMPOSE_MATRIX_COVERAGE=${forced}: use minimal or full`);
    return 1;
  }

  const first = runHarness(
    forced === 'full' ? 'full' : 'minimal',
    join(reports, 'matrix-first.json'),
  );
  const totals = { passed: first.summary?.passed ?? 0, failed: first.summary?.failed ?? 0 };
  let status = first.status;
  let coverage = forced === 'full' ? 'full' : 'minimal';

  if (!forced && first.status === 0 && first.summary && first.summary.cells.length > 0) {
    // Builds are cached by now; what the rest costs is about its cells' time at the
    // measured rate, plus a margin for the rebuild from the layer cache.
    const elapsed = process.uptime();
    const full = spawnSync(
      process.execPath,
      [harness, 'matrix', '--json', '--coverage', 'complement'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const remaining = full.status === 0 ? JSON.parse(full.stdout).include.length : 0;
    const perCell = first.summary.durationSeconds / first.summary.cells.length;
    const estimate = remaining * perCell + 120;
    const left = budget - elapsed;
    console.log(
      `compose matrix: minimal run took ${first.summary.durationSeconds}s for ${first.summary.cells.length} cells; ` +
        `the remaining ${remaining} cells need about ${Math.round(estimate)}s, ${Math.round(left)}s of the ${budget}s budget left`,
    );
    if (remaining > 0 && estimate < left) {
      const rest = runHarness('complement', join(reports, 'matrix-rest.json'));
      totals.passed += rest.summary?.passed ?? 0;
      totals.failed += rest.summary?.failed ?? 0;
      if (rest.status !== 0) status = rest.status;
      coverage = 'full';
    } else if (remaining > 0) {
      console.log(
        'compose matrix: the rest of the full matrix does not fit the budget; minimal coverage only',
      );
    } else {
      coverage = 'full';
    }
  }
  const line = `compose matrix: ${totals.passed} cells passed, ${totals.failed} failed (${coverage} coverage)`;
  console.log(line);
  // Repeated after scripts/test.mjs's final summary, so the last lines show every result.
  process.once('exit', () => console.log(line));
  return status;
}

export const phases = [['compose matrix', composeMatrix]];
