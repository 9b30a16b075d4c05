// The few plain `docker` calls the harness makes: engine reachability and image facts.
import { exec as defaultExec, type Exec } from './exec.js';

/** True when `docker info` answers (an engine is reachable with the current settings). */
export async function engineReachable(exec: Exec = defaultExec): Promise<boolean> {
  const result = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], {
    timeoutMs: 20_000,
  });
  return result.code === 0 && result.stdout.trim() !== '';
}

export interface ImageFacts {
  id: string;
  /** Bytes, as `docker image inspect` reports them (uncompressed layers). */
  size: number;
  /** The image's CMD (exec form), as the platform would run it. */
  cmd: string[] | undefined;
  user: string;
}

export async function inspectImage(
  ref: string,
  exec: Exec = defaultExec,
): Promise<ImageFacts | undefined> {
  const result = await exec('docker', ['image', 'inspect', '--format', '{{json .}}', ref], {
    timeoutMs: 30_000,
  });
  if (result.code !== 0) return undefined;
  const doc = JSON.parse(result.stdout) as {
    Id: string;
    Size: number;
    Config?: { Cmd?: string[] | null; User?: string };
  };
  return {
    id: doc.Id,
    size: doc.Size,
    cmd: doc.Config?.Cmd ?? undefined,
    user: doc.Config?.User ?? '',
  };
}

export async function removeImage(ref: string, exec: Exec = defaultExec): Promise<void> {
  // --no-prune keeps the untagged parent layers: the classic builder's cache for the next run.
  await exec('docker', ['image', 'rm', '--force', '--no-prune', ref], { timeoutMs: 60_000 });
}

/**
 * Removes everything Docker labels as belonging to a compose project: containers (one-off
 * ones included), then networks and volumes. The fallback when `compose down` fails (for
 * example when a container was being created the moment a step was interrupted).
 */
export async function removeProjectByLabel(
  project: string,
  exec: Exec = defaultExec,
): Promise<void> {
  const filter = `label=com.docker.compose.project=${project}`;
  const list = async (args: string[]) =>
    (await exec('docker', args, { timeoutMs: 60_000 })).stdout.split('\n').filter(Boolean);
  const containers = await list(['ps', '-aq', '--filter', filter]);
  if (containers.length > 0)
    await exec('docker', ['rm', '-f', '-v', ...containers], { timeoutMs: 120_000 });
  const networks = await list(['network', 'ls', '-q', '--filter', filter]);
  if (networks.length > 0)
    await exec('docker', ['network', 'rm', ...networks], { timeoutMs: 60_000 });
  const volumes = await list(['volume', 'ls', '-q', '--filter', filter]);
  if (volumes.length > 0)
    await exec('docker', ['volume', 'rm', '-f', ...volumes], { timeoutMs: 60_000 });
}

/** One container's state, as `docker inspect` reports it. */
export interface ContainerState {
  name: string;
  /** created, running, exited, ... */
  status: string;
  exitCode: number;
  /** healthy, unhealthy, starting, or '' when the container has no healthcheck. */
  health: string;
}

const STATE_FORMAT =
  '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}';

/** Parses `docker inspect --format STATE_FORMAT` output, one container per line. */
export function parseContainerStates(text: string): ContainerState[] {
  const states: ContainerState[] = [];
  for (const line of text.split('\n')) {
    const [name, status, exitCode, health] = line.trim().split(/\s+/);
    if (!name || !status) continue;
    states.push({
      name: name.replace(/^\//, ''),
      status,
      exitCode: Number(exitCode ?? 0) || 0,
      health: health ?? '',
    });
  }
  return states;
}

/**
 * Whether a set of service containers is ready to be used: `ready` when every one is running
 * and healthy (or has no healthcheck), or is a one-off that exited 0; `failed` (with the
 * reason) when one exited non-zero or is unhealthy; else `waiting`.
 */
export function readiness(
  states: readonly ContainerState[],
): { verdict: 'ready' | 'waiting' } | { verdict: 'failed'; reason: string } {
  if (states.length === 0) return { verdict: 'waiting' };
  let waiting = false;
  for (const state of states) {
    if (state.status === 'exited' || state.status === 'dead') {
      if (state.exitCode !== 0)
        return { verdict: 'failed', reason: `${state.name} exited with code ${state.exitCode}` };
      continue;
    }
    if (state.health === 'unhealthy')
      return { verdict: 'failed', reason: `${state.name} is unhealthy` };
    if (state.status !== 'running' || (state.health !== '' && state.health !== 'healthy'))
      waiting = true;
  }
  return { verdict: waiting ? 'waiting' : 'ready' };
}

/** The states of every container Compose labels as belonging to a project. */
export async function projectContainerStates(
  project: string,
  exec: Exec = defaultExec,
): Promise<ContainerState[]> {
  const ids = (
    await exec('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], {
      timeoutMs: 60_000,
    })
  ).stdout
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = await exec('docker', ['inspect', '--format', STATE_FORMAT, ...ids], {
    timeoutMs: 60_000,
  });
  return parseContainerStates(inspected.stdout);
}
