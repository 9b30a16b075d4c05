// runCell and runMatrix against fake `docker` and `docker-compose` programs that record
// every call, a real HTTP server standing in for the app, and a fake contract CLI.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ComposeCli, ComposeProject } from '../src/compose.js';
import { WEB_PORT_PROBE } from '../src/conventions.js';
import { type Cell, planCells } from '../src/plan.js';
import {
  type AppBuild,
  buildApp,
  type HarnessContext,
  readTestCounts,
  runCell,
} from '../src/run-cell.js';
import { installInterruptHandlers, interleaveByApp, runMatrix, runPool } from '../src/runner.js';
import { manifest as makeManifest, script, tempDir } from './helpers.js';

const v1: ComposeCli = {
  flavour: 'v1',
  command: 'docker-compose',
  prefix: [],
  version: '1.29.2',
  display: 'docker-compose',
};

const composeYaml = `services:
  web:
    build: {context: ../.., dockerfile: apps/express/Dockerfile}
    ports: ['127.0.0.1:${WEB_PORT_PROBE}:80']
    volumes: ['/src:/app']
  database_default:
    image: postgres:15
    environment: {SERVICE_MANAGER: fsm-postgres, POSTGRES_DB: db, POSTGRES_HOST_AUTH_METHOD: trust}
  s3: {image: s3rver, profiles: [s3]}
  azurite: {image: azurite, profiles: [azure]}
`;

let dir: ReturnType<typeof tempDir>;
let calls: string;
let server: Server;
let readyStatus = 200;
let serverPort = 0;
const originalPath = process.env.PATH;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/readyz' ? readyStatus : 404, {
      'content-type': 'application/json',
    });
    res.end(JSON.stringify({ status: readyStatus === 200 ? 'ok' : 'unavailable' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverPort = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  dir = tempDir();
  calls = join(dir.path, 'calls.log');
  readyStatus = 200;
  const bin = join(dir.path, 'bin');
  writeFileSync(join(dir.path, 'config.yml'), composeYaml);
  mkdirSync(join(dir.path, 'apps', 'express'), { recursive: true });
  // Behaviour switches are files in dir: fail-run, slow-run, fail-build, fail-contract.
  script(
    bin,
    'docker-compose',
    `echo "compose $*" >> ${calls}
while [ $# -gt 0 ]; do case "$1" in -p|-f|--profile) shift 2;; *) break;; esac; done
case "$1" in
  version) echo "docker-compose version 1.29.2";;
  config) cat ${dir.path}/config.yml;;
  build) [ -f ${dir.path}/fail-build ] && { echo "npm ERR! build broke" >&2; exit 1; }; exit 0;;
  down) [ -f ${dir.path}/fail-down ] && { echo "No such container: cafe" >&2; exit 1; }; exit 0;;
  run) [ -f ${dir.path}/slow-run ] && exec sleep 30
       [ -f ${dir.path}/fail-run ] && { echo "migrate: connect ECONNREFUSED database_default:5432" >&2; exit 3; }; exit 0;;
  ps) echo cafe;;
  up) [ -f ${dir.path}/fail-up ] && { echo "pull access denied" >&2; exit 1; }; echo "$WEB_PORT" >> ${dir.path}/web-port;;
  logs) echo "web_1 | {\\"msg\\":\\"listening\\"}";;
esac
exit 0`,
  );
  script(
    bin,
    'docker',
    `echo "docker $*" >> ${calls}
case "$1 $2" in
  "image inspect") echo '{"Id":"sha256:abc","Size":123456789,"Config":{"Cmd":["node","dist/server.js"],"User":"node"}}';;
  "inspect --format") case "$3" in *Health*) echo "/c1 running 0 healthy";; *) echo true;; esac;;
  "logs --follow") echo '{"msg":"a request line from web"}'; echo 'a warning on stderr' >&2;;
  "ps -aq") echo c1;;
  "create --label") echo f00d;;
  "volume ls") echo v1;;
esac
exit 0`,
  );
  process.env.PATH = `${bin}:${originalPath}`;
});
afterEach(() => {
  process.env.PATH = originalPath;
  dir.remove();
});

function fakeContract(): string[] {
  const file = join(dir.path, 'contract.mjs');
  writeFileSync(
    file,
    `import { writeFileSync, existsSync } from 'node:fs';
const args = process.argv.slice(2);
const at = (flag) => args[args.indexOf(flag) + 1];
const res = await fetch(at('--base-url') + '/readyz');
const fail = existsSync(${JSON.stringify(join(dir.path, 'fail-contract'))});
writeFileSync(at('--json-report'), JSON.stringify({ numTotalTests: 40, numPassedTests: fail ? 38 : 40, numFailedTests: fail ? 2 : 0, numPendingTests: 0 }));
console.log('contract', args.join(' '), res.status);
process.exit(fail ? 1 : 0);
`,
  );
  return [process.execPath, file];
}

function context(overrides: Partial<HarnessContext> = {}): HarnessContext {
  const ports = [serverPort];
  return {
    root: dir.path,
    cli: v1,
    runId: 'ch-test',
    workDir: join(dir.path, 'work'),
    imageVars: { NODE_IMAGE: 'local/node:24' },
    mariadbImage: 'local/mariadb:10.11',
    contractEnv: { STAGE: 'test' },
    contractCommand: fakeContract(),
    readyTimeoutMs: 10_000,
    signal: new AbortController().signal,
    // The web port is the fake app's; any emulator port is just another number.
    freePort: async () => ports.shift() ?? 49_999,
    ...overrides,
  };
}

const app = () => makeManifest({}, join(dir.path, 'apps', 'express'));
const cell = (storage: 'file' | 's3' = 'file'): Cell => ({
  app: app(),
  database: 'postgres',
  storage,
  id: `express-postgres-${storage}`,
});
const build = (): AppBuild => ({
  app: app(),
  image: 'divio-samples-harness/express:ch-test',
  config: {
    services: {
      web: { build: '.', volumes: ['/src:/app'] },
      database_default: { image: 'local/postgres:15' },
      s3: { image: 'local/s3rver:3', profiles: ['s3'] },
      azurite: { image: 'local/azurite:3', profiles: ['azure'] },
      azurite_init: { profiles: ['azure'] },
    },
  },
  buildSeconds: 42.5,
  imageBytes: 123456789,
  cmd: ['node', 'dist/server.js'],
});
const log = () => readFileSync(calls, 'utf8').trim().split('\n');
const composeCalls = () =>
  log()
    .filter((l) => l.startsWith('compose '))
    .map((l) => l.replace(/ -p \S+( -f \S+)+/, ''));

describe('runCell', () => {
  it('starts the dependencies, migrates, starts web, waits for readiness, runs the contract, tears down', async () => {
    const ctx = context();
    const result = await runCell(cell('s3'), build(), ctx);
    expect(result).toMatchObject({
      ok: true,
      id: 'express-postgres-s3',
      buildSeconds: 42.5,
      imageBytes: 123456789,
      tests: { passed: 40, failed: 0, skipped: 0 },
    });
    expect(result.readySeconds).toBeGreaterThan(0);
    expect(Object.keys(result.phases ?? {})).toEqual([
      'up',
      'healthy',
      'migrate',
      'ready',
      'contract',
      'down',
      'total',
    ]);
    expect(result.logs).toBeUndefined();
    expect(composeCalls()).toEqual([
      'compose --profile s3 up -d --no-build database_default s3',
      'compose --profile s3 run --rm -T web node dist/migrate.js',
      'compose --profile s3 up -d --no-build web',
      'compose --profile s3 ps -q web',
      'compose --profile s3 down -v --remove-orphans --timeout 10',
    ]);
    expect(log()[0]).toContain('-p ch-test-express-postgres-s3 -f');
    const override = JSON.parse(
      readFileSync(join(ctx.workDir, 'express-postgres-s3.override.yml'), 'utf8'),
    );
    // web's port comes from the app's own file, moved to the free port through WEB_PORT.
    expect(override.services.web.ports).toBeUndefined();
    expect(readFileSync(join(dir.path, 'web-port'), 'utf8').trim().split('\n')).toEqual([
      String(serverPort),
      String(serverPort),
    ]);
    expect(override.services.web.volumes).toEqual(['/app']);
    expect(override.services.s3.ports).toEqual(['127.0.0.1:49999:4568']);
    const cellLog = readFileSync(result.logFile, 'utf8');
    expect(cellLog).toContain(
      `contract run --base-url http://127.0.0.1:${serverPort} --framework express --database pg --storage s3`,
    );
    // The web container's stdout (only) is followed into the file the contract's log
    // checks read.
    const webLog = join(ctx.workDir, 'express-postgres-s3.web.log');
    expect(cellLog).toContain(`--log-file ${webLog}`);
    expect(log()).toContain('docker logs --follow cafe');
    expect(readFileSync(webLog, 'utf8')).toBe('{"msg":"a request line from web"}\n');
  });

  it("starts every service the cell's profile enables, one-off helpers included", async () => {
    const azure: Cell = {
      app: app(),
      database: 'postgres',
      storage: 'azure',
      id: 'express-postgres-azure',
    };
    expect((await runCell(azure, build(), context())).ok).toBe(true);
    expect(composeCalls()[0]).toBe(
      'compose --profile azure up -d --no-build database_default azurite azurite_init',
    );
  });

  it('on a failing release command: collects the logs and still tears down', async () => {
    writeFileSync(join(dir.path, 'fail-run'), '');
    const result = await runCell(cell(), build(), context());
    expect(result.ok).toBe(false);
    expect(result.failedStep).toBe('migrate');
    expect(result.error).toContain('ECONNREFUSED database_default:5432');
    expect(result.error).toContain('exited with code 3');
    expect(result.logs).toContain('listening');
    expect(composeCalls().slice(-2)).toEqual([
      'compose logs --no-color --tail=200',
      'compose down -v --remove-orphans --timeout 10',
    ]);
  });

  it('when down fails twice, removes the project by label', async () => {
    writeFileSync(join(dir.path, 'fail-down'), '');
    await runCell(cell(), build(), context());
    const calls = log();
    expect(calls.filter((c) => c.includes(' down '))).toHaveLength(2);
    expect(calls.slice(-5)).toEqual([
      'docker ps -aq --filter label=com.docker.compose.project=ch-test-express-postgres-file',
      'docker rm -f -v c1',
      'docker network ls -q --filter label=com.docker.compose.project=ch-test-express-postgres-file',
      'docker volume ls -q --filter label=com.docker.compose.project=ch-test-express-postgres-file',
      'docker volume rm -f v1',
    ]);
  });

  it('fails at "ready" with the last answer when /readyz stays 503', async () => {
    readyStatus = 503;
    const result = await runCell(cell(), build(), context({ readyTimeoutMs: 1_200 }));
    expect(result.failedStep).toBe('ready');
    expect(result.error).toMatch(
      /did not answer 200 within 1.2s \(last answer: HTTP 503 \{"status":"unavailable"\}\)/,
    );
    expect(composeCalls().at(-1)).toBe('compose down -v --remove-orphans --timeout 10');
  });

  it('reports a failing contract with its counts', async () => {
    writeFileSync(join(dir.path, 'fail-contract'), '');
    const result = await runCell(cell(), build(), context());
    expect(result).toMatchObject({
      ok: false,
      failedStep: 'contract',
      tests: { passed: 38, failed: 2 },
    });
    expect(composeCalls().at(-1)).toBe('compose down -v --remove-orphans --timeout 10');
  });

  it('on interruption (Ctrl-C): stops the running step and tears down', async () => {
    writeFileSync(join(dir.path, 'slow-run'), '');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await runCell(cell(), build(), context({ signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.failedStep).toBe('interrupted');
    expect(composeCalls().at(-1)).toBe('compose down -v --remove-orphans --timeout 10');
  });
});

describe('buildApp', () => {
  it('checks the compose file, builds web with a run tag, and inspects the image', async () => {
    const ctx = context();
    const built = await buildApp(app(), ctx);
    expect(built).toMatchObject({
      image: 'divio-samples-harness/express:ch-test',
      imageBytes: 123456789,
      cmd: ['node', 'dist/server.js'],
    });
    expect(composeCalls()).toEqual([
      'compose --profile s3 --profile azure config',
      'compose build web',
    ]);
    const override = JSON.parse(
      readFileSync(join(ctx.workDir, 'express.build.override.yml'), 'utf8'),
    );
    expect(override).toEqual({
      services: { web: { image: 'divio-samples-harness/express:ch-test' } },
    });
  });

  it('refuses a compose file that breaks the conventions, before building', async () => {
    writeFileSync(
      join(dir.path, 'config.yml'),
      'services:\n  web:\n    build: .\n    ports: ["8000:80"]\n',
    );
    await expect(buildApp(app(), context())).rejects.toThrow(
      /no "database_default" service[\s\S]*fixed host port 8000/,
    );
    expect(composeCalls()).toEqual(['compose --profile s3 --profile azure config']);
  });
});

describe('runMatrix', () => {
  it('builds each app once for all its cells, then removes the image', async () => {
    const cells = planCells([app()], {
      coverage: 'full',
      filters: { databases: ['postgres'], storages: ['file'] },
    });
    const twice = [...cells, { ...cells[0], id: 'again' } as Cell];
    const results = await runMatrix(twice, context({ freePort: async () => serverPort }), {
      jobs: 2,
    });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(composeCalls().filter((c) => c.includes(' build '))).toHaveLength(1);
    // web's source tree (/app) comes from one volume, filled once from the image, mounted
    // read-only by every cell, removed at the end.
    const volumeCalls = log().filter((l) => /^docker (volume|create|rm)/.test(l));
    expect(volumeCalls).toEqual([
      'docker volume create --label org.divio-samples.harness.run=ch-test ch-test-express-code-0',
      'docker create --label org.divio-samples.harness.run=ch-test --volume ch-test-express-code-0:/app divio-samples-harness/express:ch-test',
      'docker rm -f -v f00d',
      'docker volume rm -f ch-test-express-code-0',
    ]);
    const override = JSON.parse(readFileSync(join(dir.path, 'work', 'again.override.yml'), 'utf8'));
    expect(override.services.web.volumes).toEqual([
      { type: 'volume', source: 'harness_code_0', target: '/app', read_only: true },
    ]);
    expect(log().at(-1)).toBe(
      'docker image rm --force --no-prune divio-samples-harness/express:ch-test',
    );
  });

  it('with shared services: starts them once, gives each cell its own database, runs web alone', async () => {
    const cells = planCells([app()], { coverage: 'full', filters: { storages: ['file'] } });
    const ctx = context({ freePort: async () => serverPort });
    const results = await runMatrix(cells, ctx, {
      jobs: 1,
      services: 'shared',
      buildApp: async () => build(),
    });
    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['express-postgres-file', true],
      ['express-mysql-file', true],
    ]);
    const cellCalls = [
      'compose run --rm --no-deps -T web node dist/migrate.js',
      'compose up -d --no-build --no-deps web',
      'compose ps -q web',
      'compose down -v --remove-orphans --timeout 10',
    ];
    expect(composeCalls()).toEqual([
      'compose up -d --no-build',
      'compose ps -q shared-postgres',
      'compose ps -q shared-mariadb',
      ...cellCalls,
      ...cellCalls,
      'compose down -v --remove-orphans --timeout 10',
    ]);
    expect(log().find((l) => l.endsWith(' up -d --no-build'))).toContain('-p ch-test-shared -f');
    // Each cell's own database: dropped if left over, created, dropped after the cell.
    const sql = log()
      .filter((l) => l.startsWith('docker exec'))
      .map((l) => l.replace(/^docker exec cafe (psql|mariadb) .*(--command|--execute) /, '$1: '));
    expect(sql).toEqual([
      'psql: DROP DATABASE IF EXISTS "cell_express_postgres_file" WITH (FORCE)',
      'psql: CREATE DATABASE "cell_express_postgres_file"',
      'psql: DROP DATABASE IF EXISTS "cell_express_postgres_file" WITH (FORCE)',
      'mariadb: DROP DATABASE IF EXISTS `cell_express_mysql_file`',
      'mariadb: CREATE DATABASE `cell_express_mysql_file`',
      'mariadb: DROP DATABASE IF EXISTS `cell_express_mysql_file`',
    ]);
    const override = JSON.parse(
      readFileSync(join(ctx.workDir, 'express-mysql-file.override.yml'), 'utf8'),
    );
    expect(override.networks.harness_shared).toEqual({
      external: true,
      name: 'ch-test-shared-net',
    });
    expect(override.services.web.environment.DATABASE_URL).toBe(
      'mysql://root@shared-mariadb:3306/cell_express_mysql_file',
    );
    expect(override.services.database_default).toBeUndefined();
    const stack = JSON.parse(readFileSync(join(ctx.workDir, 'shared-services.yml'), 'utf8'));
    expect(Object.keys(stack.services)).toEqual(['shared-postgres', 'shared-mariadb']);
    expect(Object.keys(results[0]?.phases ?? {})).toEqual([
      'healthy',
      'up',
      'migrate',
      'ready',
      'contract',
      'down',
      'total',
    ]);
  });

  it('with shared services that fail to start: every cell fails at start, and they are torn down', async () => {
    const cells = planCells([app()], { coverage: 'minimal' });
    writeFileSync(join(dir.path, 'fail-up'), '');
    const results = await runMatrix(cells, context({ freePort: async () => serverPort }), {
      jobs: 2,
      services: 'shared',
      buildApp: async () => build(),
    });
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, failedStep: 'start' });
      expect(result.error).toContain('starting the shared services');
    }
    // Started once (not once per cell), torn down once more at the end.
    expect(composeCalls().filter((c) => c === 'compose up -d --no-build')).toHaveLength(1);
    expect(
      log().filter((l) => l.includes('-p ch-test-shared ') && l.includes(' down ')),
    ).toHaveLength(1);
  });

  it('marks every cell of an app whose build fails, with the build output', async () => {
    writeFileSync(join(dir.path, 'fail-build'), '');
    const cells = planCells([app()], { coverage: 'minimal' });
    const results = await runMatrix(cells, context(), { jobs: 1 });
    expect(results).toHaveLength(3);
    for (const result of results) {
      expect(result).toMatchObject({ ok: false, failedStep: 'build' });
      expect(result.error).toContain('npm ERR! build broke');
    }
    expect(composeCalls().filter((c) => c.includes(' build '))).toHaveLength(1);
    expect(existsSync(join(dir.path, 'work', 'express.build.log'))).toBe(true);
  });
});

describe('installInterruptHandlers', () => {
  it('tears down projects still up when the process exits unexpectedly, and aborts on SIGINT', () => {
    const active = new Set([
      new ComposeProject(v1, {
        name: 'ch-test-left',
        files: ['/x/docker-compose.yml'],
        cwd: dir.path,
      }),
    ]);
    const controller = new AbortController();
    const lines: string[] = [];
    const uninstall = installInterruptHandlers(controller, active, (line) => lines.push(line));
    try {
      process.emit('exit', 13);
      expect(composeCalls()).toEqual(['compose down -v --remove-orphans --timeout 5']);
      expect(lines[0]).toBe('exiting (code 13) with 1 project(s) still up: tearing them down');
      process.emit('SIGINT', 'SIGINT');
      expect(controller.signal.aborted).toBe(true);
    } finally {
      uninstall();
    }
  });
});

describe('helpers', () => {
  it("interleaveByApp alternates the apps and keeps each app's order", () => {
    const a = makeManifest({ name: 'a' });
    const b = makeManifest({ name: 'b' });
    const cells = planCells([a, b], { coverage: 'minimal' });
    expect(interleaveByApp(cells).map((c) => c.id)).toEqual([
      'a-postgres-file',
      'b-mysql-file',
      'a-mysql-s3',
      'b-postgres-s3',
      'a-postgres-azure',
      'b-mysql-azure',
    ]);
  });

  it('runPool keeps order and never runs more than `jobs` at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await runPool([5, 1, 3, 2], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 5));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20]);
    expect(peak).toBe(2);
  });

  it('readTestCounts reads vitest JSON and ignores anything else', () => {
    const file = join(dir.path, 'r.json');
    writeFileSync(
      file,
      JSON.stringify({ numTotalTests: 3, numPassedTests: 2, numFailedTests: 1, numTodoTests: 1 }),
    );
    expect(readTestCounts(file)).toEqual({ passed: 2, failed: 1, skipped: 1 });
    writeFileSync(file, '{}');
    expect(readTestCounts(file)).toBeUndefined();
    expect(readTestCounts(join(dir.path, 'missing.json'))).toBeUndefined();
  });
});
