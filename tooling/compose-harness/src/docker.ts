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
