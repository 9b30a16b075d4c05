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
