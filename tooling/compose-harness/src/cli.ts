// compose-harness: build and boot every sample app with docker compose and run the shared
// contract suite against it, over a database x storage matrix. See README.md.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CheckResult, checkCompose, checkDockerfile, checkDrifts } from './check.js';
import { ComposeNotFoundError, type ComposeProject, detectCompose } from './compose.js';
import { type DivioUpResult, divioUp, renderDivioUpTable } from './divio-up.js';
import { engineReachable, removeImage, removeProjectByLabel } from './docker.js';
import { exec } from './exec.js';
import {
  FAULT_SCENARIOS,
  type FaultResult,
  type FaultScenario,
  renderFaultTable,
  runReadOnlyScenario,
  runReplicasScenario,
  runSecretsScenario,
} from './faults.js';
import {
  ensureLocalImages,
  IMAGE_SOURCES,
  type ImageSource,
  imageVariables,
  mariadbImage,
  OFFICIAL_PROXY_IMAGE,
} from './images.js';
import {
  type AppManifest,
  DATABASES,
  type DatabaseKind,
  loadManifests,
  ManifestError,
  STORAGES,
  type StorageKind,
} from './manifest.js';
import { defaultJobs } from './parallelism.js';
import {
  type Cell,
  COVERAGES,
  type Coverage,
  cellLabel,
  githubMatrix,
  PlanError,
  planCells,
} from './plan.js';
import { freePort } from './ports.js';
import { renderJson, renderMarkdown, renderTable, resultText, summarize } from './report.js';
import {
  type AppBuild,
  buildApp,
  type CellResult,
  CODE_VOLUME_LABEL,
  type Phase,
} from './run-cell.js';
import { installInterruptHandlers, runMatrix } from './runner.js';
import { secretNeedles } from './secrets.js';
import { SERVICES_MODES, type ServicesMode } from './shared-services.js';

const USAGE = `Usage:
  compose-harness run    [filters] [--coverage minimal|full|complement] [--jobs N]
                         [--services shared|per-cell] [--images official|local]
                         [--json FILE] [--markdown FILE] [--ready-timeout SECONDS] [--keep-images]
  compose-harness matrix [filters] [--coverage minimal|full] [--json]
  compose-harness check  [--app NAME]
  compose-harness divio-up [--app NAME] [--images official|local] [--json FILE] [--ready-timeout SECONDS]
  compose-harness clean  [--run RUN_ID]
  compose-harness faults [--app NAME] [--scenario secrets|read-only|replicas] [--images official|local]
                         [--uploads N] [--json FILE] [--ready-timeout SECONDS] [--keep-images]

Filters (repeat or comma-separate): --app NAME  --db ${DATABASES.join('|')}  --storage ${STORAGES.join('|')}
  run       builds each app's image once, then per cell: starts the database and storage
            emulator, runs the release command, starts the app, waits for readiness, runs the
            contract suite; prints the containers' logs on failure; always \`down -v\`.
            --coverage full (default): every app x database x storage; minimal: each app
            with each database and each storage at least once.
            --services shared (default): one database server per engine and one emulator
            per storage backend for the run, each cell with its own empty database and
            bucket in them; per-cell: each cell starts its app's own services.
            --jobs: default one per CPU, fewer when free memory is short (1.5 GB each).
            --images local uses the divio-samples-local/* stand-ins (built when missing).
  matrix    the plan; with --json the GitHub Actions matrix ({"include": [...]}).
  check     static checks: Dockerfile lint, \`compose config\` and drift of the per-app copies.
  divio-up  each app (default: all) as Divio's CLI runs it: \`-f docker-compose.yml\` only
            (a unique project name and WEB_PORT, nothing else), \`up -d\`, \`port web 80\`,
            the release command, an upload through the API that must land under ./data;
            then removes what it wrote under ./data and \`down -v\`. One app at a time.
  faults    per app (one at a time): secrets (no .env-local or test secret in any image
            layer), read-only (the contract suite on a read-only root filesystem), replicas
            (three replicas behind nginx on PostgreSQL and S3; one stopped under --uploads N
            uploads, default 60, loses no acknowledged upload). Prints a table per app and
            scenario. PROXY_IMAGE names the proxy image (default nginx:1.28).
  clean     removes containers, networks, volumes and images left by interrupted runs:
            one run's with --run, else every run's (do not use while other runs are going).
Options: --root DIR (the repository; default: the one this package is in).
Environment: COMPOSE_HARNESS_COMPOSE="docker compose"|"docker-compose" forces the Compose CLI.`;

class UsageError extends Error {}

function list(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} ${JSON.stringify(value)}: choose from ${allowed.join(', ')}`);
  }
  return value as T;
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} ${JSON.stringify(value)}: expected a positive integer`);
  return n;
}

/** The repository this package lives in (tooling/compose-harness/dist/cli.js -> ../../..). */
function defaultRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

function timestamp(): string {
  return new Date().toISOString().slice(11, 19);
}

/** The contract CLI of @divio-samples/contract-tests, run with this Node. */
function contractCommand(): string[] {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('@divio-samples/contract-tests'));
  } catch (error) {
    throw new Error(
      `@divio-samples/contract-tests cannot be resolved (is it built?): ${(error as Error).message}`,
    );
  }
  const bin = join(dirname(entry), '..', 'bin', 'contract-tests.js');
  if (!existsSync(bin)) throw new Error(`the contract CLI ${bin} does not exist`);
  return [process.execPath, bin];
}

async function loadContractEnv(): Promise<Record<string, string>> {
  const module = (await import('@divio-samples/contract-tests')) as { contractEnv?: unknown };
  const env = module.contractEnv;
  if (typeof env !== 'object' || env === null) {
    throw new Error('@divio-samples/contract-tests does not export contractEnv');
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({
      args: rest,
      allowPositionals: false,
      options: {
        app: { type: 'string', multiple: true },
        db: { type: 'string', multiple: true },
        storage: { type: 'string', multiple: true },
        coverage: { type: 'string' },
        jobs: { type: 'string' },
        services: { type: 'string' },
        images: { type: 'string' },
        // `run --json FILE` writes the summary; `matrix --json` is a flag.
        json: command === 'matrix' ? { type: 'boolean' } : { type: 'string' },
        markdown: { type: 'string' },
        'ready-timeout': { type: 'string' },
        'keep-images': { type: 'boolean' },
        root: { type: 'string' },
        run: { type: 'string' },
        scenario: { type: 'string', multiple: true },
        uploads: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }) as { values: Record<string, string | string[] | boolean | undefined> };
    if (
      values.help ||
      command === undefined ||
      command === 'help' ||
      command === '--help' ||
      command === '-h'
    ) {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    const root = resolve((values.root as string | undefined) ?? defaultRoot());
    const filters = {
      apps: list(values.app as string[] | undefined),
      databases: list(values.db as string[] | undefined) as DatabaseKind[],
      storages: list(values.storage as string[] | undefined) as StorageKind[],
    };
    const coverage = oneOf<Coverage>(
      values.coverage as string | undefined,
      COVERAGES,
      '--coverage',
      'full',
    );
    switch (command) {
      case 'matrix': {
        const cells = planCells(loadManifests(root), { coverage, filters });
        if (values.json === true) {
          console.log(JSON.stringify(githubMatrix(cells)));
        } else {
          for (const cell of cells) console.log(cellLabel(cell));
        }
        return 0;
      }
      case 'check':
        return await checkCommand(root, filters.apps);
      case 'run':
        return await runCommand(root, {
          cells: planCells(loadManifests(root), { coverage, filters }),
          jobs: positiveInt(values.jobs as string | undefined, '--jobs', defaultJobs()),
          services: oneOf<ServicesMode>(
            values.services as string | undefined,
            SERVICES_MODES,
            '--services',
            'shared',
          ),
          images: oneOf<ImageSource>(
            values.images as string | undefined,
            IMAGE_SOURCES,
            '--images',
            'official',
          ),
          json: values.json as string | undefined,
          markdown: values.markdown as string | undefined,
          readyTimeoutSeconds: positiveInt(
            values['ready-timeout'] as string | undefined,
            '--ready-timeout',
            120,
          ),
          keepImages: values['keep-images'] === true,
        });
      case 'divio-up':
        return await divioUpCommand(root, {
          apps: filters.apps,
          images: oneOf<ImageSource>(
            values.images as string | undefined,
            IMAGE_SOURCES,
            '--images',
            'official',
          ),
          json: values.json as string | undefined,
          readyTimeoutSeconds: positiveInt(
            values['ready-timeout'] as string | undefined,
            '--ready-timeout',
            120,
          ),
        });
      case 'clean':
        return await cleanCommand(values.run as string | undefined);
      case 'faults': {
        const scenarios = list(values.scenario as string[] | undefined);
        for (const scenario of scenarios) oneOf(scenario, FAULT_SCENARIOS, '--scenario', 'secrets');
        const apps = loadManifests(root).filter(
          (m) => filters.apps.length === 0 || filters.apps.includes(m.name),
        );
        if (apps.length === 0)
          throw new UsageError(`no app matches --app ${filters.apps.join(',')}`);
        return await faultsCommand(root, {
          apps,
          scenarios: scenarios.length > 0 ? (scenarios as FaultScenario[]) : [...FAULT_SCENARIOS],
          images: oneOf<ImageSource>(
            values.images as string | undefined,
            IMAGE_SOURCES,
            '--images',
            'official',
          ),
          json: values.json as string | undefined,
          readyTimeoutSeconds: positiveInt(
            values['ready-timeout'] as string | undefined,
            '--ready-timeout',
            120,
          ),
          uploads: positiveInt(values.uploads as string | undefined, '--uploads', 60),
          keepImages: values['keep-images'] === true,
        });
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`compose-harness: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (
      error instanceof ManifestError ||
      error instanceof PlanError ||
      error instanceof ComposeNotFoundError
    ) {
      console.error(`compose-harness: ${error.message}`);
      return 2;
    }
    console.error(`compose-harness: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}

function printCheck(result: CheckResult): void {
  const label = `${result.app}: ${result.check}`;
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${label}`);
  for (const problem of result.problems) console.log(`     ${problem.replace(/\n/g, '\n     ')}`);
  for (const warning of result.warnings) console.log(`     warning: ${warning}`);
}

async function checkCommand(root: string, apps: string[]): Promise<number> {
  const all = loadManifests(root);
  const manifests = all.filter((m) => apps.length === 0 || apps.includes(m.name));
  const results: CheckResult[] = manifests.map((app) => checkDockerfile(app, root));
  // Drift compares every app with the others, whatever --app selects.
  results.push(...checkDrifts(all, root).filter((r) => manifests.some((m) => m.name === r.app)));
  const cli = await detectCompose();
  for (const app of manifests) results.push(await checkCompose(app, root, cli));
  results.sort((a, b) => a.app.localeCompare(b.app) || a.check.localeCompare(b.check));
  for (const result of results) printCheck(result);
  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `\n${results.length - failed} checks passed, ${failed} failed (${cli.display} ${cli.version})`,
  );
  return failed === 0 ? 0 : 1;
}

interface RunCommandOptions {
  cells: Cell[];
  jobs: number;
  services: ServicesMode;
  images: ImageSource;
  json: string | undefined;
  markdown: string | undefined;
  readyTimeoutSeconds: number;
  keepImages: boolean;
}

async function runCommand(root: string, options: RunCommandOptions): Promise<number> {
  const startedAt = new Date();
  const log = (line: string) => console.log(`[${timestamp()}] ${line}`);
  if (!(await engineReachable())) {
    console.error('compose-harness: no Docker engine reachable (`docker info` failed)');
    return 1;
  }
  const cli = await detectCompose();
  const runId = `ch-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const workDir = join(root, '.harness', runId);
  mkdirSync(workDir, { recursive: true });
  log(
    `run ${runId}: ${options.cells.length} cell(s), ${options.jobs} at a time, ${options.services} services, ${cli.display} ${cli.version}, ${options.images} images; logs in ${workDir}`,
  );
  const controller = new AbortController();
  const active = new Set<ComposeProject>();
  const uninstall = installInterruptHandlers(controller, active, log);
  try {
    if (options.images === 'local') {
      const seconds = await ensureLocalImages(root, { log, signal: controller.signal });
      if (seconds > 0) log(`local stand-in images ready after ${seconds.toFixed(0)}s`);
    }
    const imageVars = imageVariables(options.images);
    const [contractEnv, contract] = [await loadContractEnv(), contractCommand()];
    const phaseStart = new Map<string, number>();
    const onPhase = (cell: Cell, phase: Phase) => {
      const since = phaseStart.get(cell.id);
      phaseStart.set(cell.id, Date.now());
      const took =
        since === undefined ? '' : ` (previous step ${((Date.now() - since) / 1000).toFixed(1)}s)`;
      log(`${cellLabel(cell).padEnd(28)} ${phase}${took}`);
    };
    const onResult = (result: CellResult) => {
      log(
        `${`${result.app} · ${result.database} · ${result.storage}`.padEnd(28)} ${resultText(result)}`,
      );
      if (!result.ok) {
        console.log(`\n--- ${result.id}: ${result.error ?? 'failed'}`);
        if (result.logs) console.log(`--- container logs (last lines):\n${result.logs}`);
        console.log(`--- full log: ${result.logFile}\n`);
      }
    };
    const results = await runMatrix(
      options.cells,
      {
        root,
        cli,
        runId,
        workDir,
        imageVars,
        mariadbImage: mariadbImage(imageVars),
        contractEnv,
        contractCommand: contract,
        readyTimeoutMs: options.readyTimeoutSeconds * 1000,
        signal: controller.signal,
        freePort,
        onPhase,
        active,
      },
      {
        jobs: options.jobs,
        services: options.services,
        keepImages: options.keepImages,
        onResult,
      },
    );
    for (const result of results) {
      // Cells that never ran (build failed, interrupted) have not been reported yet.
      if (result.readySeconds === undefined && result.migrateSeconds === undefined && !result.logs)
        onResult(result);
    }
    const summary = summarize(results, {
      runId,
      compose: `${cli.display} ${cli.version}`,
      images: options.images,
      startedAt,
      finishedAt: new Date(),
      settings: { jobs: options.jobs, services: options.services },
    });
    console.log(`\n${renderTable(summary)}`);
    const markdown = renderMarkdown(summary);
    writeFileSync(join(workDir, 'summary.json'), renderJson(summary));
    writeFileSync(join(workDir, 'summary.md'), markdown);
    if (options.json) writeFileSync(resolve(options.json), renderJson(summary));
    if (options.markdown) writeFileSync(resolve(options.markdown), markdown);
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
    console.log(`compose matrix: ${summary.passed} cells passed, ${summary.failed} failed`);
    if (controller.signal.aborted) return 130;
    return summary.failed === 0 ? 0 : 1;
  } finally {
    uninstall();
  }
}

interface DivioUpCommandOptions {
  apps: string[];
  images: ImageSource;
  json: string | undefined;
  readyTimeoutSeconds: number;
}

async function divioUpCommand(root: string, options: DivioUpCommandOptions): Promise<number> {
  const log = (line: string) => console.log(`[${timestamp()}] ${line}`);
  const all = loadManifests(root);
  const unknown = options.apps.filter((name) => !all.some((m) => m.name === name));
  if (unknown.length > 0) throw new UsageError(`--app ${unknown.join(', ')}: no such app`);
  const manifests = all.filter((m) => options.apps.length === 0 || options.apps.includes(m.name));
  if (!(await engineReachable())) {
    console.error('compose-harness: no Docker engine reachable (`docker info` failed)');
    return 1;
  }
  const cli = await detectCompose();
  // `ch-` like the matrix's runs, so `clean` finds what an interrupted run left.
  const runId = `ch-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const workDir = join(root, '.harness', runId);
  mkdirSync(workDir, { recursive: true });
  log(
    `divio-up ${runId}: ${manifests.length} app(s) with -f docker-compose.yml only, ${cli.display} ${cli.version}, ${options.images} images; logs in ${workDir}`,
  );
  const controller = new AbortController();
  const active = new Set<ComposeProject>();
  const uninstall = installInterruptHandlers(controller, active, log);
  const results: DivioUpResult[] = [];
  try {
    if (options.images === 'local') {
      const seconds = await ensureLocalImages(root, { log, signal: controller.signal });
      if (seconds > 0) log(`local stand-in images ready after ${seconds.toFixed(0)}s`);
    }
    const imageVars = imageVariables(options.images);
    // One app at a time: each boots its whole stack, and the machine may be small.
    for (const app of manifests) {
      if (controller.signal.aborted) break;
      const result = await divioUp(app, {
        cli,
        runId,
        workDir,
        imageVars,
        readyTimeoutMs: options.readyTimeoutSeconds * 1000,
        signal: controller.signal,
        freePort,
        active,
        onStep: (a, step) => log(`${a.name.padEnd(10)} ${step}`),
      });
      results.push(result);
      log(`${app.name.padEnd(10)} ${result.ok ? 'passed' : `FAILED at ${result.failedStep}`}`);
      if (!result.ok) {
        console.log(`
--- ${app.name}: ${result.error ?? 'failed'}`);
        if (result.logs) console.log(`--- container logs (last lines):\n${result.logs}`);
        console.log(`--- full log: ${result.logFile}
`);
      }
    }
    console.log(`
${renderDivioUpTable(results)}`);
    writeFileSync(
      join(workDir, 'divio-up.json'),
      `${JSON.stringify(results, null, 2)}
`,
    );
    if (options.json)
      writeFileSync(
        resolve(options.json),
        `${JSON.stringify(results, null, 2)}
`,
      );
    const failed = results.filter((r) => !r.ok).length;
    console.log(
      `divio-up: ${results.length - failed} app(s) passed, ${failed} failed (of ${manifests.length})`,
    );
    if (controller.signal.aborted) return 130;
    return failed === 0 && results.length === manifests.length ? 0 : 1;
  } finally {
    uninstall();
  }
}

/** Removes what interrupted runs left behind: compose projects named `ch-*` and harness images. */
async function cleanCommand(run: string | undefined): Promise<number> {
  const ps = await exec('docker', [
    'ps',
    '-a',
    '--format',
    '{{.Label "com.docker.compose.project"}}',
  ]);
  if (ps.code !== 0) {
    console.error(`compose-harness: docker ps failed: ${ps.stderr.trim()}`);
    return 1;
  }
  const prefix = run ? `${run}-` : 'ch-';
  const projects = [...new Set(ps.stdout.split('\n').map((l) => l.trim()))].filter((p) =>
    p.startsWith(prefix),
  );
  for (const project of projects) {
    await removeProjectByLabel(project);
    console.log(`removed project ${project}`);
  }
  const images = await exec('docker', [
    'image',
    'ls',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    'divio-samples-harness/*',
  ]);
  const tags = images.stdout
    .split('\n')
    .filter((tag) => tag !== '' && (!run || tag.endsWith(`:${run}`)));
  if (tags.length > 0) {
    await exec('docker', ['image', 'rm', '-f', '--no-prune', ...tags]);
    console.log(`removed ${tags.length} harness image(s)`);
  }
  const volumes = await exec('docker', [
    'volume',
    'ls',
    '--quiet',
    '--filter',
    `label=${CODE_VOLUME_LABEL}${run ? `=${run}` : ''}`,
  ]);
  const names = volumes.stdout.split('\n').filter(Boolean);
  if (names.length > 0) {
    await exec('docker', ['volume', 'rm', '-f', ...names]);
    console.log(`removed ${names.length} code volume(s)`);
  }
  if (projects.length === 0 && tags.length === 0 && names.length === 0)
    console.log('nothing to clean');
  return 0;
}

interface FaultsCommandOptions {
  apps: AppManifest[];
  scenarios: FaultScenario[];
  images: ImageSource;
  json: string | undefined;
  readyTimeoutSeconds: number;
  uploads: number;
  keepImages: boolean;
}

/** `faults`: per app, build its image once, then run the chosen scenarios one after another. */
async function faultsCommand(root: string, options: FaultsCommandOptions): Promise<number> {
  const log = (line: string) => console.log(`[${timestamp()}] ${line}`);
  if (!(await engineReachable())) {
    console.error('compose-harness: no Docker engine reachable (`docker info` failed)');
    return 1;
  }
  const cli = await detectCompose();
  const runId = `ch-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const workDir = join(root, '.harness', runId);
  mkdirSync(workDir, { recursive: true });
  log(
    `faults ${runId}: ${options.apps.map((a) => a.name).join(', ')} x ${options.scenarios.join(', ')}; logs in ${workDir}`,
  );
  const controller = new AbortController();
  const active = new Set<ComposeProject>();
  const uninstall = installInterruptHandlers(controller, active, log);
  const results: FaultResult[] = [];
  // Seen with a slow-starting app (Next.js, about 30 s to its first answer): while the
  // readiness poll waited, Node ended the run with exit code 13 (unsettled top-level
  // await), i.e. at some moment nothing referenced kept the event loop alive (fetch's
  // timeout timer is unref'd; the exact idle handle was not pinned down). A referenced
  // timer holds the process for the run's duration; every wait has its own bound anyway.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    if (options.images === 'local') {
      const seconds = await ensureLocalImages(root, { log, signal: controller.signal });
      if (seconds > 0) log(`local stand-in images ready after ${seconds.toFixed(0)}s`);
    }
    const imageVars = imageVariables(options.images);
    const contractEnv = await loadContractEnv();
    const ctx = {
      root,
      cli,
      runId,
      workDir,
      imageVars,
      mariadbImage: mariadbImage(imageVars),
      contractEnv,
      contractCommand: contractCommand(),
      readyTimeoutMs: options.readyTimeoutSeconds * 1000,
      signal: controller.signal,
      freePort,
      active,
      proxyImage: imageVars.PROXY_IMAGE || process.env.PROXY_IMAGE || OFFICIAL_PROXY_IMAGE,
      needles: secretNeedles(root, loadManifests(root), contractEnv),
      loadUploads: options.uploads,
      loadConcurrency: 6,
    };
    const runners = {
      secrets: runSecretsScenario,
      'read-only': runReadOnlyScenario,
      replicas: runReplicasScenario,
    } as const;
    for (const app of options.apps) {
      if (controller.signal.aborted) break;
      log(`${app.name}: building the image`);
      let build: AppBuild;
      try {
        build = await buildApp(app, ctx);
      } catch (error) {
        for (const scenario of options.scenarios) {
          results.push({
            app: app.name,
            scenario,
            ok: false,
            seconds: 0,
            detail: '',
            error: `build: ${(error as Error).message}`,
            logFile: join(workDir, `${app.name}.build.log`),
          });
        }
        continue;
      }
      try {
        for (const scenario of options.scenarios) {
          if (controller.signal.aborted) break;
          log(`${app.name}: ${scenario}`);
          const result = await runners[scenario](build, ctx);
          log(
            `${app.name}: ${scenario} ${result.ok ? 'ok' : 'FAILED'} in ${result.seconds.toFixed(0)}s`,
          );
          if (!result.ok) {
            console.log(`\n--- ${app.name} ${scenario}: ${result.error ?? 'failed'}`);
            if (result.logs) console.log(`--- container logs (last lines):\n${result.logs}`);
            console.log(`--- full log: ${result.logFile}\n`);
          }
          results.push(result);
        }
      } finally {
        if (!options.keepImages) await removeImage(build.image);
      }
    }
    console.log(`\n${renderFaultTable(results)}`);
    const failed = results.filter((r) => !r.ok).length;
    const json = `${JSON.stringify({ runId, results }, null, 2)}\n`;
    writeFileSync(join(workDir, 'faults.json'), json);
    if (options.json) writeFileSync(resolve(options.json), json);
    console.log(`compose faults: ${results.length - failed} passed, ${failed} failed`);
    if (controller.signal.aborted) return 130;
    return failed === 0 ? 0 : 1;
  } finally {
    clearInterval(keepAlive);
    uninstall();
  }
}
