import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ComposeNotFoundError,
  ComposeProject,
  composeArgs,
  detectCompose,
} from '../src/compose.js';
import { script, tempDir } from './helpers.js';

// Fake `docker` and `docker-compose` programs on a PATH of their own (shell builtins only).
let dir: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = tempDir();
  env = { PATH: dir.path, HOME: dir.path };
});
afterEach(() => dir.remove());

const dockerWithPlugin = (version: string) =>
  script(
    dir.path,
    'docker',
    `[ "$1 $2" = "compose version" ] && { echo "Docker Compose version ${version}"; exit 0; }\nexit 1`,
  );
const dockerWithoutPlugin = () =>
  script(
    dir.path,
    'docker',
    `[ "$1" = "compose" ] && { echo "docker: 'compose' is not a docker command." >&2; exit 1; }\nexit 0`,
  );
const standalone = (line: string) =>
  script(dir.path, 'docker-compose', `[ "$1" = "version" ] && { echo "${line}"; exit 0; }\nexit 1`);

describe('detectCompose', () => {
  it('prefers the docker compose plugin (v2)', async () => {
    dockerWithPlugin('v2.29.7');
    standalone('docker-compose version 1.29.2, build unknown');
    expect(await detectCompose({ env })).toEqual({
      flavour: 'v2',
      command: 'docker',
      prefix: ['compose'],
      version: '2.29.7',
      display: 'docker compose',
    });
  });

  it('falls back to docker-compose 1.29 (Debian 12)', async () => {
    dockerWithoutPlugin();
    standalone('docker-compose version 1.29.2, build unknown');
    expect(await detectCompose({ env })).toMatchObject({
      flavour: 'v1',
      command: 'docker-compose',
      prefix: [],
      version: '1.29.2',
    });
  });

  it('knows a v2 binary installed as docker-compose', async () => {
    standalone('Docker Compose version v2.24.6');
    expect(await detectCompose({ env })).toMatchObject({
      flavour: 'v2',
      command: 'docker-compose',
      version: '2.24.6',
    });
  });

  it('honours COMPOSE_HARNESS_COMPOSE', async () => {
    dockerWithPlugin('v2.29.7');
    standalone('docker-compose version 1.29.2, build unknown');
    expect(
      await detectCompose({ env: { ...env, COMPOSE_HARNESS_COMPOSE: 'docker-compose' } }),
    ).toMatchObject({ flavour: 'v1' });
    await expect(
      detectCompose({ env: { ...env, COMPOSE_HARNESS_COMPOSE: 'podman' } }),
    ).rejects.toThrow('COMPOSE_HARNESS_COMPOSE="podman": use "docker compose" or "docker-compose"');
  });

  it('says what it tried when neither exists', async () => {
    dockerWithoutPlugin();
    const error = await detectCompose({ env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeNotFoundError);
    expect((error as Error).message).toBe(
      'Docker Compose not found: tried docker compose (exit 1), docker-compose (not installed). Install the Compose plugin or docker-compose 1.29+.',
    );
  });
});

describe('ComposeProject', () => {
  const v1 = {
    flavour: 'v1',
    command: 'docker-compose',
    prefix: [],
    version: '1.29.2',
    display: 'docker-compose',
  } as const;
  const v2 = {
    flavour: 'v2',
    command: 'docker',
    prefix: ['compose'],
    version: '2.29.7',
    display: 'docker compose',
  } as const;
  const spec = {
    name: 'ch-1-express-postgres-s3',
    files: ['/a/docker-compose.yml', '/w/o.yml'],
    cwd: '/a',
    profiles: ['s3'],
  };

  it('passes project, files and profiles the same way to both spellings', () => {
    const tail = [
      '-p',
      spec.name,
      '-f',
      '/a/docker-compose.yml',
      '-f',
      '/w/o.yml',
      '--profile',
      's3',
      'up',
      '-d',
    ];
    expect(composeArgs(v1, spec, ['up', '-d'])).toEqual(tail);
    expect(composeArgs(v2, spec, ['up', '-d'])).toEqual(['compose', ...tail]);
  });

  it('runs the binary with the project env and COMPOSE_PROFILES', async () => {
    const log = join(dir.path, 'calls.log');
    script(
      dir.path,
      'docker-compose',
      `echo "$* | $NODE_IMAGE | $COMPOSE_PROFILES | $(pwd)" >> ${log}`,
    );
    const project = new ComposeProject(v1, {
      ...spec,
      cwd: dir.path,
      env: { NODE_IMAGE: 'local/node:24' },
    });
    const old = process.env.PATH;
    process.env.PATH = dir.path;
    try {
      expect((await project.run(['ps'])).code).toBe(0);
    } finally {
      process.env.PATH = old;
    }
    expect(readFileSync(log, 'utf8')).toBe(
      `-p ${spec.name} -f /a/docker-compose.yml -f /w/o.yml --profile s3 ps | local/node:24 | s3 | ${dir.path}\n`,
    );
  });

  it('rejects project names Compose would refuse', () => {
    expect(() => new ComposeProject(v1, { ...spec, name: 'Bad Name' })).toThrow(
      /compose project name "Bad Name"/,
    );
  });
});
