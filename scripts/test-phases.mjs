// Extra phases of `npm test` (scripts/test.mjs runs them after build, typecheck and unit
// tests): `npm start` on the oldest Node the `engines` field admits (under CI), then the
// compose matrix, where a Docker engine is reachable.
//
// The oldest Node: `engines.node` in the root package.json (`>=22.14` means 22.14.0) is a
// promise to a newcomer that `npm start` works there. Under CI=true (or OLDEST_NODE_CHECK=1)
// that exact Node is fetched (scripts/lib/node-binary.mjs), a copy of the working tree gets
// its own install on it, as a newcomer's clone would, and the Express app's start tests run
// there: `npm start` from scratch, migrations, the first upload.
//
// Every app is first run with `--coverage minimal` (each app with each database and each
// storage backend at least once). The rest of the full matrix (`--coverage complement`) is
// the last phase of all, run when the time measured so far says it fits in the budget:
//   COMPOSE_MATRIX_BUDGET_SECONDS  seconds `npm test` may take in all (default 2700 = 45 min,
//                                  leaving CI room for its setup steps within its hour)
//   COMPOSE_MATRIX_COVERAGE        `minimal` or `full` to decide instead of measuring
//   COMPOSE_MATRIX_JOBS            cells at a time (default: the harness's, one per CPU,
//                                  fewer when free memory is short)
//   COMPOSE_MATRIX_SERVICES        `shared` (default: one database server and emulator per
//                                  run, a database and bucket per cell) or `per-cell`
//   COMPOSE_MATRIX_IMAGES          `local` (default: stand-ins, no registry needed) or `official`
// Without an engine it says so plainly; under CI=true that is a failure.
//
// After the matrix, every app once more the way Divio's CLI runs it (`compose-harness
// divio-up`): its docker-compose.yml alone, `up -d`, `port web 80`, an upload that must land
// under ./data. The matrix has just built each image, so the builds come from the layer cache.
// COMPOSE_MATRIX_IMAGES chooses its images too.
// Without an engine: SKIPPED, a failure under CI=true.
// After the matrix, the compose fault scenarios (`compose-harness faults`: no secret in any
// image layer, the contract on a read-only root filesystem, replicas behind a proxy with one
// stopped under load). The first app gets every scenario; the other apps get every scenario
// when the seconds the first one took, times the apps left, fit in what is left of the
// budget, else the cheap secrets scan only. Image builds come from the layer cache the
// matrix filled.
//   COMPOSE_FAULTS_APPS       apps that get every scenario whatever the budget (comma list or
//                             `all`; default: the first app, then the budget decides)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ensureNodeBinary } from './lib/node-binary.mjs';
import { oldestNode, pnpm, root } from './lib/workspace.mjs';
import { exportedRepositories } from './test-exports.mjs';

const harness = join(root, 'tooling', 'compose-harness', 'bin', 'compose-harness.js');

function engineReachable() {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return result.status === 0 && result.stdout.trim() !== '';
}

function runHarness(coverage, jsonFile) {
  const images = process.env.COMPOSE_MATRIX_IMAGES || 'local';
  const args = [harness, 'run', '--coverage', coverage, '--images', images];
  if (process.env.COMPOSE_MATRIX_JOBS) args.push('--jobs', process.env.COMPOSE_MATRIX_JOBS);
  if (process.env.COMPOSE_MATRIX_SERVICES)
    args.push('--services', process.env.COMPOSE_MATRIX_SERVICES);
  args.push('--json', jsonFile);
  console.log(`> compose-harness ${args.slice(1).join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  let summary;
  if (existsSync(jsonFile)) summary = JSON.parse(readFileSync(jsonFile, 'utf8'));
  return { status: result.status ?? 1, summary };
}

// What the first matrix run measured, for the last phase (the rest of the full matrix).
const matrix = { first: undefined, totals: { passed: 0, failed: 0 }, coverage: 'minimal' };

function matrixLine() {
  return `compose matrix: ${matrix.totals.passed} cells passed, ${matrix.totals.failed} failed (${matrix.coverage} coverage)`;
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
  const forced = process.env.COMPOSE_MATRIX_COVERAGE;
  if (forced && forced !== 'minimal' && forced !== 'full') {
    console.log(`COMPOSE_MATRIX_COVERAGE=${forced}: use minimal or full`);
    return 1;
  }
  matrix.coverage = forced === 'full' ? 'full' : 'minimal';
  const first = runHarness(matrix.coverage, join(reports, 'matrix-first.json'));
  matrix.first = first;
  matrix.totals = { passed: first.summary?.passed ?? 0, failed: first.summary?.failed ?? 0 };
  console.log(matrixLine());
  // Repeated after scripts/test.mjs's final summary, so the last lines show every result
  // (with the rest of the matrix, when the last phase ran it).
  process.once('exit', () => console.log(matrixLine()));
  return first.status;
}

// The last phase, so that it is the one that gives way when time is short: every other phase
// has run when it measures what is left of the budget.
function composeMatrixRest() {
  const first = matrix.first;
  if (process.env.COMPOSE_MATRIX_COVERAGE || !first || first.status !== 0) {
    console.log(
      'compose matrix, the rest: nothing to do (forced coverage, or no minimal run that passed)',
    );
    return 0;
  }
  if (!first.summary || first.summary.cells.length === 0) return 0;
  const budget = Number(process.env.COMPOSE_MATRIX_BUDGET_SECONDS || 2700);
  const plan = spawnSync(
    process.execPath,
    [harness, 'matrix', '--json', '--coverage', 'complement'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const remaining = plan.status === 0 ? JSON.parse(plan.stdout).include.length : 0;
  if (remaining === 0) {
    matrix.coverage = 'full';
    return 0;
  }
  // Builds are cached by now; what the rest costs is about its cells' time at the rate the
  // minimal run measured (builds included, so on the safe side), plus a margin.
  const perCell = first.summary.durationSeconds / first.summary.cells.length;
  const estimate = remaining * perCell + 120;
  const left = budget - process.uptime();
  console.log(
    `compose matrix: minimal run took ${first.summary.durationSeconds}s for ${first.summary.cells.length} cells; ` +
      `the remaining ${remaining} cells need about ${Math.round(estimate)}s, ${Math.round(left)}s of the ${budget}s budget left`,
  );
  if (estimate >= left) {
    console.log(
      'compose matrix: the rest of the full matrix does not fit the budget; minimal coverage only',
    );
    return 0;
  }
  const rest = runHarness('complement', join(root, '.harness', 'matrix-rest.json'));
  matrix.totals.passed += rest.summary?.passed ?? 0;
  matrix.totals.failed += rest.summary?.failed ?? 0;
  if (rest.status === 0) matrix.coverage = 'full';
  console.log(matrixLine());
  return rest.status;
}

function runFaults(apps, scenarios, jsonFile) {
  const images = process.env.COMPOSE_MATRIX_IMAGES || 'local';
  const args = [harness, 'faults', '--images', images, '--json', jsonFile];
  for (const app of apps) args.push('--app', app);
  args.push('--scenario', scenarios.join(','));
  console.log(`> compose-harness ${args.slice(1).join(' ')}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const report = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : undefined;
  return {
    status: result.status ?? 1,
    results: report?.results ?? [],
    seconds: (Date.now() - started) / 1000,
  };
}

function composeFaults({ ci }) {
  if (!engineReachable()) {
    const line = 'compose faults: SKIPPED (no Docker engine reachable)';
    console.log(line);
    if (ci)
      console.log('compose faults: under CI=true the fault scenarios must run; start Docker first');
    process.once('exit', () => console.log(line));
    return ci ? 1 : 0;
  }
  const reports = join(root, '.harness');
  mkdirSync(reports, { recursive: true });
  const listed = spawnSync(process.execPath, [harness, 'matrix', '--coverage', 'minimal'], {
    cwd: root,
    encoding: 'utf8',
  });
  // `matrix` prints one `app · db · storage` line per cell: the apps, in order.
  const apps = [
    ...new Set(
      listed.stdout
        .split('\n')
        .map((line) => line.split(' ')[0])
        .filter(Boolean),
    ),
  ];
  if (listed.status !== 0 || apps.length === 0) {
    console.log(`compose faults: cannot list the apps: ${listed.stderr}`);
    return 1;
  }
  const all = ['secrets', 'read-only', 'replicas'];
  const wanted = (process.env.COMPOSE_FAULTS_APPS || '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const full = wanted.includes('all')
    ? apps
    : wanted.length > 0
      ? apps.filter((a) => wanted.includes(a))
      : apps.slice(0, 1);
  const runs = [runFaults(full, all, join(reports, 'faults-first.json'))];
  const rest = apps.filter((a) => !full.includes(a));
  if (rest.length > 0) {
    const budget = Number(process.env.COMPOSE_MATRIX_BUDGET_SECONDS || 2700);
    const perApp = runs[0].seconds / full.length;
    const left = budget - process.uptime();
    const fits = wanted.length === 0 && rest.length * perApp + 60 < left;
    console.log(
      `compose faults: ${full.length} app(s) took ${Math.round(runs[0].seconds)}s for every scenario; ` +
        `the other ${rest.length} need about ${Math.round(rest.length * perApp)}s, ${Math.round(left)}s of the ${budget}s budget left: ` +
        (fits ? 'every scenario' : 'the secrets scan only'),
    );
    runs.push(runFaults(rest, fits ? all : ['secrets'], join(reports, 'faults-rest.json')));
  }
  const results = runs.flatMap((run) => run.results);
  // One table over both runs: a row per app and scenario.
  const rows = results.map((r) => [
    r.app,
    r.scenario,
    r.ok ? 'ok' : 'FAILED',
    `${Math.round(r.seconds)}s`,
    r.ok ? r.detail : `${r.detail ? `${r.detail}; ` : ''}${String(r.error ?? '').split('\n')[0]}`,
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length), 8));
  console.log('\ncompose faults summary:');
  for (const row of rows) {
    console.log(`  ${row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell)).join('  ')}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  const line = `compose faults: ${results.length - failed} passed, ${failed} failed (${results.length} app x scenario rows)`;
  console.log(line);
  process.once('exit', () => console.log(line));
  return runs.find((run) => run.status !== 0)?.status ?? 0;
}

/** Tracked and untracked files of the working tree (.gitignore honoured) into `target`. */
function copyWorkingTree(target) {
  const listed = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0')) {
    if (file === '' || !existsSync(join(root, file))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file), { verbatimSymlinks: true });
  }
}

function startOnOldestNode({ ci }) {
  const version = oldestNode();
  const label = `npm start on Node ${version}`;
  if (!ci && process.env.OLDEST_NODE_CHECK !== '1') {
    console.log(`${label}: not run outside CI (OLDEST_NODE_CHECK=1 runs it)`);
    return 0;
  }
  let home;
  try {
    home = ensureNodeBinary(version);
  } catch (err) {
    console.log(`${label}: cannot get that Node: ${err instanceof Error ? err.message : err}`);
    return 1;
  }
  const copy = mkdtempSync(join(tmpdir(), `oldest-node-${version}-`));
  try {
    copyWorkingTree(copy);
    // That Node first on PATH runs pnpm, turbo, vitest and the app.
    const env = {
      ...process.env,
      PATH: `${join(home, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
    };
    console.log(`> ${label}, in a copy of the working tree (${copy})`);
    // Installed as `npm start` installs (scripts/lib/workspace.mjs), on that Node.
    const installed = spawnSync(
      join(home, 'bin', 'node'),
      [
        '--input-type=module',
        '-e',
        "import { ensureInstalled } from './scripts/lib/workspace.mjs'; ensureInstalled();",
      ],
      { cwd: copy, env, stdio: 'inherit' },
    );
    let status = installed.status ?? 1;
    if (status === 0) {
      status = pnpm(
        [
          'exec',
          'turbo',
          'run',
          'test',
          '--filter=@divio-samples/express',
          '--output-logs=errors-only',
          '--',
          'test/start.test.ts',
        ],
        { cwd: copy, env },
      );
    }
    const report = join(copy, 'apps', 'express', '.reports', 'vitest.json');
    if (existsSync(report)) {
      const json = JSON.parse(readFileSync(report, 'utf8'));
      const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
      const line = `${label}: ${json.numPassedTests ?? 0} passed, ${json.numFailedTests ?? 0} failed, ${skipped} skipped`;
      console.log(line);
      if (ci && skipped > 0) status ||= 1;
    } else if (status === 0) {
      console.log(`${label}: no test report written`);
      status = 1;
    }
    return status;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function divioUp({ ci }) {
  if (!engineReachable()) {
    const line = "compose under Divio's CLI: SKIPPED (no Docker engine reachable)";
    console.log(line);
    if (ci) console.log("compose under Divio's CLI: under CI=true it must run; start Docker first");
    process.once('exit', () => console.log(line));
    return ci ? 1 : 0;
  }
  const images = process.env.COMPOSE_MATRIX_IMAGES || 'local';
  const reports = join(root, '.harness');
  mkdirSync(reports, { recursive: true });
  const jsonFile = join(reports, 'divio-up.json');
  const args = [harness, 'divio-up', '--images', images, '--json', jsonFile];
  console.log(`> compose-harness ${args.slice(1).join(' ')}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const results = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : [];
  const passed = results.filter((r) => r.ok).length;
  const line = `compose under Divio's CLI (-f docker-compose.yml only): ${passed} apps passed, ${results.length - passed} failed`;
  console.log(line);
  process.once('exit', () => console.log(line));
  return result.status ?? 1;
}

export const phases = [
  ['npm start on the oldest supported Node', startOnOldestNode],
  ['exported repositories', exportedRepositories],
  ['compose matrix', composeMatrix],
  ["compose under Divio's CLI", divioUp],
  ['compose faults', composeFaults],
  ['compose matrix, the rest (when the budget allows)', composeMatrixRest],
];
