// The compose file the fault suite generates for an app (never an edit of the app's own
// file): the app's built image as one or more web replicas, the app's own database and S3
// emulator services (taken from its `compose config`), and optionally a reverse proxy in
// front of the replicas. Two shapes:
//
//   read-only  one `web` replica with `read_only: true`, a tmpfs at /tmp and a volume at the
//              media directory: what the contract says the app may write to, nothing more;
//   replicas   `web1`..`webN` behind `proxy` (nginx), on PostgreSQL and S3, each replica
//              also published on its own port so a test can read through every one.
//
// The file is JSON, which every YAML parser (and so every Compose) reads.
import { DATABASE_SERVICE, EMULATORS, WEB_SERVICE } from './conventions.js';
import type { StorageKind } from './manifest.js';
import { type ComposeConfig, cellEnvironment, environmentOf } from './override.js';

/** Where the app may write in a read-only container (docs/contract.md, "Filesystem"). */
export const WRITABLE_TMPFS = '/tmp';
export const MEDIA_VOLUME = '/data';

export interface FaultStackOptions {
  config: ComposeConfig;
  image: string;
  command: readonly string[] | undefined;
  /** The port the app listens on inside its container. */
  appPort: number;
  storage: Extract<StorageKind, 'file' | 's3'>;
  /** One host port per replica; one port gives a single service named `web`. */
  webPorts: readonly number[];
  /** Host port for the S3 emulator (its public URL, for the 302s of /content). */
  emulatorPort?: number;
  /** The reverse proxy in front of the replicas, if any. */
  proxy?: { image: string; port: number; configFile: string };
  readOnly: boolean;
  contractEnv: Readonly<Record<string, string>>;
}

export interface FaultStack {
  services: Record<string, Record<string, unknown>>;
}

/** The parts of a dependency service (database, emulator) worth copying from the app's file. */
const COPIED_KEYS = [
  'image',
  'command',
  'entrypoint',
  'environment',
  'healthcheck',
  'init',
  'user',
  'stop_signal',
];

export function copyService(config: ComposeConfig, name: string): Record<string, unknown> {
  const service = config.services[name] as Record<string, unknown> | undefined;
  if (!service) throw new Error(`the app's compose file has no "${name}" service`);
  const copy: Record<string, unknown> = {};
  for (const key of COPIED_KEYS) if (service[key] !== undefined) copy[key] = service[key];
  if (typeof copy.image !== 'string') {
    throw new Error(`service "${name}" names no image (build it before generating the stack)`);
  }
  return copy;
}

/** The names of the web services: `web` alone, or `web1`..`webN`. */
export function replicaNames(count: number): string[] {
  return count === 1 ? [WEB_SERVICE] : Array.from({ length: count }, (_, i) => `web${i + 1}`);
}

export function renderFaultStack(options: FaultStackOptions): FaultStack {
  const { config, storage } = options;
  const services: FaultStack['services'] = {};
  services[DATABASE_SERVICE] = copyService(config, DATABASE_SERVICE);
  const dependsOn: Record<string, { condition: string }> = {
    [DATABASE_SERVICE]: { condition: 'service_healthy' },
  };
  let emulatorPublicUrl: string | undefined;
  if (storage === 's3') {
    const emulator = EMULATORS.s3;
    const s3 = copyService(config, emulator.service);
    if (options.emulatorPort !== undefined) {
      s3.ports = [`127.0.0.1:${options.emulatorPort}:${emulator.port}`];
      emulatorPublicUrl = `http://127.0.0.1:${options.emulatorPort}`;
    }
    services[emulator.service] = s3;
    dependsOn[emulator.service] = { condition: 'service_healthy' };
  }
  const environment = {
    // What the app's own file gives web (env_file included), then the production-like
    // settings the matrix uses too: DEBUG off, the contract's table, the cell's backends.
    ...environmentOf(config.services[WEB_SERVICE]),
    DEBUG: 'False',
    ...options.contractEnv,
    ...cellEnvironment(
      { database: 'postgres', storage },
      { config, ...(emulatorPublicUrl ? { emulatorPublicUrl } : {}) },
    ),
  };
  const names = replicaNames(options.webPorts.length);
  names.forEach((name, index) => {
    const web: Record<string, unknown> = {
      image: options.image,
      init: true,
      environment,
      ports: [`127.0.0.1:${options.webPorts[index]}:${options.appPort}`],
      depends_on: dependsOn,
    };
    if (options.command?.length) web.command = [...options.command];
    if (options.readOnly) {
      web.read_only = true;
      web.tmpfs = [WRITABLE_TMPFS];
      // The file backend's media directory: a volume, as on the platform's local setup.
      if (storage === 'file') web.volumes = [MEDIA_VOLUME];
    }
    services[name] = web;
  });
  if (options.proxy) {
    services.proxy = {
      image: options.proxy.image,
      ports: [`127.0.0.1:${options.proxy.port}:80`],
      volumes: [`${options.proxy.configFile}:/etc/nginx/conf.d/default.conf:ro`],
      depends_on: names,
    };
  }
  return { services };
}

/**
 * nginx in front of the replicas, standing in for the platform's load balancer: it
 * terminates TLS there, so it sends `X-Forwarded-Proto: https`. A replica that refuses or
 * does not answer a connection within 2 s is skipped for the request (a request already
 * sent to it is never sent twice: nginx does not retry a POST that reached a backend).
 */
export function renderNginxConfig(replicas: readonly string[], appPort: number): string {
  const servers = replicas
    .map((name) => `  server ${name}:${appPort} max_fails=1 fail_timeout=10s;`)
    .join('\n');
  return `# Generated by compose-harness faults: round robin over the app's replicas.
upstream app {
${servers}
}
server {
  listen 80;
  # Uploads stream through to the app, which enforces its own limit.
  client_max_body_size 0;
  proxy_request_buffering off;
  location / {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto https;
    proxy_connect_timeout 2s;
    proxy_read_timeout 30s;
    proxy_next_upstream error timeout;
  }
}
`;
}
