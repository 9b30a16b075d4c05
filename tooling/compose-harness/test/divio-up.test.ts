// divio-up against fake `docker` and `docker-compose` programs that record every call, and a
// real HTTP server standing in for the app (its upload writes under the app's ./data, as the
// container's bind mount would).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ComposeCli } from '../src/compose.js';
import {
  type DivioUpContext,
  divioUp,
  findStoredFile,
  listTree,
  newTopPaths,
  parsePortAnswer,
  renderDivioUpTable,
} from '../src/divio-up.js';
import { manifest, script, tempDir } from './helpers.js';

const v1: ComposeCli = {
  flavour: 'v1',
  command: 'docker-compose',
  prefix: [],
  version: '1.29.2',
  display: 'docker-compose',
};

describe('divio-up helpers', () => {
  it('reads the answer of `port web 80` in every shape', () => {
    expect(parsePortAnswer('0.0.0.0:49153\n')).toEqual({ host: '0.0.0.0', port: 49153 });
    expect(parsePortAnswer('127.0.0.1:8000\n[::]:8000\n')).toEqual({
      host: '127.0.0.1',
      port: 8000,
    });
    expect(parsePortAnswer('[::]:8000')).toEqual({ host: '[::]', port: 8000 });
    expect(parsePortAnswer('')).toBeUndefined();
    expect(parsePortAnswer(':0\n')).toBeUndefined();
  });

  it('finds what a run added, and only the top of each new tree', () => {
    const before = new Set(['db.sqlite', 'media', 'media/mine.png']);
    const after = new Set([
      ...before,
      'media/media',
      'media/media/x.txt',
      'media/new.txt',
      'other',
      'other/deep/a',
    ]);
    expect(newTopPaths(before, after)).toEqual(['media/media', 'media/new.txt', 'other']);
    expect(newTopPaths(new Set(), new Set(['media', 'media/a']))).toEqual(['media']);
    expect(newTopPaths(before, before)).toEqual([]);
  });

  it('lists a tree, and finds the stored file by id and content', () => {
    const dir = tempDir();
    try {
      expect(listTree(join(dir.path, 'missing'))).toBeUndefined();
      mkdirSync(join(dir.path, 'media', 'media'), { recursive: true });
      writeFileSync(join(dir.path, 'media', 'media', 'abc-123.txt'), 'hello\n');
      writeFileSync(join(dir.path, 'media', 'abc-123.bak'), 'other\n');
      expect([...(listTree(dir.path) ?? [])].sort()).toEqual([
        'media',
        'media/abc-123.bak',
        'media/media',
        'media/media/abc-123.txt',
      ]);
      expect(findStoredFile(dir.path, 'abc-123', 'hello\n')).toBe('media/media/abc-123.txt');
      expect(findStoredFile(dir.path, 'abc-123', 'nope')).toBeUndefined();
    } finally {
      dir.remove();
    }
  });

  it('prints one row per app with its seconds', () => {
    const table = renderDivioUpTable([
      {
        app: 'express',
        ok: true,
        port: 41000,
        buildSeconds: 2.04,
        upSeconds: 6.5,
        readySeconds: 9,
        uploadSeconds: 0.1,
        totalSeconds: 14.2,
        storedAt: 'data/media/media/x.txt',
        logFile: 'l',
      },
      { app: 'koa', ok: false, failedStep: 'port', totalSeconds: 3, logFile: 'l' },
    ]).split('\n');
    expect(table[0]).toMatch(/^app\s+build\s+up -d\s+up → ready\s+upload\s+total\s+port web 80/);
    expect(table[2]).toMatch(
      /^express\s+2\.0s\s+6\.5s\s+9\.0s\s+0\.1s\s+14\.2s\s+41000\s+passed \(data\/media\/media\/x\.txt\)$/,
    );
    expect(table[3]).toMatch(/^koa\s+-\s+-\s+-\s+-\s+3\.0s\s+-\s+FAILED at port$/);
  });
});

describe('divioUp', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: Server;
  let serverPort = 0;
  let appDir = '';
  const originalPath = process.env.PATH;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(200).end('{}');
        return;
      }
      if (req.method === 'POST' && req.url === '/api/media') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          // The file part's content, between the part's headers and the closing boundary.
          const body = Buffer.concat(chunks).toString('utf8');
          const content = body.split('\r\n\r\n')[1]?.split('\r\n--')[0] ?? '';
          const id = randomUUID();
          if (!existsSync(join(dir.path, 'no-store'))) {
            mkdirSync(join(appDir, 'data', 'media', 'media'), { recursive: true });
            writeFileSync(join(appDir, 'data', 'media', 'media', `${id}.txt`), content);
          }
          res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverPort = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    dir = tempDir();
    appDir = join(dir.path, 'apps', 'express');
    mkdirSync(appDir, { recursive: true });
    const calls = join(dir.path, 'calls.log');
    const bin = join(dir.path, 'bin');
    // `port` answers WEB_PORT (or a file's fixed answer); `run ... rm -rf -- /data/x` removes
    // the app's ./data/x, as the container's bind mount would.
    script(
      bin,
      'docker-compose',
      `echo "compose $*" >> ${calls}
while [ $# -gt 0 ]; do case "$1" in -p|-f|--profile) shift 2;; *) break;; esac; done
case "$1" in
  version) echo "docker-compose version 1.29.2";;
  port) if [ -f ${dir.path}/port-answer ]; then cat ${dir.path}/port-answer; else echo "127.0.0.1:$WEB_PORT"; fi;;
  run)
       case "$*" in *" rm -rf -- "*) shift; while [ "$1" != "--" ]; do shift; done; shift
         for p; do rm -rf "${appDir}/data/\${p#/data/}"; done;; esac;;
esac
exit 0`,
    );
    script(bin, 'docker', `echo "docker $*" >> ${calls}\nexit 0`);
    process.env.PATH = `${bin}:${originalPath}`;
  });
  afterEach(() => {
    process.env.PATH = originalPath;
    dir.remove();
  });

  const context = (): DivioUpContext => ({
    cli: v1,
    runId: 'ch-test',
    workDir: join(dir.path, 'work'),
    imageVars: { NODE_IMAGE: 'local/node:24' },
    readyTimeoutMs: 5_000,
    signal: new AbortController().signal,
    // The port the fake app listens on: `port web 80` answers it back through WEB_PORT.
    freePort: async () => serverPort,
  });
  const calls = () =>
    readFileSync(join(dir.path, 'calls.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.replace(/^compose -p \S+/, 'compose'));

  it('runs the file alone as Divio does, finds the upload under ./data, removes it, tears down', async () => {
    mkdirSync(join(appDir, 'data'), { recursive: true });
    writeFileSync(join(appDir, 'data', 'db.sqlite'), 'a developer file');
    const result = await divioUp(manifest({}, appDir), context());
    expect(result).toMatchObject({ ok: true, app: 'express', port: serverPort });
    expect(result.storedAt).toMatch(/^data\/media\/media\/[0-9a-f-]{36}\.txt$/);
    const file = join(appDir, 'docker-compose.yml');
    expect(calls()).toEqual([
      `compose -f ${file} build web`,
      `compose -f ${file} up -d`,
      `compose -f ${file} port web 80`,
      `compose -f ${file} run --rm -T web node dist/migrate.js`,
      `compose -f ${file} run --rm -T --no-deps --user root web rm -rf -- /data/media`,
      `compose -f ${file} down -v --remove-orphans --timeout 10`,
      'docker image rm --force --no-prune ch-test-divio-express_web',
      'docker image rm --force --no-prune ch-test-divio-express-web',
    ]);
    // What the developer had stays; what the run wrote is gone.
    expect([...(listTree(join(appDir, 'data')) ?? [])]).toEqual(['db.sqlite']);
  });

  it('removes ./data itself when the run created it', async () => {
    const result = await divioUp(manifest({}, appDir), context());
    expect(result.ok).toBe(true);
    expect(existsSync(join(appDir, 'data'))).toBe(false);
  });

  it('fails when `port web 80` answers another port than WEB_PORT', async () => {
    writeFileSync(join(dir.path, 'port-answer'), '0.0.0.0:8000\n');
    const result = await divioUp(manifest({}, appDir), context());
    expect(result).toMatchObject({ ok: false, failedStep: 'port' });
    expect(result.error).toContain('answered 8000, not WEB_PORT=');
    expect(calls().at(-3)).toMatch(/down -v/);
  });

  it('fails when the upload is not under ./data', async () => {
    writeFileSync(join(dir.path, 'no-store'), '');
    const result = await divioUp(manifest({}, appDir), context());
    expect(result).toMatchObject({ ok: false, failedStep: 'upload' });
    expect(result.error).toMatch(/answered 201, but no file with its content is under/);
  });
});
