// `compose-harness faults`: what can go wrong only with containers, per app (see README.md,
// "Fault scenarios"):
//
//   secrets    no secret of .env-local or of the contract's environment in any image layer
//   read-only  the runtime image with a read-only root filesystem (a tmpfs at /tmp, a volume
//              at the media directory) passes the contract suite
//   replicas   three replicas behind nginx on PostgreSQL and S3: every upload is readable
//              through every replica; one replica stopped (SIGTERM) under a bounded load
//              loses no acknowledged upload
//
// Every stack is a compose file generated from the app's own `compose config` (the app's
// files are never edited) and torn down with `down -v`, also on failure and Ctrl-C.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComposeProject } from './compose.js';
import { DATABASE_ENGINES, WEB_SERVICE } from './conventions.js';
import { exec as defaultExec, type ExecResult, tail } from './exec.js';
import { renderFaultStack, renderNginxConfig, replicaNames } from './fault-stack.js';
import type { AppBuild, HarnessContext } from './run-cell.js';
import {
  projectName,
  readTestCounts,
  runContract,
  StepError,
  teardown,
  waitForReady,
} from './run-cell.js';
import { type Needle, scanImage } from './secrets.js';

export const FAULT_SCENARIOS = ['secrets', 'read-only', 'replicas'] as const;
export type FaultScenario = (typeof FAULT_SCENARIOS)[number];

export interface FaultResult {
  app: string;
  scenario: FaultScenario;
  ok: boolean;
  seconds: number;
  /** One line of figures for the summary table. */
  detail: string;
  error?: string;
  logs?: string;
  logFile: string;
}

export interface FaultContext extends HarnessContext {
  /** The reverse proxy image (PROXY_IMAGE or its default). */
  proxyImage: string;
  needles: readonly Needle[];
  /** Replica scenario: uploads under load and how many run at once. */
  loadUploads: number;
  loadConcurrency: number;
}

const MINUTE = 60_000;

function check(step: StepError['step'], what: string, result: ExecResult): void {
  if (result.aborted) throw new StepError('interrupted', `${what}: interrupted`);
  if (result.code !== 0) {
    throw new StepError(step, `${what} failed (exit ${result.code}): ${tail(result.stderr, 8)}`);
  }
}

export async function runSecretsScenario(build: AppBuild, ctx: FaultContext): Promise<FaultResult> {
  const logFile = join(ctx.workDir, `${build.app.name}.secrets.log`);
  const started = Date.now();
  const result: FaultResult = {
    app: build.app.name,
    scenario: 'secrets',
    ok: false,
    seconds: 0,
    detail: '',
    logFile,
  };
  try {
    const scan = await scanImage(build.image, ctx.needles, `@divio-samples/${build.app.name}`);
    const megabytes = (scan.bytes / 1e6).toFixed(0);
    writeFileSync(
      logFile,
      `# ${build.image}: ${ctx.needles.length} secrets looked for in docker history and ${megabytes} MB of docker save\n` +
        `# looked for: ${ctx.needles.map((n) => n.name).join('; ')}\n` +
        `# found: ${scan.leaks.join('; ') || 'none'}\n`,
    );
    result.detail = `${ctx.needles.length} secrets, history + ${megabytes} MB of layers: ${scan.leaks.length} found`;
    if (!scan.controlFound) {
      result.error = `the scan did not see the app's own package name in ${build.image}: its layers are not readable as plain bytes, so a clean result would prove nothing`;
    } else if (scan.leaks.length > 0) {
      result.error = `secrets baked into ${build.image}: ${scan.leaks.join('; ')}`;
    } else {
      result.ok = true;
    }
  } catch (error) {
    result.error = (error as Error).message;
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

/** Writes the stack, starts it (database, migrations, replicas) and waits for readiness. */
async function startStack(
  build: AppBuild,
  ctx: FaultContext,
  scenario: FaultScenario,
  stack: ReturnType<typeof renderFaultStack>,
  logFile: string,
): Promise<ComposeProject> {
  const file = join(ctx.workDir, `${build.app.name}.${scenario}.compose.json`);
  writeFileSync(file, `${JSON.stringify(stack, null, 2)}\n`);
  const project = new ComposeProject(
    ctx.cli,
    {
      name: projectName(ctx.runId, `${build.app.name}-${scenario}`),
      files: [file],
      cwd: ctx.workDir,
      env: { ...ctx.imageVars },
    },
    ctx.exec ?? defaultExec,
  );
  ctx.active?.add(project);
  const opts = (timeoutMs: number) => ({ logFile, timeoutMs, signal: ctx.signal });
  const webs = Object.keys(stack.services).filter((name) => name.startsWith(WEB_SERVICE));
  const first = webs[0];
  if (!first) throw new StepError('start', 'the stack has no web service');
  const dependencies = Object.keys(stack.services).filter(
    (name) => !name.startsWith(WEB_SERVICE) && name !== 'proxy',
  );
  check(
    'start',
    'starting the database and storage',
    await project.run(['up', '-d', '--no-build', ...dependencies], opts(10 * MINUTE)),
  );
  check(
    'migrate',
    `release command (${build.app.release.join(' ')})`,
    await project.run(['run', '--rm', '-T', first, ...build.app.release], opts(30 * MINUTE)),
  );
  check(
    'start',
    'starting the web replicas',
    await project.run(['up', '-d', '--no-build'], opts(10 * MINUTE)),
  );
  return project;
}

async function collectLogs(project: ComposeProject, result: FaultResult): Promise<void> {
  const logs = await project.run(['logs', '--no-color', '--tail=120'], { timeoutMs: MINUTE });
  result.logs = tail(`${logs.stdout}${logs.stderr}`, 300);
  appendFileSync(result.logFile, `\n# container logs\n${result.logs}\n`);
}

function fail(result: FaultResult, error: unknown, ctx: HarnessContext): void {
  result.error = ctx.signal.aborted
    ? 'interrupted'
    : error instanceof StepError
      ? `${error.step}: ${error.message}`
      : ((error as Error).stack ?? String(error));
  appendFileSync(result.logFile, `\n# FAILED: ${result.error}\n`);
}

export async function runReadOnlyScenario(
  build: AppBuild,
  ctx: FaultContext,
): Promise<FaultResult> {
  const { app } = build;
  const logFile = join(ctx.workDir, `${app.name}.read-only.log`);
  writeFileSync(logFile, `# ${app.name} read-only (run ${ctx.runId})\n`);
  const result: FaultResult = {
    app: app.name,
    scenario: 'read-only',
    ok: false,
    seconds: 0,
    detail: '',
    logFile,
  };
  const started = Date.now();
  const webPort = await ctx.freePort();
  const stack = renderFaultStack({
    config: build.config,
    image: build.image,
    command: build.cmd,
    appPort: app.port,
    storage: 'file',
    webPorts: [webPort],
    readOnly: true,
    contractEnv: ctx.contractEnv,
  });
  let project: ComposeProject | undefined;
  try {
    project = await startStack(build, ctx, 'read-only', stack, logFile);
    await waitForReady(`http://127.0.0.1:${webPort}${app.health.readiness}`, {
      timeoutMs: ctx.readyTimeoutMs,
      signal: ctx.signal,
    });
    const ready = (Date.now() - started) / 1000;
    // The contract suite as the matrix runs it, with the web container's log followed.
    const report = join(ctx.workDir, `${app.name}.read-only.contract.json`);
    const contract = await runContract(project, ctx, {
      exec: ctx.exec ?? defaultExec,
      webPort,
      framework: app.framework,
      database: DATABASE_ENGINES.postgres.client,
      storage: 'file',
      report,
      webLog: join(ctx.workDir, `${app.name}.read-only.web.log`),
      logFile,
    });
    const counts = readTestCounts(report);
    result.detail = `read_only + tmpfs /tmp + volume /data; ready ${ready.toFixed(0)}s; contract ${
      counts
        ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`
        : 'no report'
    }`;
    check('contract', 'contract suite on a read-only root filesystem', contract);
    result.ok = true;
  } catch (error) {
    fail(result, error, ctx);
    if (project) await collectLogs(project, result);
  } finally {
    if (project) {
      await teardown(project, logFile);
      ctx.active?.delete(project);
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

interface Upload {
  id: string;
  sha256: string;
}

const FORWARDED = { 'x-forwarded-proto': 'https' };

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One upload of random bytes; the answer's status and, on 201, what was stored. */
async function upload(
  baseUrl: string,
  size: number,
): Promise<{ status: number | string; upload?: Upload }> {
  const bytes = randomBytes(size);
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'fault.bin');
  try {
    const response = await fetch(`${baseUrl}/api/media`, {
      method: 'POST',
      body: form,
      headers: FORWARDED,
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json().catch(() => ({}))) as { id?: unknown };
    if (response.status === 201 && typeof body.id === 'string') {
      return { status: 201, upload: { id: body.id, sha256: sha256(bytes) } };
    }
    return { status: response.status };
  } catch (error) {
    return {
      status: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name,
    };
  }
}

/** Reads an upload's content through one base URL (following the 302 to storage). */
async function readable(baseUrl: string, item: Upload): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl}/api/media/${item.id}/content`, {
      headers: FORWARDED,
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status !== 200) return `HTTP ${response.status}`;
    const digest = sha256(new Uint8Array(await response.arrayBuffer()));
    return digest === item.sha256 ? undefined : 'different bytes';
  } catch (error) {
    return (error as Error).message;
  }
}

async function unreadable(
  bases: Readonly<Record<string, string>>,
  items: readonly Upload[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const item of items) {
    for (const [name, base] of Object.entries(bases)) {
      const problem = await readable(base, item);
      if (problem) problems.push(`${item.id} through ${name}: ${problem}`);
    }
  }
  return problems;
}

function countBy(values: ReadonlyArray<number | string>): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n}x ${value}`).join(', ');
}

export async function runReplicasScenario(
  build: AppBuild,
  ctx: FaultContext,
  replicas = 3,
): Promise<FaultResult> {
  const { app } = build;
  const logFile = join(ctx.workDir, `${app.name}.replicas.log`);
  writeFileSync(logFile, `# ${app.name} replicas (run ${ctx.runId})\n`);
  const result: FaultResult = {
    app: app.name,
    scenario: 'replicas',
    ok: false,
    seconds: 0,
    detail: '',
    logFile,
  };
  const started = Date.now();
  const names = replicaNames(replicas);
  const webPorts: number[] = [];
  for (let i = 0; i < replicas; i++) webPorts.push(await ctx.freePort());
  const proxyPort = await ctx.freePort();
  const emulatorPort = await ctx.freePort();
  const configFile = join(ctx.workDir, `${app.name}.replicas.nginx.conf`);
  writeFileSync(configFile, renderNginxConfig(names, app.port));
  const stack = renderFaultStack({
    config: build.config,
    image: build.image,
    command: build.cmd,
    appPort: app.port,
    storage: 's3',
    webPorts,
    emulatorPort,
    proxy: { image: ctx.proxyImage, port: proxyPort, configFile },
    readOnly: false,
    contractEnv: ctx.contractEnv,
  });
  const log = (line: string) => appendFileSync(logFile, `# ${line}\n`);
  let project: ComposeProject | undefined;
  try {
    project = await startStack(build, ctx, 'replicas', stack, logFile);
    const bases: Record<string, string> = { proxy: `http://127.0.0.1:${proxyPort}` };
    names.forEach((name, i) => {
      bases[name] = `http://127.0.0.1:${webPorts[i]}`;
    });
    for (const base of Object.values(bases)) {
      await waitForReady(`${base}${app.health.readiness}`, {
        timeoutMs: ctx.readyTimeoutMs,
        signal: ctx.signal,
      });
    }
    const ready = (Date.now() - started) / 1000;

    // 1. Spread: two uploads through each replica, each read through every replica and the proxy.
    const spread: Upload[] = [];
    for (const name of names) {
      for (let i = 0; i < 2; i++) {
        const answer = await upload(bases[name] as string, 20_000 + i * 1_000);
        if (!answer.upload)
          throw new StepError('contract', `upload through ${name}: ${answer.status}`);
        spread.push(answer.upload);
      }
    }
    const spreadProblems = await unreadable(bases, spread);
    if (spreadProblems.length > 0) {
      throw new StepError(
        'contract',
        `uploads not readable through every replica: ${spreadProblems.slice(0, 5).join('; ')}`,
      );
    }
    log(
      `spread: ${spread.length} uploads, each read through ${Object.keys(bases).length} endpoints`,
    );

    // 2. Load through the proxy; one replica gets SIGTERM (docker stop) once some uploads are
    //    acknowledged. Every 201 must stay readable; failures are counted, never retried.
    const victim = names[1] ?? names[0];
    if (!victim) throw new StepError('start', 'no replica to stop');
    const victimId = (await project.run(['ps', '-q', victim], { timeoutMs: MINUTE })).stdout.trim();
    const statuses: Array<number | string> = [];
    const acknowledged: Upload[] = [];
    let next = 0;
    let stopping: Promise<ExecResult> | undefined;
    let stopSeconds = 0;
    // How many uploads had been started when the stop began: the rest ran during or after it.
    let sentBeforeStop = 0;
    const stopAfter = Math.max(1, Math.floor(ctx.loadUploads / 5));
    const exec = ctx.exec ?? defaultExec;
    const worker = async () => {
      while (next < ctx.loadUploads && !ctx.signal.aborted) {
        next++;
        // 64 to 512 KB: long enough to be in flight when the replica is told to stop.
        const answer = await upload(
          bases.proxy as string,
          65_536 + Math.floor(Math.random() * 458_752),
        );
        statuses.push(answer.status);
        if (answer.upload) acknowledged.push(answer.upload);
        if (!stopping && acknowledged.length >= stopAfter) {
          const stopStarted = Date.now();
          sentBeforeStop = next;
          log(
            `stopping ${victim} (SIGTERM, 20 s grace) after ${acknowledged.length} acknowledged uploads`,
          );
          stopping = exec('docker', ['stop', '--time', '20', victimId], {
            logFile,
            timeoutMs: MINUTE,
          }).then((stopped) => {
            stopSeconds = (Date.now() - stopStarted) / 1000;
            return stopped;
          });
        }
      }
    };
    const loadStarted = Date.now();
    await Promise.all(Array.from({ length: ctx.loadConcurrency }, worker));
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    if (!stopping)
      throw new StepError('contract', `no upload was acknowledged (${countBy(statuses)})`);
    check('contract', `docker stop ${victim}`, await stopping);
    const exit = await exec('docker', ['inspect', '--format', '{{.State.ExitCode}}', victimId], {
      timeoutMs: MINUTE,
    });
    const exitCode = exit.stdout.trim();

    // The proxy's view of the stop (which requests it could not hand on, and why), kept in
    // the log whether or not the scenario passes.
    const proxyLog = await project.run(['logs', '--no-color', 'proxy'], { timeoutMs: MINUTE });
    appendFileSync(
      logFile,
      `\n# proxy log (errors)\n${proxyLog.stdout
        .split('\n')
        .filter((line) => /error|\[warn\]|" 5\d\d /.test(line))
        .join('\n')}\n`,
    );
    const survivors = Object.fromEntries(Object.entries(bases).filter(([name]) => name !== victim));
    const lost = await unreadable(survivors, acknowledged);
    const failed = statuses.length - acknowledged.length;
    result.detail =
      `ready ${ready.toFixed(0)}s; ${spread.length} uploads read through ${Object.keys(bases).length} endpoints; ` +
      `load ${statuses.length} uploads x${ctx.loadConcurrency} in ${loadSeconds.toFixed(1)}s: ${acknowledged.length} acknowledged, ` +
      `${failed} not acknowledged (${failed ? countBy(statuses.filter((s) => s !== 201)) : 'none'}); ` +
      `${victim} stopped in ${stopSeconds.toFixed(1)}s (${statuses.length - sentBeforeStop} uploads started after), exit ${exitCode}; ` +
      `${lost.length} acknowledged uploads unreadable`;
    log(result.detail);
    if (lost.length > 0) {
      throw new StepError(
        'contract',
        `acknowledged uploads lost after stopping ${victim}: ${lost.slice(0, 5).join('; ')}`,
      );
    }
    if (exitCode !== '0') {
      throw new StepError(
        'contract',
        `${victim} exited with ${exitCode} after SIGTERM (expected 0)`,
      );
    }
    result.ok = true;
  } catch (error) {
    fail(result, error, ctx);
    if (project) await collectLogs(project, result);
  } finally {
    if (project) {
      await teardown(project, logFile);
      ctx.active?.delete(project);
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

/** The summary table: one row per app and scenario. */
export function renderFaultTable(results: readonly FaultResult[]): string {
  const rows = results.map((r) => [
    r.app,
    r.scenario,
    r.ok ? 'ok' : 'FAILED',
    `${r.seconds.toFixed(0)}s`,
    r.ok ? r.detail : `${r.detail ? `${r.detail}; ` : ''}${(r.error ?? '').split('\n')[0]}`,
  ]);
  const header = ['app', 'scenario', 'result', 'time', 'figures'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (i < 4 ? (row[i] ?? '').length : 0))),
  );
  const line = (row: string[]) =>
    row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
