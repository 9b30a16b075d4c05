// The exported repositories under the compose harness: each app is exported into a scratch
// directory, built from that directory's own root Dockerfile, booted with its own
// docker-compose.yml only (plus the harness's per-cell override: ports, environment,
// database engine) and held to the contract suite, one database x storage cell per app,
// spread so that both databases and all three storage backends are met. One export also runs
// its own `npm ci && npm test`, as a person who never used pnpm would.
//
//   node tooling/export-example/src/exports.ts [--app express,koa] [--images local|official]
//        [--jobs N] [--json FILE] [--keep]
//
// --jobs defaults to the compose harness's rule (a CPU and the memory for one cell each),
// at most 2: every cell builds its own image, and two builds already fill two cores.
//
// Needs a Docker engine and the workspace built (the harness and the contract suite run
// from their dist/). Prints the harness's summary table with `export-<app>` rows and the
// seconds one export + build + boot took per app.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type AppManifest,
  type Cell,
  type CellResult,
  type DatabaseKind,
  defaultJobs,
  detectCompose,
  imageVariables,
  loadManifest,
  renderMarkdown,
  renderTable,
  runMatrix,
  type StorageKind,
  summarize,
} from '@divio-samples/compose-harness';
import { contractEnv } from '@divio-samples/contract-tests';
import { planExport, writeExport } from './export.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The cell each exported app runs: different cells for different apps, so that together they
 * cover PostgreSQL and MariaDB, and the file, S3 and Azure backends.
 */
export const EXPORT_CELLS: Readonly<Record<string, [DatabaseKind, StorageKind]>> = {
  express: ['postgres', 'file'],
  koa: ['mysql', 's3'],
  fastify: ['postgres', 'azure'],
  hono: ['mysql', 'file'],
  nestjs: ['postgres', 's3'],
  nextjs: ['mysql', 'azure'],
};

/** The app whose export also runs `npm ci && npm test` inside. */
const NPM_TEST_APP = 'express';

/** A free port on 127.0.0.1 (the OS picks; handed out once per process). */
const handedOut = new Set<number>();
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((done, fail) => {
      const server = createServer();
      server.unref();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** The contract CLI of @divio-samples/contract-tests, run with this Node. */
function contractCommand(): string[] {
  const entry = fileURLToPath(import.meta.resolve('@divio-samples/contract-tests'));
  const bin = join(dirname(entry), '..', 'bin', 'contract-tests.js');
  if (!existsSync(bin))
    throw new Error(`the contract CLI ${bin} does not exist (build the workspace)`);
  return [process.execPath, bin];
}

function log(line: string): void {
  console.log(`[exports ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** `npm ci && npm test` in an exported repository; returns the seconds, throws on failure. */
function npmTest(dir: string): number {
  const started = Date.now();
  for (const args of [['ci', '--no-audit', '--no-fund'], ['test']]) {
    log(`${dir}: npm ${args.join(' ')}`);
    const result = spawnSync('npm', args, {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, CI: 'true' },
    });
    if (result.status !== 0)
      throw new Error(`npm ${args.join(' ')} failed in ${dir} (exit ${result.status})`);
  }
  return (Date.now() - started) / 1000;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      app: { type: 'string', multiple: true },
      images: { type: 'string', default: 'local' },
      jobs: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'skip-npm-test': { type: 'boolean', default: false },
    },
  });
  const apps = (values.app ?? Object.keys(EXPORT_CELLS))
    .flatMap((a) => a.split(','))
    .filter(Boolean);
  for (const app of apps) {
    if (!EXPORT_CELLS[app])
      throw new Error(`--app ${app}: exportable apps are ${Object.keys(EXPORT_CELLS).join(', ')}`);
  }
  const images = values.images === 'official' ? 'official' : 'local';
  const startedAt = new Date();
  const runId = `ex-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const workDir = join(root, '.harness', runId);
  mkdirSync(workDir, { recursive: true });
  const scratch = join(workDir, 'exports');

  if (images === 'local') {
    // The stand-ins (content-hash skip: a no-op when they are current).
    execFileSync('bash', [join(root, 'scripts', 'docker', 'build-standins.sh')], {
      stdio: 'inherit',
    });
  }

  // 1. Export every app, timed.
  const exportSeconds = new Map<string, number>();
  const cells: Cell[] = [];
  for (const app of apps) {
    const started = Date.now();
    const dir = join(scratch, app);
    writeExport(planExport(root, app), dir);
    exportSeconds.set(app, (Date.now() - started) / 1000);
    log(`exported ${app} to ${dir} in ${(exportSeconds.get(app) ?? 0).toFixed(1)}s`);
    const [database, storage] = EXPORT_CELLS[app] as [DatabaseKind, StorageKind];
    // The monorepo app's manifest (health paths, release command), pointed at the export.
    const manifest: AppManifest = {
      ...loadManifest(join(root, 'apps', app), root),
      name: `export-${app}`,
      dir,
    };
    cells.push({ app: manifest, database, storage, id: `export-${app}-${database}-${storage}` });
  }

  // 2. One export installs and tests itself with npm only.
  let npmSeconds: number | undefined;
  let npmError: string | undefined;
  if (!values['skip-npm-test'] && apps.includes(NPM_TEST_APP)) {
    try {
      npmSeconds = npmTest(join(scratch, NPM_TEST_APP));
    } catch (error) {
      npmError = (error as Error).message;
    }
  }

  // 3. The cells, through the harness (which gives each cell's web a free WEB_PORT).
  const cli = await detectCompose();
  const imageVars: Record<string, string> = imageVariables(images);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let results: CellResult[];
  try {
    results = await runMatrix(
      cells,
      {
        root,
        cli,
        runId,
        workDir,
        imageVars,
        mariadbImage: imageVars.MARIADB_IMAGE || 'mariadb:10.11',
        contractEnv: Object.fromEntries(
          Object.entries(contractEnv).map(([k, v]) => [k, String(v)]),
        ),
        contractCommand: contractCommand(),
        readyTimeoutMs: 180_000,
        signal: controller.signal,
        freePort,
        onPhase: (cell, phase) => log(`${cell.id.padEnd(36)} ${phase}`),
      },
      {
        jobs: Math.max(1, Number(values.jobs) || Math.min(2, defaultJobs())),
        keepImages: values.keep,
        onResult: (result) => {
          if (!result.ok)
            log(
              `${result.id}: FAILED (${result.failedStep}) ${result.error ?? ''}\n${result.logs ?? ''}`,
            );
        },
      },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const summary = summarize(results, {
    runId,
    compose: `${cli.display} ${cli.version}`,
    images,
    startedAt,
    finishedAt: new Date(),
  });
  console.log(`\n${renderTable(summary)}`);
  for (const result of results) {
    const app = result.app.replace(/^export-/, '');
    const total =
      (exportSeconds.get(app) ?? 0) + (result.buildSeconds ?? 0) + (result.readySeconds ?? 0);
    console.log(
      `export + build + boot, ${app}: ${total.toFixed(1)}s (export ${(exportSeconds.get(app) ?? 0).toFixed(1)}s, image build ${(result.buildSeconds ?? 0).toFixed(1)}s, start to ready ${(result.readySeconds ?? 0).toFixed(1)}s)`,
    );
  }
  if (npmSeconds !== undefined)
    console.log(
      `npm ci && npm test in the ${NPM_TEST_APP} export: passed in ${npmSeconds.toFixed(1)}s`,
    );
  if (npmError)
    console.log(`npm ci && npm test in the ${NPM_TEST_APP} export: FAILED: ${npmError}`);
  writeFileSync(join(workDir, 'summary.md'), renderMarkdown(summary));
  if (values.json)
    writeFileSync(
      resolve(values.json),
      `${JSON.stringify({ ...summary, npmSeconds, npmError }, null, 2)}\n`,
    );
  if (values.markdown) writeFileSync(resolve(values.markdown), renderMarkdown(summary));
  if (!values.keep) rmSync(scratch, { recursive: true, force: true });
  const failed = summary.failed + (npmError ? 1 : 0);
  console.log(
    `exported repositories: ${summary.passed} cells passed, ${summary.failed} failed${npmError ? '; npm test failed' : ''}`,
  );
  if (controller.signal.aborted) return 130;
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(`exports: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
