// The export's promises that need no registry and no Docker: same bytes twice, only the
// modules the app reaches, no workspace references left, and a target directory's other
// files left alone. (The exported repository's own install, build, tests and image are
// checked by `node tooling/export-example/src/exports.ts`, see the README.)
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORTABLE, type ExportPlan, planExport, writeExport } from '../src/export.ts';
import { EXPORT_CELLS } from '../src/exports.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The real lockfile comes from npm and the registry; here a stand-in that depends only on
// its input keeps the test offline while still showing the plan is a function of its input.
const lockfile = (packageJson: string) => `{"stub":${JSON.stringify(packageJson.length)}}\n`;
const scratch = mkdtempSync(join(tmpdir(), 'export-example-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}

describe.each(Object.keys(EXPORTABLE))('export of %s', (app) => {
  const plan: ExportPlan = planExport(root, app, { lockfile });

  it('is the same, byte for byte, when exported twice', () => {
    const first = join(scratch, `${app}-1`);
    const second = join(scratch, `${app}-2`);
    writeExport(plan, first);
    writeExport(planExport(root, app, { lockfile }), second);
    const files = listFiles(first);
    expect(listFiles(second)).toEqual(files);
    for (const file of files) {
      expect(readFileSync(join(second, file)), file).toEqual(readFileSync(join(first, file)));
    }
  });

  it('leaves no workspace package behind', () => {
    for (const [path, content] of plan.files) {
      expect(content, path).not.toContain('@divio-samples/');
      expect(content, path).not.toContain('workspace:');
    }
  });

  it('has every file a standalone Divio repository needs', () => {
    for (const path of [
      'Dockerfile',
      'docker-compose.yml',
      '.env-local',
      '.gitignore',
      '.dockerignore',
      'README.md',
      'package.json',
      'package-lock.json',
      'src/server.ts',
      'src/migrate.ts',
      'test/app.test.ts',
    ]) {
      expect(plan.files.has(path), path).toBe(true);
    }
    expect(plan.files.get('.gitignore')).toMatch(/^\.divio\/$/m);
    expect(plan.files.get('.gitignore')).toMatch(/^\/data$/m);
    const dockerfile = plan.files.get('Dockerfile') ?? '';
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^EXPOSE 80$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/server\.js"\]$/m);
    const compose = plan.files.get('docker-compose.yml') ?? '';
    expect(compose).toContain('context: .\n');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's own ${...} syntax.
    expect(compose).toContain('"127.0.0.1:${WEB_PORT:-8000}:80"');
    expect(compose).toContain('SERVICE_MANAGER: fsm-postgres');
    // ./data/media made writable for the image's user by a one-off, not a root wrapper.
    expect(compose).toMatch(/^ {2}media_init:$/m);
    expect(compose).toContain('condition: service_completed_successfully');
    expect(plan.files.get('README.md')).toContain('node dist/migrate.js');
  });

  it('copies every module the sources import, and nothing they do not', () => {
    const sources = [...plan.files.keys()].filter((path) => /^src\/.*\.tsx?$/.test(path));
    const reached = new Set(sources.filter((path) => !path.startsWith('src/lib/')));
    for (const path of sources) {
      const content = plan.files.get(path) ?? '';
      for (const [, specifier] of content.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*)'(\.[^']+\.tsx?)'/g,
      )) {
        const target = posix.normalize(posix.join(posix.dirname(path), specifier ?? ''));
        expect(plan.files.has(target), `${path} imports ${specifier}`).toBe(true);
        reached.add(target);
      }
    }
    expect([...reached].sort()).toEqual(sources.sort());
    // The divio-env CLI is not something an app imports.
    expect(plan.files.has('src/lib/divio-env/cli.ts')).toBe(false);
  });
});

describe('the target directory', () => {
  const plan = planExport(root, 'express', { lockfile });

  it('is refused when it holds anything, unless --force', () => {
    const dir = join(scratch, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => writeExport(plan, dir)).toThrow(/not empty.*--force/);
    expect(listFiles(dir)).toEqual(['notes.txt']);
  });

  it('keeps files the export did not write when forced, and replaces its own', () => {
    const dir = join(scratch, 'forced');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'src', 'extra.ts'), 'export {};\n');
    writeFileSync(join(dir, 'README.md'), 'old');
    writeExport(plan, dir, { force: true });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'src', 'extra.ts'))).toBe(true);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(plan.files.get('README.md'));
  });

  it('may be an empty or a missing directory', () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    expect(writeExport(plan, empty).length).toBe(plan.files.size);
    expect(writeExport(plan, join(scratch, 'missing', 'deeper')).length).toBe(plan.files.size);
  });
});

it('names the apps it can export when asked for another', () => {
  expect(() => planExport(root, 'rails', { lockfile })).toThrow(/exportable: express, koa/);
});

it('runs every exportable app in a compose cell, meeting every database and storage', () => {
  const rows = Object.entries(EXPORT_CELLS);
  expect(rows.map(([app]) => app).sort()).toEqual(Object.keys(EXPORTABLE).sort());
  expect(new Set(rows.map(([, [db]]) => db))).toEqual(new Set(['postgres', 'mysql']));
  expect(new Set(rows.map(([, [, storage]]) => storage))).toEqual(new Set(['file', 's3', 'azure']));
});
