// Runs a plan: each app's image is built once (the first of its cells waits for it), the
// cells run in a pool of `jobs`, and every project still up is torn down on SIGINT,
// SIGTERM or a crash before the process exits.
import { spawnSync } from 'node:child_process';
import { type ComposeProject, composeArgs } from './compose.js';
import { removeImage } from './docker.js';
import type { Exec } from './exec.js';
import type { Cell } from './plan.js';
import {
  type AppBuild,
  type CellResult,
  buildApp as defaultBuildApp,
  type HarnessContext,
  removeCodeVolumes,
  runCell,
  SharedServices,
  StepError,
  teardown,
  withCodeVolumes,
} from './run-cell.js';
import { type ServicesMode, sharedNeeds } from './shared-services.js';

export interface RunOptions {
  jobs: number;
  /**
   * `shared`: one database server per engine and one emulator per backend for the whole run,
   * each cell with its own database and bucket in them; `per-cell` (default here): every
   * cell starts its app's own services from its compose file.
   */
  services?: ServicesMode;
  keepImages?: boolean;
  exec?: Exec;
  /** For tests: replaces the image build. */
  buildApp?: (app: Cell['app'], ctx: HarnessContext) => Promise<AppBuild>;
  onResult?: (result: CellResult) => void;
}

export async function runPool<T, R>(
  items: readonly T[],
  jobs: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

export async function runMatrix(
  cells: readonly Cell[],
  baseCtx: HarnessContext,
  options: RunOptions,
): Promise<CellResult[]> {
  const shared =
    options.services === 'shared' ? new SharedServices(baseCtx, sharedNeeds(cells)) : undefined;
  const ctx: HarnessContext = shared ? { ...baseCtx, shared } : baseCtx;
  try {
    return await runCells(cells, ctx, options);
  } finally {
    await shared?.stop();
  }
}

async function runCells(
  cells: readonly Cell[],
  ctx: HarnessContext,
  options: RunOptions,
): Promise<CellResult[]> {
  const build = options.buildApp ?? defaultBuildApp;
  const builds = new Map<string, Promise<AppBuild>>();
  // Execution order interleaves the apps, so parallel workers build different apps at
  // the same time instead of waiting on one build; results keep the plan's order.
  const order = interleaveByApp(cells);
  const byCell = new Map<Cell, CellResult>();
  await runPool(order, options.jobs, async (cell) => {
    byCell.set(cell, await runOne(cell));
  });
  const results = cells.map((cell) => byCell.get(cell) as CellResult);
  async function runOne(cell: Cell): Promise<CellResult> {
    if (ctx.signal.aborted)
      return notRun(cell, ctx, 'interrupted', 'interrupted before it started');
    ctx.onPhase?.(cell, 'building');
    let pending = builds.get(cell.app.name);
    if (!pending) {
      pending = build(cell.app, ctx).then((built) => withCodeVolumes(built, ctx));
      builds.set(cell.app.name, pending);
    }
    let appBuild: AppBuild;
    try {
      appBuild = await pending;
    } catch (error) {
      const step = ctx.signal.aborted
        ? 'interrupted'
        : error instanceof StepError
          ? error.step
          : 'build';
      return notRun(cell, ctx, step, (error as Error).message);
    }
    const result = await runCell(cell, appBuild, ctx);
    options.onResult?.(result);
    return result;
  }
  for (const pending of builds.values()) {
    const built = await pending.catch(() => undefined);
    if (!built) continue;
    await removeCodeVolumes(built, options.exec ?? ctx.exec);
    if (!options.keepImages) await removeImage(built.image, options.exec ?? ctx.exec);
  }
  return results;
}

/** Round robin over the apps: a1 b1 c1 a2 b2 c2 ... */
export function interleaveByApp(cells: readonly Cell[]): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    const group = groups.get(cell.app.name) ?? [];
    group.push(cell);
    groups.set(cell.app.name, group);
  }
  const out: Cell[] = [];
  for (let i = 0; out.length < cells.length; i++) {
    for (const group of groups.values()) {
      const cell = group[i];
      if (cell) out.push(cell);
    }
  }
  return out;
}

function notRun(
  cell: Cell,
  ctx: HarnessContext,
  step: CellResult['failedStep'],
  error: string,
): CellResult {
  return {
    id: cell.id,
    app: cell.app.name,
    database: cell.database,
    storage: cell.storage,
    ok: false,
    ...(step ? { failedStep: step } : {}),
    error,
    logFile: `${ctx.workDir}/${cell.app.name}.build.log`,
  };
}

/**
 * Installs SIGINT/SIGTERM and crash handlers for the duration of a run. The first signal
 * aborts the running steps (each cell's `finally` then tears its project down); a second
 * one tears down whatever is still active right away and exits.
 */
export function installInterruptHandlers(
  controller: AbortController,
  active: Set<ComposeProject>,
  log: (line: string) => void,
): () => void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`${signal}: stopping the running cells and tearing everything down (again to hurry)`);
      controller.abort();
      return;
    }
    log(`${signal} again: tearing down ${active.size} project(s) now`);
    void Promise.all([...active].map((project) => teardown(project))).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  const onCrash = (error: unknown) => {
    log(`crashed: ${(error as Error)?.stack ?? String(error)}`);
    controller.abort();
    void Promise.all([...active].map((project) => teardown(project))).finally(() =>
      process.exit(1),
    );
  };
  // Last resort: if the process ends while projects are still up (a bug, an exit from
  // elsewhere), tear them down synchronously before it goes.
  const onExit = (code: number) => {
    if (active.size === 0) return;
    log(`exiting (code ${code}) with ${active.size} project(s) still up: tearing them down`);
    for (const project of active) {
      spawnSync(
        project.cli.command,
        composeArgs(project.cli, project.spec, [
          'down',
          '-v',
          '--remove-orphans',
          '--timeout',
          '5',
        ]),
        {
          cwd: project.spec.cwd,
          env: { ...process.env, ...project.spec.env },
          stdio: 'ignore',
          timeout: 120_000,
        },
      );
    }
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}
