// `divio-up`: each app's compose setup exactly as Divio's CLI drives it. `divio app up` runs
// `docker compose -f docker-compose.yml up -d` (never the override) and then finds the app
// with `docker compose -f docker-compose.yml port web 80`. So this check uses the app's own
// docker-compose.yml and nothing else: no override, no generated file, only a unique project
// name and WEB_PORT (a free host port) in the environment. Per app:
//
//   build    `build web` (from the layer cache when the matrix has just built the app)
//   up       `up -d`: every service the file starts without a profile (media_init included)
//   port     `port web 80`, which must answer the host port WEB_PORT asked for
//   migrate  the release command as a one-off container (`run --rm -T web ...`)
//   ready    the readiness path answers 200
//   upload   POST /api/media with a small file; the file must turn up under ./data on the host
//
// Then, always: what the run wrote under ./data is removed through a container (the files
// belong to the image's user, ./data itself may be root's), `down -v`, and the image the
// project built is untagged (its layers stay as the build cache).
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type ComposeCli, ComposeProject } from './compose.js';
import { DATA_MOUNT_TARGET, WEB_PORT_VARIABLE, WEB_SERVICE } from './conventions.js';
import { removeImage } from './docker.js';
import { exec as defaultExec, type Exec, type ExecResult, tail } from './exec.js';
import type { AppManifest } from './manifest.js';
import { projectName, StepError, teardown, waitForReady } from './run-cell.js';

const MINUTE = 60_000;

export type DivioUpStep = 'build' | 'up' | 'port' | 'migrate' | 'ready' | 'upload' | 'cleanup';

export interface DivioUpResult {
  app: string;
  ok: boolean;
  failedStep?: DivioUpStep | 'interrupted';
  error?: string;
  /** The host port `port web 80` answered. */
  port?: number;
  buildSeconds?: number;
  /** `up -d` until it returned (database healthy, media_init done, web started). */
  upSeconds?: number;
  /** From `up -d` to a 200 from the readiness path, the release command included. */
  readySeconds?: number;
  uploadSeconds?: number;
  totalSeconds: number;
  /** Where the uploaded file was found, relative to the app directory. */
  storedAt?: string;
  logs?: string;
  logFile: string;
}

export interface DivioUpContext {
  cli: ComposeCli;
  runId: string;
  /** Directory for this run's logs (`.harness/<runId>`). */
  workDir: string;
  /** Interpolation variables (image names) for every compose call. */
  imageVars: Readonly<Record<string, string>>;
  readyTimeoutMs: number;
  signal: AbortSignal;
  freePort: () => Promise<number>;
  exec?: Exec;
  onStep?: (app: AppManifest, step: DivioUpStep) => void;
  /** Teardown bookkeeping: the caller tears these down if the process is killed. */
  active?: Set<ComposeProject>;
}

/**
 * The answer of `port web 80`: `0.0.0.0:49153`, `127.0.0.1:8000`, `[::]:8000` (the first
 * line when Compose prints one per address). Undefined when nothing is published.
 */
export function parsePortAnswer(output: string): { host: string; port: number } | undefined {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  const match = line ? /^(.*):(\d+)$/.exec(line) : null;
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  return port > 0 ? { host: match[1], port } : undefined;
}

/** Every path under `dir`, relative to it (`media`, `media/a.txt`); undefined if `dir` is missing. */
export function listTree(dir: string): Set<string> | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const paths = new Set<string>();
  const walk = (current: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return; // unreadable (another user's directory): nothing of ours can be in it
    }
    for (const entry of entries) {
      const full = join(current, entry.name);
      paths.add(relative(dir, full).split(sep).join('/'));
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return paths;
}

/**
 * The paths that are in `after` but not in `before`, without those inside another new
 * path (removing `media` removes `media/a.txt`): what a run wrote, and nothing else.
 */
export function newTopPaths(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  const added = [...after].filter((path) => !before.has(path)).sort();
  return added.filter((path) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (added.includes(parts.slice(0, i).join('/'))) return false;
    }
    return true;
  });
}

/** The file under `dir` whose name holds `id` and whose content is `content`, if any. */
export function findStoredFile(dir: string, id: string, content: string): string | undefined {
  for (const path of listTree(dir) ?? []) {
    if (!path.split('/').pop()?.includes(id)) continue;
    try {
      if (readFileSync(join(dir, path), 'utf8') === content) return path;
    } catch {
      // a directory or unreadable: not it
    }
  }
  return undefined;
}

class DivioUpError extends Error {
  constructor(
    readonly step: DivioUpStep | 'interrupted',
    message: string,
  ) {
    super(message);
  }
}

function check(step: DivioUpStep, what: string, result: ExecResult): void {
  if (result.aborted) throw new DivioUpError('interrupted', `${what}: interrupted`);
  if (result.code !== 0) {
    throw new DivioUpError(
      step,
      `${what} failed (exit ${result.code}):\n${tail(result.stderr || result.stdout, 20)}`,
    );
  }
}

/** Boots one app with `-f docker-compose.yml` alone, as Divio's CLI does, and uploads a file. */
export async function divioUp(app: AppManifest, ctx: DivioUpContext): Promise<DivioUpResult> {
  const exec = ctx.exec ?? defaultExec;
  const started = Date.now();
  mkdirSync(ctx.workDir, { recursive: true });
  const logFile = join(ctx.workDir, `${app.name}.divio-up.log`);
  writeFileSync(logFile, `# divio-up ${app.name} (run ${ctx.runId})\n`);
  const result: DivioUpResult = { app: app.name, ok: false, totalSeconds: 0, logFile };
  const dataDir = join(app.dir, 'data');
  const before = listTree(dataDir);
  const webPort = await ctx.freePort();
  const name = projectName(ctx.runId, `divio-${app.name}`);
  const project = new ComposeProject(
    ctx.cli,
    {
      name,
      // The app's own file and nothing else: what `divio app up` passes.
      files: [join(app.dir, 'docker-compose.yml')],
      cwd: app.dir,
      env: { ...ctx.imageVars, [WEB_PORT_VARIABLE]: String(webPort) },
    },
    exec,
  );
  ctx.active?.add(project);
  const opts = (timeoutMs: number) => ({ logFile, timeoutMs, signal: ctx.signal });
  const step = (s: DivioUpStep) => ctx.onStep?.(app, s);
  let upStarted = 0;
  try {
    step('build');
    const buildStart = Date.now();
    check('build', 'build web', await project.run(['build', WEB_SERVICE], opts(30 * MINUTE)));
    result.buildSeconds = (Date.now() - buildStart) / 1000;

    step('up');
    upStarted = Date.now();
    check('up', 'up -d', await project.run(['up', '-d'], opts(10 * MINUTE)));
    result.upSeconds = (Date.now() - upStarted) / 1000;

    step('port');
    const portResult = await project.run(['port', WEB_SERVICE, String(app.port)], opts(MINUTE));
    check('port', `port ${WEB_SERVICE} ${app.port}`, portResult);
    const published = parsePortAnswer(portResult.stdout);
    if (!published) {
      throw new DivioUpError(
        'port',
        `port ${WEB_SERVICE} ${app.port}: nothing published (answer: ${JSON.stringify(portResult.stdout.trim())})`,
      );
    }
    if (published.port !== webPort) {
      throw new DivioUpError(
        'port',
        `port ${WEB_SERVICE} ${app.port} answered ${published.port}, not ${WEB_PORT_VARIABLE}=${webPort}: the host port is not ${WEB_PORT_VARIABLE}'s`,
      );
    }
    result.port = published.port;

    step('migrate');
    check(
      'migrate',
      `release command (${app.release.join(' ')})`,
      await project.run(['run', '--rm', '-T', WEB_SERVICE, ...app.release], opts(30 * MINUTE)),
    );

    step('ready');
    const base = `http://127.0.0.1:${published.port}`;
    try {
      await waitForReady(`${base}${app.health.readiness}`, {
        timeoutMs: ctx.readyTimeoutMs,
        signal: ctx.signal,
      });
    } catch (error) {
      throw new DivioUpError(
        error instanceof StepError && error.step === 'interrupted' ? 'interrupted' : 'ready',
        (error as Error).message,
      );
    }
    result.readySeconds = (Date.now() - upStarted) / 1000;

    step('upload');
    const uploadStart = Date.now();
    const content = `divio-up ${ctx.runId} ${app.name}\n`;
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), 'divio-up.txt');
    let id: string | undefined;
    try {
      const response = await fetch(`${base}/api/media`, {
        method: 'POST',
        body: form,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(MINUTE)]),
      });
      const body = await response.text();
      if (response.status !== 201) {
        throw new Error(`POST /api/media answered ${response.status}: ${body.slice(0, 300)}`);
      }
      id = (JSON.parse(body) as { id?: string }).id;
      if (!id) throw new Error(`POST /api/media answered no id: ${body.slice(0, 300)}`);
    } catch (error) {
      throw new DivioUpError('upload', (error as Error).message);
    }
    const stored = findStoredFile(dataDir, id, content);
    if (!stored) {
      throw new DivioUpError(
        'upload',
        `the upload (${id}) answered 201, but no file with its content is under ${dataDir}`,
      );
    }
    result.storedAt = `data/${stored}`;
    result.uploadSeconds = (Date.now() - uploadStart) / 1000;
    result.ok = true;
  } catch (error) {
    const stepError = error instanceof DivioUpError ? error : undefined;
    result.failedStep = ctx.signal.aborted ? 'interrupted' : (stepError?.step ?? 'up');
    result.error = stepError ? stepError.message : ((error as Error).stack ?? String(error));
    writeFileSync(logFile, `\n# FAILED (${result.failedStep}): ${result.error}\n`, { flag: 'a' });
  } finally {
    if (!result.ok && upStarted > 0) {
      const logs = await project.run(['logs', '--no-color', '--tail=200'], { timeoutMs: MINUTE });
      result.logs = tail(`${logs.stdout}${logs.stderr}`, 400);
      writeFileSync(logFile, `\n# container logs\n${result.logs}\n`, { flag: 'a' });
    }
    const cleanup = await removeWhatWasWritten(project, dataDir, before, logFile);
    await teardown(project, logFile);
    ctx.active?.delete(project);
    // The image `build web` tagged for this project (v1 `<project>_web`, v2 `<project>-web`);
    // --no-prune keeps its layers as the next build's cache.
    for (const separator of ['_', '-'])
      await removeImage(`${name}${separator}${WEB_SERVICE}`, exec);
    if (cleanup && result.ok) {
      result.ok = false;
      result.failedStep = 'cleanup';
      result.error = cleanup;
    }
    result.totalSeconds = (Date.now() - started) / 1000;
  }
  return result;
}

/**
 * Removes what the run added under ./data, and only that: through a one-off `web` container
 * as root with no dependencies (the files are the image user's, a ./data that Docker made
 * is root's), then ./data itself on the host when the run created it (an empty directory
 * goes with the parent's permission). Returns a problem to report, if any.
 */
async function removeWhatWasWritten(
  project: ComposeProject,
  dataDir: string,
  before: ReadonlySet<string> | undefined,
  logFile: string,
): Promise<string | undefined> {
  const after = listTree(dataDir);
  if (!after) return undefined;
  const added = newTopPaths(before ?? new Set(), after);
  if (added.length > 0) {
    const removed = await project.run(
      [
        'run',
        '--rm',
        '-T',
        '--no-deps',
        '--user',
        'root',
        WEB_SERVICE,
        'rm',
        '-rf',
        '--',
        ...added.map((path) => `${DATA_MOUNT_TARGET}/${path}`),
      ],
      { logFile, timeoutMs: 5 * MINUTE },
    );
    if (removed.code !== 0) {
      return `could not remove ${added.join(', ')} under ${dataDir}: ${tail(removed.stderr, 5)}`;
    }
  }
  if (!before) {
    try {
      rmdirSync(dataDir);
    } catch (error) {
      return `could not remove ${dataDir}, which this run created: ${(error as Error).message}`;
    }
  }
  const left = listTree(dataDir);
  const stray = left ? newTopPaths(before ?? new Set(), left) : [];
  return stray.length > 0 ? `left under ${dataDir}: ${stray.join(', ')}` : undefined;
}

const seconds = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)}s`);

/** The per-app table: the seconds of each step and where the upload landed. */
export function renderDivioUpTable(results: readonly DivioUpResult[]): string {
  const header = [
    'app',
    'build',
    'up -d',
    'up → ready',
    'upload',
    'total',
    'port web 80',
    'result',
  ];
  const rows = results.map((r) => [
    r.app,
    seconds(r.buildSeconds),
    seconds(r.upSeconds),
    seconds(r.readySeconds),
    seconds(r.uploadSeconds),
    seconds(r.totalSeconds),
    r.port === undefined ? '-' : String(r.port),
    r.ok ? `passed (${r.storedAt})` : `FAILED at ${r.failedStep}`,
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
