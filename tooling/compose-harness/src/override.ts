// The one file the harness adds to an app's own docker-compose.yml for a cell, and the
// checks that the app's file can take it.
//
// Compose merges files service by service. Verified with docker-compose 1.29 and the
// Compose Specification (v2): `image`, `command` and `healthcheck.test` are replaced,
// `environment` is merged by name (the override wins, and wins over `env_file`), `volumes`
// are merged by their path in the container, and `ports` are concatenated: an override can
// never remove a port of the base file (v1 has no `!reset`). Hence the rule the check
// enforces: the app's docker-compose.yml publishes no fixed host port (the app keeps its
// developer ports in docker-compose.override.yml, which `-f` skips).
//
// The override is JSON, which every YAML parser (and so every Compose) reads.
import { parse as parseYaml } from 'yaml';
import {
  AZURITE_EMULATOR,
  DATABASE_ENGINES,
  DATABASE_NAME,
  DATABASE_SERVICE,
  EMULATORS,
  FILE_STORAGE_DSN,
  S3_EMULATOR,
  WEB_SERVICE,
} from './conventions.js';
import type { AppManifest, StorageKind } from './manifest.js';
import type { Cell } from './plan.js';

export interface ServiceConfig {
  image?: string;
  build?: unknown;
  command?: unknown;
  container_name?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<
    string | number | { published?: string | number; target?: number; host_ip?: string }
  >;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  profiles?: string[];
  depends_on?: unknown;
  healthcheck?: unknown;
}

export interface ComposeConfig {
  version?: string;
  services: Record<string, ServiceConfig>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the output of `compose config` (the merged, interpolated file). */
export function parseComposeConfig(text: string, source = 'compose config'): ComposeConfig {
  const doc: unknown = parseYaml(text);
  if (!isRecord(doc) || !isRecord(doc.services)) {
    throw new Error(`${source}: no "services" mapping`);
  }
  return {
    ...(typeof doc.version === 'string' ? { version: doc.version } : {}),
    services: doc.services as Record<string, ServiceConfig>,
  };
}

/** A service's environment as a map, whichever syntax the file used. */
export function environmentOf(service: ServiceConfig | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = service?.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else if (raw) {
    for (const [key, value] of Object.entries(raw)) {
      if (value !== null && value !== undefined) env[key] = String(value);
    }
  }
  return env;
}

/** The host port a `ports` entry publishes, if it fixes one (`8000:80`, `127.0.0.1:8000:80`). */
export function fixedHostPort(
  entry: NonNullable<ServiceConfig['ports']>[number],
): string | undefined {
  if (typeof entry === 'number') return undefined; // container port only: an ephemeral host port
  if (typeof entry === 'string') {
    const spec = entry.replace(/\/(tcp|udp|sctp)$/, '');
    // [ip:]host:container, where ip may be bracketed IPv6
    const match = /^(?:(?:\[[^\]]*\]|[^:]*):)?([^:]*):([^:]+)$/.exec(spec);
    return match?.[1] ? match[1] : undefined;
  }
  const published = entry.published;
  return published === undefined || published === null || published === ''
    ? undefined
    : String(published);
}

/** The container paths of a service's bind mounts (host directories or files). */
export function bindMountTargets(service: ServiceConfig | undefined): string[] {
  const targets: string[] = [];
  for (const volume of service?.volumes ?? []) {
    if (typeof volume === 'string') {
      const parts = volume.split(':');
      if (parts.length < 2) continue; // an anonymous volume: "/app/node_modules"
      const [source, target] = parts;
      if (source && target && /^([./~]|[A-Za-z]:[\\/])/.test(source)) targets.push(target);
    } else if (volume.type === 'bind' && volume.target) {
      targets.push(volume.target);
    }
  }
  return targets;
}

export interface ConfigProblem {
  level: 'error' | 'warning';
  message: string;
}

/**
 * Checks an app's compose configuration (parsed `compose config` of its own file, all
 * profiles enabled) against the harness's conventions. Errors make cells impossible or
 * unsafe to run side by side; warnings are printed.
 */
export function checkComposeConfig(
  config: ComposeConfig,
  manifest: AppManifest,
  source: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const error = (message: string) =>
    problems.push({ level: 'error', message: `${source}: ${message}` });
  const web = config.services[WEB_SERVICE];
  if (!web) error(`no "${WEB_SERVICE}" service`);
  else if (!web.build)
    error(`service "${WEB_SERVICE}" has no "build" (the harness builds the app's own Dockerfile)`);
  if (!config.services[DATABASE_SERVICE])
    error(`no "${DATABASE_SERVICE}" service (Divio's name for the default database)`);
  for (const storage of manifest.storage) {
    if (storage === 'file') continue;
    const emulator = EMULATORS[storage];
    const service = config.services[emulator.service];
    if (!service) {
      error(`no "${emulator.service}" service, but the manifest lists storage "${storage}"`);
    } else if (!service.profiles?.includes(emulator.profile)) {
      error(
        `service "${emulator.service}" must be in the profile "${emulator.profile}" (it only runs when asked for)`,
      );
    }
  }
  for (const [name, service] of Object.entries(config.services)) {
    if (service.container_name) {
      error(
        `service "${name}" sets container_name "${service.container_name}": two projects could not run at once`,
      );
    }
    for (const entry of service.ports ?? []) {
      const port = fixedHostPort(entry);
      if (port) {
        error(
          `service "${name}" publishes the fixed host port ${port}; an override cannot remove it, so parallel cells would collide. Keep developer ports in docker-compose.override.yml`,
        );
      }
    }
  }
  return problems;
}

export interface CellEnvironmentOptions {
  /** The emulator's base URL as the contract suite (on the host) can reach it, if published. */
  emulatorPublicUrl?: string;
  /** The base compose config, for the PostgreSQL credentials it sets. */
  config?: ComposeConfig;
}

function storageDsn(storage: StorageKind, publicUrl: string | undefined): string {
  switch (storage) {
    case 'file':
      return FILE_STORAGE_DSN;
    case 's3': {
      const { bucket, accessKeyId, secretAccessKey, region } = S3_EMULATOR;
      const endpoint = `http://${EMULATORS.s3.service}:${EMULATORS.s3.port}`;
      const query = new URLSearchParams({
        endpoint,
        region_name: region,
        url: `${publicUrl ?? endpoint}/${bucket}/`,
      });
      return `s3://${accessKeyId}:${secretAccessKey}@${bucket}/?${query}`;
    }
    case 'azure': {
      const { container, account, accountKey } = AZURITE_EMULATOR;
      const endpoint = `http://${EMULATORS.azure.service}:${EMULATORS.azure.port}/${account}`;
      const base = publicUrl ? `${publicUrl}/${account}` : endpoint;
      const query = new URLSearchParams({ endpoint, url: `${base}/${container}/` });
      return `az://${account}:${encodeURIComponent(accountKey)}@blob.core.windows.net/${container}?${query}`;
    }
  }
}

/** DATABASE_URL and DEFAULT_STORAGE_DSN for a cell, with in-network host names. */
export function cellEnvironment(
  cell: Pick<Cell, 'database' | 'storage'>,
  options: CellEnvironmentOptions = {},
): { DATABASE_URL: string; DEFAULT_STORAGE_DSN: string } {
  let databaseUrl: string;
  if (cell.database === 'postgres') {
    const env = environmentOf(options.config?.services[DATABASE_SERVICE]);
    const user = env.POSTGRES_USER || 'postgres';
    const password = env.POSTGRES_PASSWORD ? `:${encodeURIComponent(env.POSTGRES_PASSWORD)}` : '';
    const database = env.POSTGRES_DB || (env.POSTGRES_USER ? user : DATABASE_NAME);
    databaseUrl = `postgres://${encodeURIComponent(user)}${password}@${DATABASE_SERVICE}:${DATABASE_ENGINES.postgres.port}/${encodeURIComponent(database)}`;
  } else {
    databaseUrl = `mysql://root@${DATABASE_SERVICE}:${DATABASE_ENGINES.mysql.port}/${DATABASE_NAME}`;
  }
  return {
    DATABASE_URL: databaseUrl,
    DEFAULT_STORAGE_DSN: storageDsn(cell.storage, options.emulatorPublicUrl),
  };
}

export interface OverrideOptions {
  cell: Pick<Cell, 'database' | 'storage'> & { app: Pick<AppManifest, 'port'> };
  /** The parsed `compose config` of the app's own file. */
  config: ComposeConfig;
  /** The image tag the harness built for the app. */
  image: string;
  /** The image's own CMD (exec form), so the container runs as in production. */
  command: readonly string[] | undefined;
  /** Free port on 127.0.0.1 for the web service. */
  webPort: number;
  /** Free port on 127.0.0.1 for the storage emulator, when the cell uses one. */
  emulatorPort?: number;
  /** The contract's environment (contractEnv), applied on top of the app's env_file. */
  contractEnv: Readonly<Record<string, string>>;
  /** The MariaDB image, for MySQL-family cells (`${MARIADB_IMAGE}` or its default). */
  mariadbImage: string;
}

export type Override = {
  version?: string;
  services: Record<string, Record<string, unknown>>;
};

/** The override for one cell (see the file comment for the merge rules it relies on). */
export function renderOverride(options: OverrideOptions): Override {
  const { cell, config } = options;
  const emulator = cell.storage === 'file' ? undefined : EMULATORS[cell.storage];
  const emulatorPublicUrl =
    emulator && options.emulatorPort !== undefined
      ? `http://127.0.0.1:${options.emulatorPort}`
      : undefined;
  const env = cellEnvironment(cell, {
    config,
    ...(emulatorPublicUrl ? { emulatorPublicUrl } : {}),
  });
  const web: Record<string, unknown> = {
    image: options.image,
    ports: [`127.0.0.1:${options.webPort}:${cell.app.port}`],
    environment: {
      // The developer settings of env_file (DEBUG, local stage, ...) must not leak into a
      // production-like run; the contract's table sets the rest.
      DEBUG: 'False',
      ...options.contractEnv,
      ...env,
    },
    // A bind mount of the source tree (the developer setup) would hide the built image:
    // an anonymous volume at the same path replaces it, filled from the image itself.
    volumes: bindMountTargets(config.services[WEB_SERVICE]),
  };
  if (options.command?.length) web.command = [...options.command];
  if ((web.volumes as string[]).length === 0) delete web.volumes;
  const services: Override['services'] = { [WEB_SERVICE]: web };
  if (cell.database === 'mysql') {
    // Divio names the default database `database_default` whatever its engine: a
    // MySQL-family cell swaps the engine of that service.
    services[DATABASE_SERVICE] = {
      image: options.mariadbImage,
      command: ['mariadbd'],
      environment: {
        SERVICE_MANAGER: 'fsm-mysql',
        MARIADB_DATABASE: DATABASE_NAME,
        MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1',
      },
      healthcheck: {
        test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
        interval: '2s',
        timeout: '5s',
        retries: 60,
      },
      volumes: ['/var/lib/mysql'],
    };
  }
  if (emulator && options.emulatorPort !== undefined) {
    services[emulator.service] = { ports: [`127.0.0.1:${options.emulatorPort}:${emulator.port}`] };
  }
  return { ...(config.version ? { version: config.version } : {}), services };
}
