// The one file the harness adds to an app's own docker-compose.yml for a cell, and the
// checks that the app's file can take it.
//
// Compose merges files service by service. Verified with docker-compose 1.29 and the
// Compose Specification (v2): `image`, `command` and `healthcheck.test` are replaced,
// `environment` is merged by name (the override wins, and wins over `env_file`), `volumes`
// are merged by their path in the container, and `ports` are concatenated: an override can
// never remove a port of the base file (v1 has no `!reset`). Hence the rules the check
// enforces: the app's docker-compose.yml publishes `web`'s port 80 on the host port
// `${WEB_PORT:-8000}` (Divio's CLI runs that file alone and asks `port web 80`; the harness
// sets WEB_PORT to a free port and adds no port of its own) and no other fixed host port.
//
// The override is JSON, which every YAML parser (and so every Compose) reads.
import { parse as parseYaml } from 'yaml';
import {
  AZURITE_EMULATOR,
  DATA_MOUNT_TARGET,
  DATABASE_ENGINES,
  DATABASE_NAME,
  DATABASE_SERVICE,
  EMULATORS,
  FILE_STORAGE_DSN,
  S3_EMULATOR,
  WEB_PORT_PROBE,
  WEB_PORT_VARIABLE,
  WEB_SERVICE,
} from './conventions.js';
import type { AppManifest, StorageKind } from './manifest.js';
import type { Cell } from './plan.js';

export interface ServiceConfig {
  image?: string;
  build?: unknown;
  command?: unknown;
  container_name?: string;
  user?: string | number;
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

type PortEntry = NonNullable<ServiceConfig['ports']>[number];

/** A `ports` entry's host port (if it fixes one) and container port. */
export function portMapping(entry: PortEntry): { host?: string; container?: string } {
  // A container port only: an ephemeral host port.
  if (typeof entry === 'number') return { container: String(entry) };
  if (typeof entry === 'string') {
    const spec = entry.replace(/\/(tcp|udp|sctp)$/, '');
    // [ip:]host:container, where ip may be bracketed IPv6
    const match = /^(?:(?:\[[^\]]*\]|[^:]*):)?([^:]*):([^:]+)$/.exec(spec);
    if (!match) return { container: spec };
    return {
      ...(match[1] ? { host: match[1] } : {}),
      ...(match[2] ? { container: match[2] } : {}),
    };
  }
  const { published, target } = entry;
  return {
    ...(published === undefined || published === null || published === ''
      ? {}
      : { host: String(published) }),
    ...(target === undefined ? {} : { container: String(target) }),
  };
}

/** The host port a `ports` entry publishes, if it fixes one (`8000:80`, `127.0.0.1:8000:80`). */
export function fixedHostPort(entry: PortEntry): string | undefined {
  return portMapping(entry).host;
}

/** A service's bind mounts (host directories or files) as source and container path. */
export function bindMounts(
  service: ServiceConfig | undefined,
): Array<{ source: string; target: string }> {
  const mounts: Array<{ source: string; target: string }> = [];
  for (const volume of service?.volumes ?? []) {
    if (typeof volume === 'string') {
      const parts = volume.split(':');
      if (parts.length < 2) continue; // an anonymous volume: "/app/node_modules"
      const [source, target] = parts;
      if (source && target && /^([./~]|[A-Za-z]:[\\/])/.test(source))
        mounts.push({ source, target });
    } else if (volume.type === 'bind' && volume.source && volume.target) {
      mounts.push({ source: volume.source, target: volume.target });
    }
  }
  return mounts;
}

/** Every container path a service mounts something at (bind mounts, named and anonymous volumes). */
export function volumeTargets(service: ServiceConfig | undefined): string[] {
  const targets: string[] = [];
  for (const volume of service?.volumes ?? []) {
    if (typeof volume === 'string') {
      const parts = volume.split(':');
      const target = parts.length < 2 ? parts[0] : parts[1];
      if (target) targets.push(target);
    } else if (volume.target) {
      targets.push(volume.target);
    }
  }
  return targets;
}

/**
 * The paths of web's mounts that hold the image's own files (the source tree `.:/app` and
 * the anonymous `/app/node_modules`, `/app/dist` of the developer setup): every mount but the
 * media directory. In a cell they must show the image's files, never the host's.
 */
export function codeMountTargets(config: ComposeConfig): string[] {
  return volumeTargets(config.services[WEB_SERVICE]).filter(
    (target) => target !== DATA_MOUNT_TARGET && !target.startsWith(`${DATA_MOUNT_TARGET}/`),
  );
}

/** The container paths of a service's bind mounts. */
export function bindMountTargets(service: ServiceConfig | undefined): string[] {
  return bindMounts(service).map((mount) => mount.target);
}

/** `depends_on` as service name -> condition, whichever syntax the file used. */
export function dependencyConditions(service: ServiceConfig | undefined): Record<string, string> {
  const raw = service?.depends_on;
  const conditions: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const name of raw) if (typeof name === 'string') conditions[name] = 'service_started';
  } else if (isRecord(raw)) {
    for (const [name, spec] of Object.entries(raw)) {
      conditions[name] =
        isRecord(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started';
    }
  }
  return conditions;
}

function isRoot(user: ServiceConfig['user']): boolean {
  if (user === undefined) return false;
  const name = String(user).split(':')[0];
  return name === 'root' || name === '0';
}

export interface ConfigProblem {
  level: 'error' | 'warning';
  message: string;
}

/**
 * Checks an app's compose configuration (parsed `compose config` of its own file, all
 * profiles enabled, run with WEB_PORT set to WEB_PORT_PROBE) against the harness's
 * conventions. Errors make cells impossible or unsafe to run side by side, or the file
 * unusable under Divio's CLI (`-f docker-compose.yml` alone); warnings are printed.
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
  const database = config.services[DATABASE_SERVICE];
  if (!database) error(`no "${DATABASE_SERVICE}" service (Divio's name for the default database)`);
  else if (!environmentOf(database).SERVICE_MANAGER)
    error(
      `service "${DATABASE_SERVICE}" sets no SERVICE_MANAGER (fsm-postgres or fsm-mysql): Divio's CLI reads it to dump and restore the database`,
    );
  if (web) problems.push(...checkDivioCliShape(config, manifest, source));
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
      // web's own port, published through WEB_PORT: checked by checkDivioCliShape.
      if (name === WEB_SERVICE && port === WEB_PORT_PROBE) continue;
      if (port) {
        error(
          `service "${name}" publishes the fixed host port ${port}; an override cannot remove it, so parallel cells would collide. Publish web's port as "127.0.0.1:\${${WEB_PORT_VARIABLE}:-8000}:${manifest.port}" and keep other developer ports in docker-compose.override.yml`,
        );
      }
    }
  }
  return problems;
}

/**
 * What Divio's CLI needs from docker-compose.yml alone (it passes `-f`, so the override never
 * helps): `web` publishes its container port through WEB_PORT, does not run as root, and a
 * host directory it mounts at /data is made writable by a one-off service that `web` waits
 * for (`service_completed_successfully`).
 */
function checkDivioCliShape(
  config: ComposeConfig,
  manifest: AppManifest,
  source: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const error = (message: string) =>
    problems.push({ level: 'error', message: `${source}: ${message}` });
  const web = config.services[WEB_SERVICE];
  const wanted = `"127.0.0.1:\${${WEB_PORT_VARIABLE}:-8000}:${manifest.port}"`;
  const own = (web?.ports ?? [])
    .map(portMapping)
    .filter((mapping) => mapping.container === String(manifest.port));
  if (own.length === 0) {
    error(
      `service "${WEB_SERVICE}" does not publish its port ${manifest.port}: Divio's CLI runs \`-f docker-compose.yml\` alone (never the override) and finds the app with \`port ${WEB_SERVICE} ${manifest.port}\`. Publish it as ${wanted}`,
    );
  } else if (!own.some((mapping) => mapping.host === WEB_PORT_PROBE)) {
    error(
      `service "${WEB_SERVICE}" publishes its port ${manifest.port} on a host port that ${WEB_PORT_VARIABLE} does not set: use ${wanted}, so side-by-side stacks can pick free ports`,
    );
  }
  if (isRoot(web?.user)) {
    error(
      `service "${WEB_SERVICE}" runs as root: the image's non-root user must serve (make ./data writable with a one-off service instead)`,
    );
  }
  const data = bindMounts(web).find((mount) => mount.target === DATA_MOUNT_TARGET);
  if (data) {
    const prepared = Object.entries(dependencyConditions(web)).some(
      ([name, condition]) =>
        condition === 'service_completed_successfully' &&
        bindMounts(config.services[name]).some((mount) => mount.source === data.source),
    );
    if (!prepared) {
      error(
        `service "${WEB_SERVICE}" mounts ${data.source} at ${DATA_MOUNT_TARGET}, but nothing in this file makes it writable for the image's non-root user: add a one-off service (as root: mkdir and chown) that mounts it too, and make ${WEB_SERVICE} depend on it with condition service_completed_successfully`,
      );
    }
  }
  return problems;
}

export interface CellEnvironmentOptions {
  /** The emulator's base URL as the contract suite (on the host) can reach it, if published. */
  emulatorPublicUrl?: string;
  /** The base compose config, for the PostgreSQL credentials it sets. */
  config?: ComposeConfig;
  /**
   * Shared services (`run --services shared`): the database server's host name and the
   * cell's own database on it, and where its storage lives. Default: the app's own
   * `database_default` with the database its compose file creates.
   */
  database?: { host: string; name: string };
  storage?: StorageTarget;
}

/** Where a cell's storage lives: the emulator's host name and the bucket or container. */
export interface StorageTarget {
  /** The emulator's host name on the network web is on (default: the app's service name). */
  host?: string;
  /** The bucket (S3) or container (Azure) (default: the compose file's `media`). */
  bucket?: string;
}

function storageDsn(
  storage: StorageKind,
  publicUrl: string | undefined,
  target: StorageTarget = {},
): string {
  switch (storage) {
    case 'file':
      return FILE_STORAGE_DSN;
    case 's3': {
      const { accessKeyId, secretAccessKey, region } = S3_EMULATOR;
      const bucket = target.bucket ?? S3_EMULATOR.bucket;
      const endpoint = `http://${target.host ?? EMULATORS.s3.service}:${EMULATORS.s3.port}`;
      const query = new URLSearchParams({
        endpoint,
        region_name: region,
        url: `${publicUrl ?? endpoint}/${bucket}/`,
      });
      return `s3://${accessKeyId}:${secretAccessKey}@${bucket}/?${query}`;
    }
    case 'azure': {
      const { account, accountKey } = AZURITE_EMULATOR;
      const container = target.bucket ?? AZURITE_EMULATOR.container;
      const endpoint = `http://${target.host ?? EMULATORS.azure.service}:${EMULATORS.azure.port}/${account}`;
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
    const database =
      options.database?.name ?? (env.POSTGRES_DB || (env.POSTGRES_USER ? user : DATABASE_NAME));
    const host = options.database?.host ?? DATABASE_SERVICE;
    databaseUrl = `postgres://${encodeURIComponent(user)}${password}@${host}:${DATABASE_ENGINES.postgres.port}/${encodeURIComponent(database)}`;
  } else {
    const host = options.database?.host ?? DATABASE_SERVICE;
    const database = options.database?.name ?? DATABASE_NAME;
    databaseUrl = `mysql://root@${host}:${DATABASE_ENGINES.mysql.port}/${encodeURIComponent(database)}`;
  }
  return {
    DATABASE_URL: databaseUrl,
    DEFAULT_STORAGE_DSN: storageDsn(cell.storage, options.emulatorPublicUrl, options.storage),
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
  /** Free port on 127.0.0.1 for the storage emulator, when the cell uses one. */
  emulatorPort?: number;
  /** The contract's environment (contractEnv), applied on top of the app's env_file. */
  contractEnv: Readonly<Record<string, string>>;
  /** The MariaDB image, for MySQL-family cells (`${MARIADB_IMAGE}` or its default). */
  mariadbImage: string;
  /**
   * Container path -> name of an existing volume holding the image's files there (see
   * codeMountTargets); mounted read-only instead of an anonymous volume.
   */
  codeVolumes?: Readonly<Record<string, string>>;
  /**
   * Shared services (`run --services shared`): the run's network, the cell's own database on
   * the shared server, and its own bucket or container in the shared emulator.
   */
  shared?: {
    network: string;
    database: { host: string; name: string };
    storage: StorageTarget;
    /** The shared emulator's base URL on 127.0.0.1, for the DSN's public `url=`. */
    emulatorPublicUrl?: string;
  };
}

export type Override = {
  version?: string;
  services: Record<string, Record<string, unknown>>;
  networks?: Record<string, Record<string, unknown>>;
  volumes?: Record<string, Record<string, unknown>>;
};

/** The override for one cell (see the file comment for the merge rules it relies on). */
export function renderOverride(options: OverrideOptions): Override {
  const { cell, config } = options;
  const emulator = cell.storage === 'file' ? undefined : EMULATORS[cell.storage];
  const emulatorPublicUrl = options.shared
    ? options.shared.emulatorPublicUrl
    : emulator && options.emulatorPort !== undefined
      ? `http://127.0.0.1:${options.emulatorPort}`
      : undefined;
  const env = cellEnvironment(cell, {
    config,
    ...(emulatorPublicUrl ? { emulatorPublicUrl } : {}),
    ...(options.shared
      ? { database: options.shared.database, storage: options.shared.storage }
      : {}),
  });
  // No `ports`: the app's file publishes web's port through WEB_PORT, which the harness sets
  // to a free port (see cellProjectEnv); a port added here would be appended, not replace it.
  const web: Record<string, unknown> = {
    image: options.image,
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
  const topVolumes: Record<string, Record<string, unknown>> = {};
  if (options.codeVolumes && Object.keys(options.codeVolumes).length > 0) {
    // The image's files through volumes filled once per app and run (read-only, shared by
    // the app's cells): an anonymous volume would be filled anew for every container, which
    // copies the whole of /app (about 15,000 files) twice per cell.
    const code = options.codeVolumes;
    const mounts: unknown[] = (web.volumes as string[]).filter((target) => !(target in code));
    Object.entries(code).forEach(([target, name], index) => {
      const key = `harness_code_${index}`;
      mounts.push({ type: 'volume', source: key, target, read_only: true });
      topVolumes[key] = { external: true, name };
    });
    web.volumes = mounts;
  }
  if (options.command?.length) web.command = [...options.command];
  if ((web.volumes as unknown[]).length === 0) delete web.volumes;
  const services: Override['services'] = { [WEB_SERVICE]: web };
  // Helpers that share a host directory with web (media_init's ./data, the database's .:/app
  // for Divio's dumps) get the same anonymous volume treatment: a cell writes nothing into
  // the app's directory on the host.
  const webSources = new Set(bindMounts(config.services[WEB_SERVICE]).map((m) => m.source));
  for (const [name, service] of Object.entries(config.services)) {
    if (name === WEB_SERVICE) continue;
    const shared = bindMounts(service)
      .filter((mount) => webSources.has(mount.source))
      .map((mount) => mount.target);
    if (shared.length > 0) services[name] = { volumes: shared };
  }
  const volumesKey = Object.keys(topVolumes).length > 0 ? { volumes: topVolumes } : {};
  if (options.shared) {
    // The cell's database and storage live in the run's shared services: web (and the
    // release command, a one-off `web`) joins their network; the app's own database and
    // emulator services are not started (`--no-deps`).
    web.networks = ['default', SHARED_NETWORK_KEY];
    return {
      ...(config.version ? { version: config.version } : {}),
      services,
      networks: { [SHARED_NETWORK_KEY]: { external: true, name: options.shared.network } },
      ...volumesKey,
    };
  }
  if (cell.database === 'mysql') {
    const shared = services[DATABASE_SERVICE]?.volumes as string[] | undefined;
    // Divio names the default database `database_default` whatever its engine: a
    // MySQL-family cell swaps the engine of that service.
    services[DATABASE_SERVICE] = {
      ...mariadbService(options.mariadbImage),
      volumes: [...(shared ?? []), '/var/lib/mysql'],
    };
  }
  if (emulator && options.emulatorPort !== undefined) {
    services[emulator.service] = { ports: [`127.0.0.1:${options.emulatorPort}:${emulator.port}`] };
  }
  return { ...(config.version ? { version: config.version } : {}), services, ...volumesKey };
}

/** The key under which a shared-services cell's override declares the run's network. */
export const SHARED_NETWORK_KEY = 'harness_shared';

/** MariaDB in place of PostgreSQL (the compose files' docker-compose.mysql.yml does the same). */
export function mariadbService(image: string): Record<string, unknown> {
  return {
    image,
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
  };
}

/**
 * Interpolation variables for a cell's compose calls: web's host port. The app's file
 * publishes `${WEB_PORT:-8000}:80`, so this is how the harness moves it to a free port.
 */
export function cellProjectEnv(webPort: number): Record<string, string> {
  return { [WEB_PORT_VARIABLE]: String(webPort) };
}
