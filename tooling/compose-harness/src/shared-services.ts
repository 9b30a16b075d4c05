// Shared services (`run --services shared`, the default): one PostgreSQL, one MariaDB, one
// S3 emulator and one Azurite per run, as the cells need them, started once from the first
// built app's own service definitions (its `compose config`) in a compose project of their
// own, on a network of their own. Each cell then runs only its `web` service (`--no-deps`),
// joined to that network, against a database of its own (CREATE DATABASE before the release
// command, DROP DATABASE after the teardown) and a bucket or blob container of its own, so
// cells stay isolated from each other while no cell waits for a database to initialise.
//
// What this leaves out of a cell is the app's compose file starting its own `database_default`
// and emulators: `run --services per-cell` still does that per cell, `divio-up` runs every
// app's docker-compose.yml alone and as written, and the export phase of `npm test` boots
// every exported repository's compose file per cell.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComposeProject } from './compose.js';
import { DATABASE_SERVICE, EMULATORS } from './conventions.js';
import { copyService } from './fault-stack.js';
import type { DatabaseKind } from './manifest.js';
import { type ComposeConfig, environmentOf, mariadbService } from './override.js';
import type { Cell } from './plan.js';

export type ServicesMode = 'shared' | 'per-cell';
export const SERVICES_MODES: readonly ServicesMode[] = ['shared', 'per-cell'];

type EmulatedStorage = keyof typeof EMULATORS;

/** The shared services' names: also their host names on the shared network. */
export const SHARED_DATABASE_HOSTS: Readonly<Record<DatabaseKind, string>> = {
  postgres: 'shared-postgres',
  mysql: 'shared-mariadb',
};
export const SHARED_EMULATOR_HOSTS: Readonly<Record<EmulatedStorage, string>> = {
  s3: 'shared-s3',
  azure: 'shared-azurite',
};

export interface SharedNeeds {
  databases: DatabaseKind[];
  emulators: EmulatedStorage[];
}

/** Which servers the cells use: only those are started. */
export function sharedNeeds(cells: ReadonlyArray<Pick<Cell, 'database' | 'storage'>>): SharedNeeds {
  const databases = new Set<DatabaseKind>();
  const emulators = new Set<EmulatedStorage>();
  for (const cell of cells) {
    databases.add(cell.database);
    if (cell.storage !== 'file') emulators.add(cell.storage);
  }
  return {
    databases: (['postgres', 'mysql'] as const).filter((d) => databases.has(d)),
    emulators: (['s3', 'azure'] as const).filter((e) => emulators.has(e)),
  };
}

/** The cell's own database: `cell_` and its id in lower case, `_` for anything else. */
export function cellDatabaseName(cellId: string): string {
  return `cell_${cellId.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(0, 63);
}

/**
 * The cell's own bucket (S3) or container (Azure): valid for both, 3 to 63 lower-case
 * letters, digits and single hyphens, starting and ending with a letter or digit.
 */
export function cellBucketName(cellId: string): string {
  const name = `cell-${cellId.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
    .slice(0, 63)
    .replace(/-+$/, '');
  return name.length >= 3 ? name : `${name}-x`;
}

export interface SharedStackOptions {
  /** The parsed `compose config` of an app's own file, every profile on. */
  config: ComposeConfig;
  needs: SharedNeeds;
  mariadbImage: string;
  /** The network the stack creates and the cells join. */
  network: string;
  /** Host ports on 127.0.0.1 for the emulators, for the DSNs' public `url=`. */
  emulatorPorts: Partial<Record<EmulatedStorage, number>>;
}

/** The shared services' compose file (JSON, which every YAML parser reads). */
export function renderSharedStack(options: SharedStackOptions): {
  services: Record<string, Record<string, unknown>>;
  networks: Record<string, Record<string, unknown>>;
} {
  const services: Record<string, Record<string, unknown>> = {};
  for (const database of options.needs.databases) {
    services[SHARED_DATABASE_HOSTS[database]] =
      database === 'postgres'
        ? copyService(options.config, DATABASE_SERVICE)
        : mariadbService(options.mariadbImage);
  }
  for (const storage of options.needs.emulators) {
    const emulator = EMULATORS[storage];
    const service = copyService(options.config, emulator.service);
    const port = options.emulatorPorts[storage];
    if (port !== undefined) service.ports = [`127.0.0.1:${port}:${emulator.port}`];
    services[SHARED_EMULATOR_HOSTS[storage]] = service;
  }
  return { services, networks: { default: { name: options.network } } };
}

/** The SQL that makes and removes a cell's database, per engine (identifiers quoted). */
export function databaseStatements(
  engine: DatabaseKind,
  name: string,
): { create: string; drop: string } {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${JSON.stringify(name)}`);
  return engine === 'postgres'
    ? {
        create: `CREATE DATABASE "${name}"`,
        drop: `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
      }
    : { create: `CREATE DATABASE \`${name}\``, drop: `DROP DATABASE IF EXISTS \`${name}\`` };
}

/** The `docker exec` arguments that run one SQL statement in a shared database container. */
export function databaseExecArgs(
  engine: DatabaseKind,
  container: string,
  sql: string,
  config?: ComposeConfig,
): string[] {
  if (engine === 'postgres') {
    const user = environmentOf(config?.services[DATABASE_SERVICE]).POSTGRES_USER || 'postgres';
    return [
      'exec',
      container,
      'psql',
      '--username',
      user,
      '--dbname',
      'postgres',
      '--no-psqlrc',
      '-v',
      'ON_ERROR_STOP=1',
      '--command',
      sql,
    ];
  }
  return ['exec', container, 'mariadb', '--user=root', '--execute', sql];
}

/** Everything a cell needs to know about the running shared services. */
export interface SharedStack {
  project: ComposeProject;
  network: string;
  /** Container ids of the database servers. */
  databases: Partial<Record<DatabaseKind, string>>;
  emulatorPorts: Partial<Record<EmulatedStorage, number>>;
  config: ComposeConfig;
  /** Seconds from `up -d` to every service healthy. */
  startSeconds: number;
}

/** Writes the shared stack's file and returns the project that runs it. */
export function sharedProject(
  options: SharedStackOptions & {
    cli: ComposeProject['cli'];
    name: string;
    workDir: string;
    env: Readonly<Record<string, string>>;
    exec?: ConstructorParameters<typeof ComposeProject>[2];
  },
): ComposeProject {
  const file = join(options.workDir, 'shared-services.yml');
  writeFileSync(file, `${JSON.stringify(renderSharedStack(options), null, 2)}\n`);
  return new ComposeProject(
    options.cli,
    { name: options.name, files: [file], cwd: options.workDir, env: options.env },
    options.exec,
  );
}
