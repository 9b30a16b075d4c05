// Docker Compose, in either spelling: the `docker compose` plugin (v2) or the standalone
// `docker-compose` (v1.29 on Debian 12, or a v2 binary installed under that name).
// Everything the harness runs goes through `composeArgs`, so both behave the same:
// `-p <project> -f <app>/docker-compose.yml -f <generated override> [--profile ...] <cmd>`.
import { exec as defaultExec, type Exec, type ExecOptions, type ExecResult } from './exec.js';

export interface ComposeCli {
  /** `v2` for the plugin or a v2 standalone binary, `v1` for docker-compose 1.x. */
  flavour: 'v1' | 'v2';
  /** The program to run (`docker` or `docker-compose`). */
  command: string;
  /** Arguments before the compose arguments (`['compose']` for the plugin). */
  prefix: readonly string[];
  version: string;
  /** How users spell it: `docker compose` or `docker-compose`. */
  display: string;
}

export class ComposeNotFoundError extends Error {
  override name = 'ComposeNotFoundError';
}

function parseVersion(output: string): string | undefined {
  // `2.29.1`, `v2.29.1`, `docker-compose version 1.29.2, build unknown`, `Docker Compose version v2.29.1`
  return /v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/**
 * Finds Compose: `COMPOSE_HARNESS_COMPOSE` (`docker compose` or `docker-compose`) when set,
 * else the plugin, else the standalone binary.
 */
export async function detectCompose(
  options: { env?: NodeJS.ProcessEnv; exec?: Exec } = {},
): Promise<ComposeCli> {
  const env = options.env ?? process.env;
  const run = options.exec ?? defaultExec;
  const forced = env.COMPOSE_HARNESS_COMPOSE?.trim();
  const candidates: Array<{ command: string; prefix: string[]; display: string }> = [
    { command: 'docker', prefix: ['compose'], display: 'docker compose' },
    { command: 'docker-compose', prefix: [], display: 'docker-compose' },
  ];
  const chosen = forced ? candidates.filter((c) => c.display === forced) : candidates;
  if (forced && chosen.length === 0) {
    throw new ComposeNotFoundError(
      `COMPOSE_HARNESS_COMPOSE=${JSON.stringify(forced)}: use "docker compose" or "docker-compose"`,
    );
  }
  const tried: string[] = [];
  for (const candidate of chosen) {
    const result = await run(candidate.command, [...candidate.prefix, 'version'], {
      env,
      timeoutMs: 20_000,
    });
    const version = result.code === 0 ? parseVersion(result.stdout) : undefined;
    if (version) {
      return {
        ...candidate,
        version,
        flavour: version.startsWith('1.') ? 'v1' : 'v2',
      };
    }
    tried.push(
      `${candidate.display} (${result.code === 127 ? 'not installed' : `exit ${result.code}`})`,
    );
  }
  throw new ComposeNotFoundError(
    `Docker Compose not found: tried ${tried.join(', ')}. Install the Compose plugin or docker-compose 1.29+.`,
  );
}

export interface ProjectSpec {
  /** Unique per cell, so cells can run side by side: lower-case letters, digits, `-`, `_`. */
  name: string;
  /** Compose files, in order: the app's own file first, then generated overrides. */
  files: readonly string[];
  /** The app directory (compose resolves relative paths against the first file's directory). */
  cwd: string;
  profiles?: readonly string[];
  /** Variables for interpolation (image names, ...), on top of process.env. */
  env?: Readonly<Record<string, string>>;
}

/** The full argument list for one compose command of a project. */
export function composeArgs(
  cli: ComposeCli,
  project: ProjectSpec,
  args: readonly string[],
): string[] {
  const out = [...cli.prefix, '-p', project.name];
  for (const file of project.files) out.push('-f', file);
  for (const profile of project.profiles ?? []) out.push('--profile', profile);
  return [...out, ...args];
}

export function isValidProjectName(name: string): boolean {
  return /^[a-z0-9][a-z0-9_-]*$/.test(name);
}

/** A compose project bound to a CLI: `run(['up', '-d'])` and friends. */
export class ComposeProject {
  constructor(
    readonly cli: ComposeCli,
    readonly spec: ProjectSpec,
    private readonly execImpl: Exec = defaultExec,
  ) {
    if (!isValidProjectName(spec.name)) {
      throw new Error(
        `compose project name ${JSON.stringify(spec.name)}: use lower-case letters, digits, "-" and "_"`,
      );
    }
  }

  run(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const env = { ...process.env, ...this.spec.env, ...options.env };
    // v1 reads profiles from COMPOSE_PROFILES as well; set both so either spelling agrees.
    if (this.spec.profiles?.length) env.COMPOSE_PROFILES = this.spec.profiles.join(',');
    else delete env.COMPOSE_PROFILES;
    return this.execImpl(this.cli.command, composeArgs(this.cli, this.spec, args), {
      ...options,
      cwd: this.spec.cwd,
      env,
    });
  }
}
