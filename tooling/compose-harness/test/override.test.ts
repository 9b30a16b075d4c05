import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { WEB_PORT_PROBE } from '../src/conventions.js';
import {
  bindMountTargets,
  type ComposeConfig,
  cellEnvironment,
  cellProjectEnv,
  checkComposeConfig,
  codeMountTargets,
  dependencyConditions,
  environmentOf,
  fixedHostPort,
  parseComposeConfig,
  portMapping,
  renderOverride,
} from '../src/override.js';
import { manifest, tempDir } from './helpers.js';

const baseYaml = `
services:
  web:
    build: .
    env_file: .env-local
    ports:
      - "127.0.0.1:\${WEB_PORT:-8000}:80"
    volumes:
      - ".:/app:rw"
      - "./data:/data:rw"
      - "/app/node_modules"
    depends_on:
      media_init:
        condition: service_completed_successfully
      database_default:
        condition: service_healthy
  media_init:
    image: node
    user: root
    volumes:
      - "./data:/data:rw"
    command: ["sh", "-c", "mkdir -p /data/media && chown node:node /data/media"]
  database_default:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      SERVICE_MANAGER: fsm-postgres
      POSTGRES_DB: db
      POSTGRES_HOST_AUTH_METHOD: trust
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
      interval: 2s
  s3:
    image: \${S3_IMAGE:-divio-samples/s3rver:3}
    profiles: ["s3"]
  azurite:
    image: \${AZURITE_IMAGE:-mcr.microsoft.com/azure-storage/azurite:3}
    profiles: ["azure"]
`;
// As `compose config` prints it when the check runs it (WEB_PORT set to the probe). The
// variable is spelled in two parts so the linter does not take it for a template literal.
const config: ComposeConfig = parseComposeConfig(
  baseYaml.replace(['$', '{WEB_PORT:-8000}'].join(''), WEB_PORT_PROBE),
);
const app = manifest();
const contractEnv = { STAGE: 'test', SECRET_KEY: 'k' };
const base = {
  config,
  image: 'divio-samples-harness/express:run1',
  command: ['node', 'dist/server.js'],
  contractEnv,
  mariadbImage: 'mariadb:10.11',
};

describe('compose config helpers', () => {
  it('reads environments in both syntaxes', () => {
    expect(environmentOf(config.services.database_default)).toEqual({
      SERVICE_MANAGER: 'fsm-postgres',
      POSTGRES_DB: 'db',
      POSTGRES_HOST_AUTH_METHOD: 'trust',
    });
    expect(environmentOf({ environment: ['A=1', 'B=x=y', 'C'] })).toEqual({ A: '1', B: 'x=y' });
  });

  it('finds fixed host ports in every syntax', () => {
    expect(fixedHostPort('8000:80')).toBe('8000');
    expect(fixedHostPort('127.0.0.1:8000:80/tcp')).toBe('8000');
    expect(fixedHostPort('[::1]:8000:80')).toBe('8000');
    expect(fixedHostPort('80')).toBeUndefined();
    expect(fixedHostPort('127.0.0.1::80')).toBeUndefined();
    expect(fixedHostPort(80)).toBeUndefined();
    expect(fixedHostPort({ published: 8000, target: 80 })).toBe('8000');
    expect(fixedHostPort({ target: 80 })).toBeUndefined();
    expect(portMapping('127.0.0.1:8000:80/tcp')).toEqual({ host: '8000', container: '80' });
    expect(portMapping('80')).toEqual({ container: '80' });
    expect(portMapping({ published: '8000', target: 80 })).toEqual({
      host: '8000',
      container: '80',
    });
  });

  it('reads depends_on in both syntaxes', () => {
    expect(dependencyConditions(config.services.web)).toEqual({
      media_init: 'service_completed_successfully',
      database_default: 'service_healthy',
    });
    expect(dependencyConditions({ depends_on: ['db'] })).toEqual({ db: 'service_started' });
    expect(dependencyConditions({})).toEqual({});
  });

  it('finds bind mounts, not named or anonymous volumes', () => {
    expect(bindMountTargets(config.services.web)).toEqual(['/app', '/data']);
    expect(
      bindMountTargets({
        volumes: [
          'media:/data',
          { type: 'bind', source: '/x', target: '/y' },
          { type: 'volume', target: '/z' },
        ],
      }),
    ).toEqual(['/y']);
  });
});

describe('checkComposeConfig', () => {
  it('accepts a file that follows the conventions', () => {
    expect(checkComposeConfig(config, app, 'dc.yml')).toEqual([]);
  });

  it('names what breaks parallel cells or a cell', () => {
    const broken = parseComposeConfig(`
services:
  web:
    image: x
    ports: ["8000:80"]
    container_name: web
  s3:
    image: s
`);
    expect(checkComposeConfig(broken, app, 'dc.yml').map((p) => p.message)).toEqual([
      'dc.yml: service "web" has no "build" (the harness builds the app\'s own Dockerfile)',
      'dc.yml: no "database_default" service (Divio\'s name for the default database)',
      expect.stringContaining(
        'dc.yml: service "web" publishes its port 80 on a host port that WEB_PORT does not set',
      ),
      'dc.yml: service "s3" must be in the profile "s3" (it only runs when asked for)',
      'dc.yml: no "azurite" service, but the manifest lists storage "azure"',
      'dc.yml: service "web" sets container_name "web": two projects could not run at once',
      expect.stringContaining('dc.yml: service "web" publishes the fixed host port 8000'),
    ]);
  });

  // Divio's CLI runs `-f docker-compose.yml` alone: nothing it needs may live in the override.
  it("fails a file that needs the override under Divio's CLI", () => {
    const web = config.services.web ?? {};
    const withWeb = (changes: Record<string, unknown>): ComposeConfig => ({
      services: { ...config.services, web: { ...web, ...changes } },
    });
    const messages = (changed: ComposeConfig) =>
      checkComposeConfig(changed, app, 'dc.yml').map((p) => p.message);
    expect(messages(withWeb({ ports: [] }))).toEqual([
      expect.stringMatching(/service "web" does not publish its port 80: Divio's CLI runs/),
    ]);
    expect(messages(withWeb({ ports: ['3000:3000'] }))).toEqual([
      expect.stringContaining('service "web" does not publish its port 80'),
      expect.stringContaining('service "web" publishes the fixed host port 3000'),
    ]);
    expect(messages(withWeb({ user: 'root' }))).toEqual([
      expect.stringContaining('service "web" runs as root'),
    ]);
    expect(messages(withWeb({ depends_on: { database_default: {} } }))).toEqual([
      expect.stringContaining('nothing in this file makes it writable'),
    ]);
    const { media_init: _dropped, ...withoutInit } = config.services;
    expect(
      checkComposeConfig({ services: withoutInit }, app, 'dc.yml').map((p) => p.message),
    ).toEqual([expect.stringContaining('nothing in this file makes it writable')]);
    const noManager: ComposeConfig = {
      services: { ...config.services, database_default: { image: 'postgres' } },
    };
    expect(checkComposeConfig(noManager, app, 'dc.yml').map((p) => p.message)).toEqual([
      expect.stringContaining('sets no SERVICE_MANAGER'),
    ]);
  });
});

describe('cellEnvironment', () => {
  it('points DATABASE_URL at database_default with the compose file credentials', () => {
    expect(
      cellEnvironment({ database: 'postgres', storage: 'file' }, { config }).DATABASE_URL,
    ).toBe('postgres://postgres@database_default:5432/db');
    const withPassword = parseComposeConfig(
      'services:\n  database_default:\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: "p@ss/word"\n',
    );
    expect(
      cellEnvironment({ database: 'postgres', storage: 'file' }, { config: withPassword })
        .DATABASE_URL,
    ).toBe('postgres://app:p%40ss%2Fword@database_default:5432/app');
    expect(cellEnvironment({ database: 'mysql', storage: 'file' }).DATABASE_URL).toBe(
      'mysql://root@database_default:3306/db',
    );
  });

  it('gives each storage its DSN, in-network endpoint, and the public URL the host can reach', () => {
    expect(cellEnvironment({ database: 'postgres', storage: 'file' }).DEFAULT_STORAGE_DSN).toBe(
      'file:///data/media/?url=%2Fmedia%2F',
    );
    const s3 = new URL(
      cellEnvironment(
        { database: 'postgres', storage: 's3' },
        { emulatorPublicUrl: 'http://127.0.0.1:5000' },
      ).DEFAULT_STORAGE_DSN,
    );
    expect(s3.protocol).toBe('s3:');
    expect(s3.host).toBe('media');
    expect(s3.searchParams.get('endpoint')).toBe('http://s3:4568');
    expect(s3.searchParams.get('url')).toBe('http://127.0.0.1:5000/media/');
    const az = new URL(
      cellEnvironment({ database: 'postgres', storage: 'azure' }).DEFAULT_STORAGE_DSN,
    );
    expect(az.username).toBe('devstoreaccount1');
    expect(decodeURIComponent(az.password)).toMatch(/==$/);
    expect(az.pathname).toBe('/media');
    expect(az.searchParams.get('endpoint')).toBe('http://azurite:10000/devstoreaccount1');
    expect(az.searchParams.get('url')).toBe('http://azurite:10000/devstoreaccount1/media/');
  });
});

describe('renderOverride', () => {
  it('adds no port, runs the image CMD, sets the cell env, drops bind mounts', () => {
    const override = renderOverride({
      ...base,
      cell: { app, database: 'postgres', storage: 'file' },
    });
    expect(override).toEqual({
      services: {
        web: {
          image: 'divio-samples-harness/express:run1',
          command: ['node', 'dist/server.js'],
          environment: {
            DEBUG: 'False',
            STAGE: 'test',
            SECRET_KEY: 'k',
            DATABASE_URL: 'postgres://postgres@database_default:5432/db',
            DEFAULT_STORAGE_DSN: 'file:///data/media/?url=%2Fmedia%2F',
          },
          volumes: ['/app', '/data'],
        },
        // What shares a host directory with web writes nothing there during a cell either.
        media_init: { volumes: ['/data'] },
      },
    });
    expect(cellProjectEnv(41234)).toEqual({ WEB_PORT: '41234' });
  });

  it('swaps database_default to MariaDB and publishes the emulator for a mysql x s3 cell', () => {
    const override = renderOverride({
      ...base,
      emulatorPort: 45678,
      cell: { app, database: 'mysql', storage: 's3' },
    });
    expect(override.services.database_default).toMatchObject({
      image: 'mariadb:10.11',
      command: ['mariadbd'],
      environment: { MARIADB_DATABASE: 'db', MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1' },
      healthcheck: { test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'] },
      volumes: ['/var/lib/mysql'],
    });
    expect(override.services.s3).toEqual({ ports: ['127.0.0.1:45678:4568'] });
    const env = override.services.web?.environment as Record<string, string>;
    expect(env.DATABASE_URL).toBe('mysql://root@database_default:3306/db');
    expect(new URL(env.DEFAULT_STORAGE_DSN as string).searchParams.get('url')).toBe(
      'http://127.0.0.1:45678/media/',
    );
  });

  it("with shared services: web joins their network, the cell has its own database and bucket, the app's services are left alone", () => {
    const override = renderOverride({
      ...base,
      cell: { app, database: 'mysql', storage: 'azure' },
      shared: {
        network: 'ch-1-shared-net',
        database: { host: 'shared-mariadb', name: 'cell_express_mysql_azure' },
        storage: { host: 'shared-azurite', bucket: 'cell-express-mysql-azure' },
        emulatorPublicUrl: 'http://127.0.0.1:45000',
      },
    });
    expect(Object.keys(override.services)).toEqual(['web', 'media_init']);
    expect(override.networks).toEqual({
      harness_shared: { external: true, name: 'ch-1-shared-net' },
    });
    const web = override.services.web as Record<string, unknown>;
    expect(web.networks).toEqual(['default', 'harness_shared']);
    const env = web.environment as Record<string, string>;
    expect(env.DATABASE_URL).toBe('mysql://root@shared-mariadb:3306/cell_express_mysql_azure');
    const dsn = new URL(env.DEFAULT_STORAGE_DSN as string);
    expect(dsn.pathname).toBe('/cell-express-mysql-azure');
    expect(dsn.searchParams.get('endpoint')).toBe('http://shared-azurite:10000/devstoreaccount1');
    expect(dsn.searchParams.get('url')).toBe(
      'http://127.0.0.1:45000/devstoreaccount1/cell-express-mysql-azure/',
    );
    const pg = renderOverride({
      ...base,
      cell: { app, database: 'postgres', storage: 's3' },
      shared: {
        network: 'n',
        database: { host: 'shared-postgres', name: 'cell_x' },
        storage: { host: 'shared-s3', bucket: 'cell-x' },
        emulatorPublicUrl: 'http://127.0.0.1:45001',
      },
    });
    const pgEnv = (pg.services.web as Record<string, unknown>).environment as Record<
      string,
      string
    >;
    expect(pgEnv.DATABASE_URL).toBe('postgres://postgres@shared-postgres:5432/cell_x');
    expect(pgEnv.DEFAULT_STORAGE_DSN).toMatch(
      /^s3:\/\/S3RVER:S3RVER@cell-x\/\?endpoint=http%3A%2F%2Fshared-s3%3A4568&/,
    );
    expect(new URL(pgEnv.DEFAULT_STORAGE_DSN as string).searchParams.get('url')).toBe(
      'http://127.0.0.1:45001/cell-x/',
    );
  });

  it("mounts the image's files from the run's code volumes, read-only, instead of anonymous volumes", () => {
    expect(codeMountTargets(config)).toEqual(['/app', '/app/node_modules']);
    const override = renderOverride({
      ...base,
      cell: { app, database: 'postgres', storage: 'file' },
      codeVolumes: { '/app': 'ch-1-express-code-0', '/app/node_modules': 'ch-1-express-code-1' },
    });
    expect(override.services.web?.volumes).toEqual([
      '/data',
      { type: 'volume', source: 'harness_code_0', target: '/app', read_only: true },
      { type: 'volume', source: 'harness_code_1', target: '/app/node_modules', read_only: true },
    ]);
    expect(override.volumes).toEqual({
      harness_code_0: { external: true, name: 'ch-1-express-code-0' },
      harness_code_1: { external: true, name: 'ch-1-express-code-1' },
    });
  });

  it('keeps the version key of a versioned file', () => {
    const versioned = { ...config, version: '3.8' };
    expect(
      renderOverride({
        ...base,
        config: versioned,
        cell: { app, database: 'postgres', storage: 'file' },
      }).version,
    ).toBe('3.8');
  });
});

// The merge rules the override relies on, checked against the real Compose when installed.
const compose = ['docker-compose', 'docker'].find((bin) => {
  const args = bin === 'docker' ? ['compose', 'version'] : ['version'];
  return spawnSync(bin, args, { encoding: 'utf8' }).status === 0;
});

describe.skipIf(!compose)(`merged by ${compose ?? 'Compose (not installed: skipped)'}`, () => {
  it('drops the bind mounts, moves web to WEB_PORT, replaces command and image, and the env wins over env_file', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'docker-compose.yml'), baseYaml);
      writeFileSync(join(dir.path, '.env-local'), 'DEBUG=True\nSTAGE=local\nOTHER=kept\n');
      const override = renderOverride({
        ...base,
        emulatorPort: 45678,
        cell: { app, database: 'mysql', storage: 's3' },
      });
      writeFileSync(join(dir.path, 'override.yml'), JSON.stringify(override));
      const prefix = compose === 'docker' ? ['compose'] : [];
      const result = spawnSync(
        compose as string,
        [
          ...prefix,
          '-p',
          'mergetest',
          '-f',
          'docker-compose.yml',
          '-f',
          'override.yml',
          '--profile',
          's3',
          'config',
        ],
        { cwd: dir.path, encoding: 'utf8', env: { ...process.env, ...cellProjectEnv(41234) } },
      );
      expect(result.stderr).not.toMatch(/error/i);
      expect(result.status).toBe(0);
      const merged = parseComposeConfig(result.stdout);
      const web = merged.services.web;
      expect(bindMountTargets(web)).toEqual([]);
      expect(bindMountTargets(merged.services.media_init)).toEqual([]);
      expect(web?.command).toEqual(['node', 'dist/server.js']);
      expect(web?.image).toBe('divio-samples-harness/express:run1');
      expect(
        (web?.ports ?? []).map((p) =>
          typeof p === 'object' ? `${p.host_ip}:${p.published}:${p.target}` : p,
        ),
      ).toEqual([expect.stringMatching(/^127\.0\.0\.1:41234:80/)]);
      const env = environmentOf(web);
      expect(env).toMatchObject({
        DEBUG: 'False',
        STAGE: 'test',
        OTHER: 'kept',
        DATABASE_URL: 'mysql://root@database_default:3306/db',
      });
      expect(merged.services.database_default?.image).toBe('mariadb:10.11');
      expect(environmentOf(merged.services.database_default).MARIADB_DATABASE).toBe('db');
      expect((merged.services.s3?.ports ?? []).length).toBe(1);
    } finally {
      dir.remove();
    }
  });

  it('with shared services: web is on its own network and the external shared one', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'docker-compose.yml'), baseYaml);
      writeFileSync(join(dir.path, '.env-local'), 'DEBUG=True\n');
      const override = renderOverride({
        ...base,
        cell: { app, database: 'postgres', storage: 'file' },
        shared: {
          network: 'ch-test-shared-net',
          database: { host: 'shared-postgres', name: 'cell_a' },
          storage: {},
        },
        codeVolumes: { '/app': 'ch-test-code-0', '/app/node_modules': 'ch-test-code-1' },
      });
      writeFileSync(join(dir.path, 'override.yml'), JSON.stringify(override));
      const prefix = compose === 'docker' ? ['compose'] : [];
      const result = spawnSync(
        compose as string,
        [...prefix, '-p', 'mergetest', '-f', 'docker-compose.yml', '-f', 'override.yml', 'config'],
        { cwd: dir.path, encoding: 'utf8', env: { ...process.env, ...cellProjectEnv(41234) } },
      );
      expect(result.status).toBe(0);
      const merged = parseYaml(result.stdout) as {
        services: Record<string, { networks?: unknown; volumes?: unknown[] }>;
        networks: Record<string, { external?: unknown; name?: string }>;
        volumes: Record<string, { external?: unknown; name?: string }>;
      };
      // The code volumes replace the source tree's bind mount and the anonymous
      // node_modules by their path; nothing of the host is mounted.
      const mounts = (merged.services.web?.volumes ?? []) as Array<
        string | { type?: string; source?: string; target?: string; read_only?: boolean }
      >;
      expect(
        mounts
          .map((m) =>
            typeof m === 'string'
              ? m
              : `${m.type}:${m.source ?? ''}:${m.target}:${m.read_only ?? false}`,
          )
          .sort(),
      ).toEqual([
        '/data',
        'volume:harness_code_0:/app:true',
        'volume:harness_code_1:/app/node_modules:true',
      ]);
      expect(merged.volumes.harness_code_0).toMatchObject({ name: 'ch-test-code-0' });
      expect(Object.keys(merged.services.web?.networks as object).sort()).toEqual([
        'default',
        'harness_shared',
      ]);
      expect(merged.networks.harness_shared).toMatchObject({ name: 'ch-test-shared-net' });
      expect(merged.networks.harness_shared?.external).toBeTruthy();
    } finally {
      dir.remove();
    }
  });
});
