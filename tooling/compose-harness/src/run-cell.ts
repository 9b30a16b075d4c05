// One cell, end to end, the way the platform runs an app:
//
//   build    the app's image from its own Dockerfile, once per app and run (`compose build web`)
//   start    the database (and the storage emulator) of the cell
//   migrate  the release command as a one-off container from the same image
//   start    the web service, then wait for the readiness endpoint (bounded)
//   test     the shared contract suite against http://127.0.0.1:<port>, with the web
//            container's stdout followed into a file for the contract's log checks
//
// On failure the containers' logs are collected; `down -v` always runs (the caller's
// signal handler aborts the running step, so this `finally` also covers Ctrl-C).
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComposeCli } from './compose.js';
import { ComposeProject } from './compose.js';
import {
  DATABASE_ENGINES,
  EMULATORS,
  WEB_PORT_PROBE,
  WEB_PORT_VARIABLE,
  WEB_SERVICE,
} from './conventions.js';
import { inspectImage, projectContainerStates, readiness, removeProjectByLabel } from './docker.js';
import { commandError, exec as defaultExec, type Exec, type ExecResult, tail } from './exec.js';
import type { AppManifest } from './manifest.js';
import {
  type ComposeConfig,
  cellProjectEnv,
  checkComposeConfig,
  codeMountTargets,
  type OverrideOptions,
  parseComposeConfig,
  renderOverride,
} from './override.js';
import type { Cell } from './plan.js';
import {
  cellBucketName,
  cellDatabaseName,
  databaseExecArgs,
  databaseStatements,
  SHARED_DATABASE_HOSTS,
  SHARED_EMULATOR_HOSTS,
  type SharedNeeds,
  type SharedStack,
  sharedProject,
} from './shared-services.js';

export type Phase =
  | 'queued'
  | 'building'
  | 'starting'
  | 'migrating'
  | 'waiting'
  | 'testing'
  | 'tearing down';
export type Step = 'config' | 'build' | 'start' | 'migrate' | 'ready' | 'contract' | 'interrupted';

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Seconds each step of a cell took (absent: the step did not run). `up`: `compose up -d` of
 * the cell's services (database, emulator, helpers); `healthy`: until every one of them is
 * healthy (or a one-off has exited 0); `migrate`: the release command; `ready`: `up -d web`
 * until the readiness endpoint answers 200; `contract`: the contract suite; `down`: the
 * teardown; `total`: the cell from its first step to the end of its teardown (the build
 * excluded; logs of a failed cell included).
 */
export interface CellPhases {
  up?: number;
  healthy?: number;
  migrate?: number;
  ready?: number;
  contract?: number;
  down?: number;
  total?: number;
}

export const PHASE_KEYS: ReadonlyArray<keyof CellPhases> = [
  'up',
  'healthy',
  'migrate',
  'ready',
  'contract',
  'down',
  'total',
];

export interface CellResult {
  id: string;
  app: string;
  database: Cell['database'];
  storage: Cell['storage'];
  ok: boolean;
  /** The step that failed, when not ok. */
  failedStep?: Step;
  error?: string;
  /** Seconds to build the app's image and fill its code volumes (shared by the app's cells: once per run). */
  buildSeconds?: number;
  /** Seconds from starting the services to a 200 from the readiness endpoint (migrations included). */
  readySeconds?: number;
  migrateSeconds?: number;
  contractSeconds?: number;
  /** Seconds per step (see CellPhases). */
  phases?: CellPhases;
  imageBytes?: number;
  tests?: TestCounts;
  /** The containers' last log lines, collected when the cell failed. */
  logs?: string;
  /** Everything the cell ran and printed. */
  logFile: string;
}

export interface AppBuild {
  app: AppManifest;
  image: string;
  config: ComposeConfig;
  buildSeconds: number;
  imageBytes: number;
  cmd: string[] | undefined;
  /**
   * Container path -> volume holding the image's files there, filled once for all the app's
   * cells (see codeMountTargets); removed with the image at the end of the run.
   */
  codeVolumes?: Record<string, string>;
}

/** The label on the volumes a run fills with an image's files (`clean` finds them by it). */
export const CODE_VOLUME_LABEL = 'org.divio-samples.harness.run';

export interface HarnessContext {
  root: string;
  cli: ComposeCli;
  runId: string;
  /** Directory for overrides, logs and reports of this run (`.harness/<runId>`). */
  workDir: string;
  /** Interpolation variables (image names) for every compose call. */
  imageVars: Readonly<Record<string, string>>;
  mariadbImage: string;
  contractEnv: Readonly<Record<string, string>>;
  /** The program and leading arguments that start the contract CLI. */
  contractCommand: readonly string[];
  readyTimeoutMs: number;
  signal: AbortSignal;
  exec?: Exec;
  freePort: () => Promise<number>;
  onPhase?: (cell: Cell, phase: Phase) => void;
  /** Teardown bookkeeping: the runner tears these down if the process is killed. */
  active?: Set<ComposeProject>;
  /**
   * The run's shared database servers and emulators (`--services shared`); without it every
   * cell starts its app's own `database_default` and emulator (`--services per-cell`).
   */
  shared?: SharedServices;
}

const MINUTE = 60_000;

class StepError extends Error {
  constructor(
    readonly step: Step,
    message: string,
  ) {
    super(message);
  }
}

function check(step: Step, what: string, result: ExecResult): void {
  if (result.aborted) throw new StepError('interrupted', `${what}: interrupted`);
  if (result.code !== 0) throw new StepError(step, commandError(what, result).message);
}

/** A compose project name: lower-case letters, digits and "-", at most 63 characters. */
export function projectName(runId: string, suffix: string): string {
  return `${runId}-${suffix}`
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .slice(0, 63);
}

function appProject(
  ctx: HarnessContext,
  app: AppManifest,
  name: string,
  files: string[],
  profiles: string[] = [],
  env: Readonly<Record<string, string>> = {},
) {
  return new ComposeProject(
    ctx.cli,
    { name, files, cwd: app.dir, profiles, env: { ...ctx.imageVars, ...env } },
    ctx.exec ?? defaultExec,
  );
}

/**
 * Reads and checks the app's own compose file, then builds its image once, tagged for
 * this run. Throws a StepError naming the step on failure.
 */
export async function buildApp(app: AppManifest, ctx: HarnessContext): Promise<AppBuild> {
  const exec = ctx.exec ?? defaultExec;
  mkdirSync(ctx.workDir, { recursive: true });
  const logFile = join(ctx.workDir, `${app.name}.build.log`);
  const composeFile = join(app.dir, 'docker-compose.yml');
  const source = relative(ctx.root, composeFile);
  const allProfiles = [...new Set(Object.values(EMULATORS).map((e) => e.profile))];
  const configProject = appProject(
    ctx,
    app,
    projectName(ctx.runId, `${app.name}-config`),
    [composeFile],
    allProfiles,
    // So the check can tell web's host port comes from WEB_PORT (see checkComposeConfig).
    { [WEB_PORT_VARIABLE]: WEB_PORT_PROBE },
  );
  const configResult = await configProject.run(['config'], {
    logFile,
    timeoutMs: MINUTE,
    signal: ctx.signal,
  });
  check('config', `${ctx.cli.display} config (${source})`, configResult);
  const config = parseComposeConfig(configResult.stdout, source);
  const problems = checkComposeConfig(config, app, source);
  const errors = problems.filter((p) => p.level === 'error');
  if (errors.length > 0) throw new StepError('config', errors.map((p) => p.message).join('\n'));

  const image = `divio-samples-harness/${app.name}:${ctx.runId}`;
  const buildOverride = join(ctx.workDir, `${app.name}.build.override.yml`);
  writeFileSync(
    buildOverride,
    `${JSON.stringify({ services: { [WEB_SERVICE]: { image } } }, null, 2)}\n`,
  );
  const project = appProject(ctx, app, projectName(ctx.runId, `${app.name}-build`), [
    composeFile,
    buildOverride,
  ]);
  const started = Date.now();
  const build = await project.run(['build', WEB_SERVICE], {
    logFile,
    timeoutMs: 30 * MINUTE,
    signal: ctx.signal,
  });
  check('build', `building ${app.name}`, build);
  const buildSeconds = (Date.now() - started) / 1000;
  // Helper services the compose file builds itself (the S3 emulator has no upstream image):
  // built once here when their image is not there yet, so `up --no-build` finds them.
  for (const [name, service] of Object.entries(config.services)) {
    if (name === WEB_SERVICE || !service.build || !service.image) continue;
    if (await inspectImage(service.image, exec)) continue;
    const helper = appProject(
      ctx,
      app,
      projectName(ctx.runId, `${app.name}-build`),
      [composeFile],
      service.profiles ?? [],
    );
    check(
      'build',
      `building ${name} (${service.image})`,
      await helper.run(['build', name], { logFile, timeoutMs: 30 * MINUTE, signal: ctx.signal }),
    );
  }
  const facts = await inspectImage(image, exec);
  if (!facts)
    throw new StepError('build', `building ${app.name}: image ${image} not found after the build`);
  return { app, image, config, buildSeconds, imageBytes: facts.size, cmd: facts.cmd };
}

/**
 * The build with its code volumes (see fillCodeVolumes), for the matrix: one volume per code
 * mount of web (`/app`, `/app/node_modules`, ...), filled once from the image.
 */
export async function withCodeVolumes(build: AppBuild, ctx: HarnessContext): Promise<AppBuild> {
  mkdirSync(ctx.workDir, { recursive: true });
  const logFile = join(ctx.workDir, `${build.app.name}.build.log`);
  const started = Date.now();
  const codeVolumes = await fillCodeVolumes(
    ctx,
    build.app,
    build.image,
    codeMountTargets(build.config),
    logFile,
  );
  // The build's seconds include filling them: they are part of preparing the app once.
  const buildSeconds = build.buildSeconds + (Date.now() - started) / 1000;
  return codeVolumes ? { ...build, codeVolumes, buildSeconds } : build;
}

/**
 * One volume per code mount of web (`/app`, `/app/node_modules`, ...), filled from the image
 * by Docker the first time a container that mounts it is created: here, once, by a container
 * that is created and removed without running. Cells then mount them read-only and copy nothing.
 */
async function fillCodeVolumes(
  ctx: HarnessContext,
  app: AppManifest,
  image: string,
  targets: readonly string[],
  logFile: string,
): Promise<Record<string, string> | undefined> {
  if (targets.length === 0) return undefined;
  const exec = ctx.exec ?? defaultExec;
  const volumes: Record<string, string> = {};
  const mounts: string[] = [];
  for (const [index, target] of targets.entries()) {
    const name = projectName(ctx.runId, `${app.name}-code-${index}`);
    check(
      'build',
      `creating the volume ${name}`,
      await exec(
        'docker',
        ['volume', 'create', '--label', `${CODE_VOLUME_LABEL}=${ctx.runId}`, name],
        {
          logFile,
          timeoutMs: MINUTE,
          signal: ctx.signal,
        },
      ),
    );
    volumes[target] = name;
    mounts.push('--volume', `${name}:${target}`);
  }
  // Docker fills an empty volume from the image when a container that mounts it is created:
  // `docker create` is enough (nothing runs, so any image works), then the container goes.
  const created = await exec(
    'docker',
    ['create', '--label', `${CODE_VOLUME_LABEL}=${ctx.runId}`, ...mounts, image],
    { logFile, timeoutMs: 10 * MINUTE, signal: ctx.signal },
  );
  const container = created.stdout.trim().split('\n').at(-1) ?? '';
  if (created.code === 0 && container)
    await exec('docker', ['rm', '-f', '-v', container], { logFile, timeoutMs: MINUTE });
  check('build', `filling the code volumes of ${app.name} from ${image}`, created);
  return volumes;
}

/** Removes the code volumes of a build (failures ignored: `clean` finds what is left). */
export async function removeCodeVolumes(build: AppBuild, exec: Exec = defaultExec): Promise<void> {
  const names = Object.values(build.codeVolumes ?? {});
  if (names.length > 0)
    await exec('docker', ['volume', 'rm', '-f', ...names], { timeoutMs: MINUTE });
}

/** Polls the readiness endpoint until it answers 200 or the timeout passes. */
export async function waitForReady(
  url: string,
  options: {
    timeoutMs: number;
    signal?: AbortSignal;
    intervalMs?: number;
    isAlive?: () => Promise<boolean>;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  let polls = 0;
  while (Date.now() < deadline) {
    if (options.signal?.aborted)
      throw new StepError('interrupted', 'waiting for readiness: interrupted');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
      const body = (await response.text()).slice(0, 300);
      if (response.status === 200) return;
      last = `HTTP ${response.status} ${body}`;
    } catch (error) {
      last = (error as Error).message;
    }
    polls++;
    // Every few polls, make sure the container is still there to wait for.
    if (options.isAlive && polls % 5 === 0 && !(await options.isAlive())) {
      throw new StepError('ready', `${url}: the web container exited (last answer: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
  throw new StepError(
    'ready',
    `${url} did not answer 200 within ${options.timeoutMs / 1000}s (last answer: ${last})`,
  );
}

/**
 * Waits until every container of a compose project is ready (healthy, or running without a
 * healthcheck, or a one-off that exited 0); fails at once when one exited non-zero or is
 * unhealthy, or after the timeout.
 */
export async function waitHealthy(
  project: string,
  options: { exec: Exec; timeoutMs: number; signal?: AbortSignal; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no container yet';
  while (Date.now() < deadline) {
    if (options.signal?.aborted)
      throw new StepError('interrupted', 'waiting for the services: interrupted');
    const states = await projectContainerStates(project, options.exec);
    const verdict = readiness(states);
    if (verdict.verdict === 'ready') return;
    if (verdict.verdict === 'failed') throw new StepError('start', verdict.reason);
    last = states.map((s) => `${s.name} ${s.status}${s.health ? `/${s.health}` : ''}`).join(', ');
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
  throw new StepError(
    'start',
    `the services were not healthy within ${options.timeoutMs / 1000}s (${last})`,
  );
}

/** Reads pass/fail counts from the contract CLI's JSON report (vitest's JSON reporter shape). */
export function readTestCounts(file: string): TestCounts | undefined {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const num = (key: string) => (typeof json[key] === 'number' ? (json[key] as number) : 0);
    if (typeof json.numTotalTests !== 'number' && typeof json.numPassedTests !== 'number')
      return undefined;
    return {
      passed: num('numPassedTests'),
      failed: num('numFailedTests'),
      skipped: num('numPendingTests') + num('numTodoTests'),
    };
  } catch {
    return undefined;
  }
}

/** Azurite has no way to create a container by configuration: the compose files' one-off does it. */
const CREATE_CONTAINERS_SCRIPT = fileURLToPath(
  new URL('../images/azurite/create-containers.mjs', import.meta.url),
);

/**
 * The run's shared services (see shared-services.ts): started once, by the first cell that
 * needs them, from that cell's app's service definitions; every cell then gets its own
 * database and bucket or container in them, removed again after the cell.
 */
export class SharedServices {
  private started: Promise<SharedStack> | undefined;
  private project: ComposeProject | undefined;
  readonly logFile: string;

  constructor(
    private readonly ctx: HarnessContext,
    readonly needs: SharedNeeds,
  ) {
    this.logFile = join(ctx.workDir, 'shared-services.log');
  }

  /** Starts the services on first use (later calls wait for the same start). */
  ensure(config: ComposeConfig): Promise<SharedStack> {
    this.started ??= this.start(config);
    return this.started;
  }

  private async start(config: ComposeConfig): Promise<SharedStack> {
    const { ctx } = this;
    const exec = ctx.exec ?? defaultExec;
    mkdirSync(ctx.workDir, { recursive: true });
    const name = projectName(ctx.runId, 'shared');
    const network = `${name}-net`;
    const emulatorPorts: SharedStack['emulatorPorts'] = {};
    for (const storage of this.needs.emulators) emulatorPorts[storage] = await ctx.freePort();
    const project = sharedProject({
      config,
      needs: this.needs,
      mariadbImage: ctx.mariadbImage,
      network,
      emulatorPorts,
      cli: ctx.cli,
      name,
      workDir: ctx.workDir,
      env: ctx.imageVars,
      exec,
    });
    this.project = project;
    ctx.active?.add(project);
    const started = Date.now();
    check(
      'start',
      'starting the shared services',
      await project.run(['up', '-d', '--no-build'], {
        logFile: this.logFile,
        timeoutMs: 10 * MINUTE,
        signal: ctx.signal,
      }),
    );
    await waitHealthy(name, { exec, timeoutMs: 5 * MINUTE, signal: ctx.signal });
    const databases: SharedStack['databases'] = {};
    for (const database of this.needs.databases) {
      const ps = await project.run(['ps', '-q', SHARED_DATABASE_HOSTS[database]], {
        timeoutMs: MINUTE,
      });
      const id = ps.stdout.trim().split('\n')[0];
      if (!id) throw new StepError('start', `the shared ${database} server has no container`);
      databases[database] = id;
    }
    const startSeconds = (Date.now() - started) / 1000;
    appendFileSync(this.logFile, `\n# shared services healthy after ${startSeconds.toFixed(1)}s\n`);
    return { project, network, databases, emulatorPorts, config, startSeconds };
  }

  /** Creates the cell's own database and bucket or container; returns their names. */
  async provision(
    cell: Pick<Cell, 'id' | 'database' | 'storage'>,
    stack: SharedStack,
    logFile: string,
  ): Promise<{ database: string; bucket: string | undefined }> {
    const exec = this.ctx.exec ?? defaultExec;
    const database = cellDatabaseName(cell.id);
    const container = stack.databases[cell.database];
    if (!container) throw new StepError('start', `no shared ${cell.database} server`);
    const { create, drop } = databaseStatements(cell.database, database);
    // A database left by an earlier attempt of the same cell is dropped first.
    for (const sql of [drop, create]) {
      check(
        'start',
        `creating the cell's database (${sql})`,
        await exec('docker', databaseExecArgs(cell.database, container, sql, stack.config), {
          logFile,
          timeoutMs: MINUTE,
          signal: this.ctx.signal,
        }),
      );
    }
    if (cell.storage === 'file') return { database, bucket: undefined };
    const bucket = cellBucketName(cell.id);
    const port = stack.emulatorPorts[cell.storage];
    if (port === undefined) throw new StepError('start', `no shared ${cell.storage} emulator`);
    if (cell.storage === 's3') {
      // s3rver takes unsigned requests: CreateBucket is a PUT on the bucket's path.
      const url = `http://127.0.0.1:${port}/${bucket}`;
      appendFileSync(logFile, `\n$ PUT ${url}\n`);
      let status = 0;
      try {
        const response = await fetch(url, {
          method: 'PUT',
          signal: AbortSignal.any([this.ctx.signal, AbortSignal.timeout(30_000)]),
        });
        status = response.status;
        appendFileSync(logFile, `HTTP ${status} ${(await response.text()).slice(0, 300)}\n`);
      } catch (error) {
        throw new StepError('start', `creating the bucket ${bucket}: ${(error as Error).message}`);
      }
      if (status !== 200)
        throw new StepError('start', `creating the bucket ${bucket}: HTTP ${status}`);
    } else {
      check(
        'start',
        `creating the blob container ${bucket}`,
        await exec(process.execPath, [CREATE_CONTAINERS_SCRIPT], {
          logFile,
          timeoutMs: MINUTE,
          signal: this.ctx.signal,
          env: {
            ...process.env,
            AZURITE_URL: `http://127.0.0.1:${port}/devstoreaccount1`,
            AZURITE_CONTAINERS: bucket,
            AZURITE_WAIT_SECONDS: '10',
          },
        }),
      );
    }
    return { database, bucket };
  }

  /**
   * Drops the cell's database (its bucket or container goes with the emulator at the end of
   * the run: nothing else uses its name). Failures are logged, not fatal.
   */
  async release(cell: Pick<Cell, 'id' | 'database'>, logFile: string): Promise<void> {
    const stack = await this.started?.catch(() => undefined);
    const container = stack?.databases[cell.database];
    if (!stack || !container) return;
    const { drop } = databaseStatements(cell.database, cellDatabaseName(cell.id));
    await (this.ctx.exec ?? defaultExec)(
      'docker',
      databaseExecArgs(cell.database, container, drop, stack.config),
      { logFile, timeoutMs: MINUTE },
    );
  }

  /** `down -v` of the shared services (also when they failed to start). */
  async stop(): Promise<void> {
    await this.started?.catch(() => undefined);
    if (!this.project) return;
    await teardown(this.project, this.logFile);
    this.ctx.active?.delete(this.project);
    this.project = undefined;
  }
}

export async function runCell(
  cell: Cell,
  build: AppBuild,
  ctx: HarnessContext,
): Promise<CellResult> {
  const { app } = cell;
  const exec = ctx.exec ?? defaultExec;
  mkdirSync(ctx.workDir, { recursive: true });
  const logFile = join(ctx.workDir, `${cell.id}.log`);
  writeFileSync(logFile, `# ${cell.id} (run ${ctx.runId})\n`);
  const result: CellResult = {
    id: cell.id,
    app: app.name,
    database: cell.database,
    storage: cell.storage,
    ok: false,
    buildSeconds: build.buildSeconds,
    imageBytes: build.imageBytes,
    logFile,
  };
  const emulator = cell.storage === 'file' ? undefined : EMULATORS[cell.storage];
  const { shared } = ctx;
  // With shared services, web alone runs in the cell's project: `--no-deps` keeps the app's
  // own database and emulator (and their one-off helpers) from starting.
  const noDeps = shared ? ['--no-deps'] : [];
  const webPort = await ctx.freePort();
  const emulatorPort = emulator && !shared ? await ctx.freePort() : undefined;
  const overrideFile = join(ctx.workDir, `${cell.id}.override.yml`);
  const writeOverride = (sharedOptions?: OverrideOptions['shared']) => {
    const override = renderOverride({
      cell,
      config: build.config,
      image: build.image,
      command: build.cmd,
      ...(emulatorPort === undefined ? {} : { emulatorPort }),
      contractEnv: ctx.contractEnv,
      mariadbImage: ctx.mariadbImage,
      ...(build.codeVolumes ? { codeVolumes: build.codeVolumes } : {}),
      ...(sharedOptions ? { shared: sharedOptions } : {}),
    });
    writeFileSync(overrideFile, `${JSON.stringify(override, null, 2)}\n`);
  };
  // With shared services the override is written again once they run (their network and
  // ports); this first one is what a teardown reads if the cell stops before that.
  writeOverride();
  const profiles = emulator && !shared ? [emulator.profile] : [];
  const project = appProject(
    ctx,
    app,
    projectName(ctx.runId, cell.id),
    [join(app.dir, 'docker-compose.yml'), overrideFile],
    profiles,
    cellProjectEnv(webPort),
  );
  ctx.active?.add(project);
  const opts = (timeoutMs: number) => ({ logFile, timeoutMs, signal: ctx.signal });
  let startedAt = 0;
  const phases: CellPhases = {};
  result.phases = phases;
  let mark = 0;
  const lap = (key: keyof CellPhases) => {
    const now = Date.now();
    phases[key] = (now - mark) / 1000;
    mark = now;
  };
  try {
    ctx.onPhase?.(cell, 'starting');
    startedAt = Date.now();
    mark = startedAt;
    if (shared) {
      // The run's servers (the first cell starts them; the others find them running), then
      // the cell's own database and bucket or container in them.
      const stack = await shared.ensure(build.config);
      lap('healthy');
      const own = await shared.provision(cell, stack, logFile);
      lap('up');
      const port = emulator ? stack.emulatorPorts[emulator.storage] : undefined;
      writeOverride({
        network: stack.network,
        database: { host: SHARED_DATABASE_HOSTS[cell.database], name: own.database },
        storage:
          emulator && own.bucket
            ? { host: SHARED_EMULATOR_HOSTS[emulator.storage], bucket: own.bucket }
            : {},
        ...(port === undefined ? {} : { emulatorPublicUrl: `http://127.0.0.1:${port}` }),
      });
    } else {
      // Everything but web that the cell's profiles enable: the database, the emulator and
      // any one-off helper the compose file defines for it (e.g. creating the container).
      const dependencies = Object.entries(build.config.services)
        .filter(
          ([name, service]) =>
            name !== WEB_SERVICE &&
            (!service.profiles?.length || service.profiles.some((p) => profiles.includes(p))),
        )
        .map(([name]) => name);
      check(
        'start',
        'starting the database and storage',
        await project.run(['up', '-d', '--no-build', ...dependencies], opts(10 * MINUTE)),
      );
      lap('up');
      // The release command's `depends_on` would wait for them too; waiting here first tells
      // the services' start-up apart from the migrations in the timings.
      await waitHealthy(project.spec.name, { exec, timeoutMs: 5 * MINUTE, signal: ctx.signal });
      lap('healthy');
    }

    ctx.onPhase?.(cell, 'migrating');
    const migrateStart = Date.now();
    // A one-off container from the same image, after the database is healthy (depends_on).
    check(
      'migrate',
      `release command (${app.release.join(' ')})`,
      await project.run(
        ['run', '--rm', ...noDeps, '-T', WEB_SERVICE, ...app.release],
        opts(30 * MINUTE),
      ),
    );
    result.migrateSeconds = (Date.now() - migrateStart) / 1000;
    lap('migrate');

    ctx.onPhase?.(cell, 'waiting');
    check(
      'start',
      'starting the web service',
      await project.run(['up', '-d', '--no-build', ...noDeps, WEB_SERVICE], opts(10 * MINUTE)),
    );
    const readyUrl = `http://127.0.0.1:${webPort}${app.health.readiness}`;
    await waitForReady(readyUrl, {
      timeoutMs: ctx.readyTimeoutMs,
      signal: ctx.signal,
      isAlive: async () => {
        const ps = await project.run(['ps', '-q', WEB_SERVICE], { timeoutMs: MINUTE });
        const id = ps.stdout.trim();
        if (!id) return false;
        const state = await exec('docker', ['inspect', '--format', '{{.State.Running}}', id], {
          timeoutMs: MINUTE,
        });
        return state.stdout.trim() === 'true';
      },
    });
    result.readySeconds = (Date.now() - startedAt) / 1000;
    lap('ready');
    appendFileSync(logFile, `\n# ready: ${readyUrl} after ${result.readySeconds.toFixed(1)}s\n`);

    ctx.onPhase?.(cell, 'testing');
    const report = join(ctx.workDir, `${cell.id}.contract.json`);
    const contractStart = Date.now();
    const contract = await runContract(project, ctx, {
      exec,
      webPort,
      framework: app.framework,
      database: DATABASE_ENGINES[cell.database].client,
      storage: cell.storage,
      report,
      webLog: join(ctx.workDir, `${cell.id}.web.log`),
      logFile,
    });
    result.contractSeconds = (Date.now() - contractStart) / 1000;
    lap('contract');
    const counts = readTestCounts(report);
    if (counts) result.tests = counts;
    check('contract', 'contract suite', contract);
    result.ok = true;
  } catch (error) {
    if (error instanceof StepError) {
      result.failedStep = ctx.signal.aborted ? 'interrupted' : error.step;
      result.error = error.message;
    } else {
      result.failedStep = ctx.signal.aborted ? 'interrupted' : 'start';
      result.error = (error as Error).stack ?? String(error);
    }
    appendFileSync(logFile, `\n# FAILED (${result.failedStep}): ${result.error}\n`);
  } finally {
    ctx.onPhase?.(cell, 'tearing down');
    if (!result.ok && startedAt > 0) {
      // Not bound to ctx.signal: the logs are wanted most when interrupted or failing.
      const logs = await project.run(['logs', '--no-color', '--tail=200'], { timeoutMs: MINUTE });
      result.logs = tail(`${logs.stdout}${logs.stderr}`, 400);
      appendFileSync(logFile, `\n# container logs\n${result.logs}\n`);
    }
    const downStart = Date.now();
    await teardown(project, logFile);
    ctx.active?.delete(project);
    await shared?.release(cell, logFile);
    if (startedAt > 0) {
      phases.down = (Date.now() - downStart) / 1000;
      phases.total = (Date.now() - startedAt) / 1000;
    }
  }
  return result;
}

/**
 * `down -v --remove-orphans`: containers, networks and volumes of the project, never its
 * images. A failed `down` is retried once, then everything labelled with the project is
 * removed directly, so an interrupted step never leaves a container behind.
 */
/**
 * The contract CLI against a running `web` service. The web container's stdout is followed
 * into `webLog` while the suite runs: the CLI re-reads that file whenever a log check needs
 * it, so the contract's log checks run in every compose stack too.
 */
export async function runContract(
  project: ComposeProject,
  ctx: Pick<HarnessContext, 'contractCommand' | 'root' | 'signal'>,
  target: {
    exec: Exec;
    webPort: number;
    framework: string;
    database: string;
    storage: string;
    report: string;
    webLog: string;
    logFile: string;
  },
): Promise<ExecResult> {
  const [program, ...leading] = ctx.contractCommand;
  if (!program) throw new StepError('contract', 'no contract command configured');
  writeFileSync(target.webLog, '');
  const webId = (await project.run(['ps', '-q', WEB_SERVICE], { timeoutMs: MINUTE })).stdout.trim();
  if (!webId) throw new StepError('contract', 'the web container is gone');
  const stopFollowing = new AbortController();
  const following = target.exec('docker', ['logs', '--follow', webId], {
    stdoutFile: target.webLog,
    signal: AbortSignal.any([ctx.signal, stopFollowing.signal]),
  });
  try {
    return await target.exec(
      program,
      [
        ...leading,
        'run',
        '--base-url',
        `http://127.0.0.1:${target.webPort}`,
        '--framework',
        target.framework,
        '--database',
        target.database,
        '--storage',
        target.storage,
        '--json-report',
        target.report,
        '--log-file',
        target.webLog,
      ],
      { logFile: target.logFile, timeoutMs: 20 * MINUTE, signal: ctx.signal, cwd: ctx.root },
    );
  } finally {
    stopFollowing.abort();
    await following;
  }
}

export async function teardown(project: ComposeProject, logFile?: string): Promise<ExecResult> {
  const down = () =>
    project.run(['down', '-v', '--remove-orphans', '--timeout', '10'], {
      timeoutMs: 3 * MINUTE,
      ...(logFile ? { logFile } : {}),
    });
  let result = await down();
  if (result.code !== 0) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    result = await down();
  }
  if (result.code !== 0) {
    process.stderr.write(
      `warning: ${project.spec.name}: compose down failed (${tail(result.stderr, 3)}); removing its containers, networks and volumes by label\n`,
    );
    await removeProjectByLabel(project.spec.name);
  }
  return result;
}

export { StepError };
