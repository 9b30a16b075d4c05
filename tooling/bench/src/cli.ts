#!/usr/bin/env node
// `pnpm bench`: runs the suite, prints the table, writes results/latest.json and renders
// docs/benchmarks.md and its chart from it. `--render` re-renders the page from the JSON alone.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderChartSvg, renderConsoleTable, renderMarkdown } from './render.js';
import { APPS, type AppName, type BenchReport, type UploadResult } from './report.js';
import { PACKAGE_DIR, REPO_ROOT, runBench } from './run.js';

const USAGE = `pnpm bench [options]

  --apps LIST            apps to measure, comma-separated (default: ${APPS.join(',')})
  --connections N        autocannon connections (default 50; the p99 target is stated at 50)
  --duration S           seconds per measurement (default 6)
  --runs N               runs of every measurement; the page shows the median and min-max (default 3)
  --start-runs N         starts per app for the start-up time and idle RSS (default 5)
  --upload-mib N         size of the upload per backend in MiB (default 200; 0 skips uploads)
  --upload-runs N        uploads per backend (default 1)
  --upload-backends LIST file,s3,azure (default: all three; the emulators start from npm)
  --images               also build each app's image with a cold and a warm cache, and compare
                         its size with the base image (slow: minutes per app; needs Docker)
  --container            also time docker run of that image to the first /readyz 200
  --out FILE             the JSON (default tooling/bench/results/latest.json)
  --page FILE            the page (default docs/benchmarks.md; the chart is written next to it)
  --render               only re-render the page and chart from the JSON
  --help`;

function positiveInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new Error(
      `--${name}: expected a ${allowZero ? 'non-negative' : 'positive'} whole number, got "${value}"`,
    );
  }
  return n;
}

function list<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] {
  if (value === undefined) return [...allowed];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new Error(`--${name}: unknown "${item}" (one of ${allowed.join(', ')})`);
  }
  return items as T[];
}

/**
 * Formats written files with the repository's formatter, so that the committed JSON and page
 * pass `biome ci` (its Markdown tables are padded, its JSON line breaks its own). Best effort:
 * a file outside the repository, or no biome, leaves the file as written.
 */
function formatWithBiome(files: string[]): void {
  try {
    execFileSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'biome'),
      ['format', '--write', ...files],
      {
        cwd: REPO_ROOT,
        stdio: 'ignore',
      },
    );
  } catch {
    // not formatted: see above
  }
}

function render(report: BenchReport, pagePath: string): void {
  const chartPath = join(dirname(pagePath), 'benchmarks-chart.svg');
  mkdirSync(dirname(pagePath), { recursive: true });
  const findings = readFileSync(join(PACKAGE_DIR, 'findings.md'), 'utf8');
  writeFileSync(chartPath, renderChartSvg(report));
  writeFileSync(
    pagePath,
    renderMarkdown({ report, findings, chartPath: relative(dirname(pagePath), chartPath) }),
  );
  formatWithBiome([pagePath, chartPath]);
  console.log(
    `wrote ${relative(process.cwd(), pagePath)} and ${relative(process.cwd(), chartPath)}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apps: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      runs: { type: 'string' },
      'start-runs': { type: 'string' },
      'upload-mib': { type: 'string' },
      'upload-runs': { type: 'string' },
      'upload-backends': { type: 'string' },
      out: { type: 'string' },
      page: { type: 'string' },
      render: { type: 'boolean' },
      images: { type: 'boolean' },
      container: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // Paths are taken from where the command was typed (INIT_CWD under pnpm).
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const out = values.out ? resolve(cwd, values.out) : join(PACKAGE_DIR, 'results', 'latest.json');
  const page = values.page ? resolve(cwd, values.page) : join(REPO_ROOT, 'docs', 'benchmarks.md');
  if (values.render) {
    render(JSON.parse(readFileSync(out, 'utf8')) as BenchReport, page);
    return;
  }
  const args = process.argv.slice(2);
  const report = await runBench({
    apps: list<AppName>('apps', values.apps, APPS),
    connections: positiveInteger('connections', values.connections, 50),
    durationSeconds: positiveInteger('duration', values.duration, 6),
    runs: positiveInteger('runs', values.runs, 3),
    startRuns: positiveInteger('start-runs', values['start-runs'], 5),
    uploadMiB: positiveInteger('upload-mib', values['upload-mib'], 200, true),
    uploadRuns: positiveInteger('upload-runs', values['upload-runs'], 1),
    uploadBackends: list<UploadResult['backend']>('upload-backends', values['upload-backends'], [
      'file',
      's3',
      'azure',
    ]),
    images: values.images === true,
    container: values.container === true,
    command: ['pnpm bench', ...args].join(' '),
    log: (line) => console.error(`[bench] ${line}`),
  });
  console.log(renderConsoleTable(report));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  formatWithBiome([out]);
  console.log(`wrote ${relative(process.cwd(), out)}`);
  render(report, page);
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
