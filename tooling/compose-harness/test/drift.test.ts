// The copies every app keeps (Dockerfile, compose files, .env-local, settings, the dev
// entry in package.json) are equal across the real apps once the app name is replaced;
// and the check names the file, the apps and the line when they are not.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COPIED_FILES, checkDrift, DECLARED_DIFFERENCES, withoutAppName } from '../src/drift.js';
import { loadManifests } from '../src/manifest.js';
import { tempDir } from './helpers.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('the apps under apps/', () => {
  const apps = loadManifests(root);

  it('keep every copied file, equal once the app name is replaced', () => {
    expect(apps.length).toBeGreaterThan(1);
    // Joined, so a failure prints each message as written (file, apps, both lines).
    expect(
      checkDrift(apps, root)
        .map((f) => f.message)
        .join('\n\n'),
    ).toBe('');
  });
});

describe('withoutAppName', () => {
  it('replaces the name in the spellings a copy uses, and only as a whole name', () => {
    expect(
      withoutAppName(
        '# The Express sample: apps/express, @divio-samples/express, createExpressApp, EXPRESS_PORT',
        'express',
      ),
    ).toBe('# The <App> sample: apps/<app>, @divio-samples/<app>, create<App>App, <APP>_PORT');
    expect(withoutAppName('expressions, Expressive, EXPRESSLY', 'express')).toBe(
      'expressions, Expressive, EXPRESSLY',
    );
  });

  it('takes a product name with capitals inside for the capitalised spelling', () => {
    expect(withoutAppName('# The NestJS sample: apps/nestjs, NESTJS_X, NestJSApp', 'nestjs')).toBe(
      '# The <App> sample: apps/<app>, <APP>_X, <App>App',
    );
    expect(withoutAppName('Nestjsish', 'nestjs')).toBe('Nestjsish');
  });
});

describe('checkDrift', () => {
  let dir: ReturnType<typeof tempDir>;
  const apps = [
    { name: 'beta', dir: '' },
    { name: 'alpha', dir: '' },
  ];
  const write = (app: string, path: string, text: string) => {
    const file = join(dir.path, 'apps', app, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  beforeEach(() => {
    dir = tempDir();
    for (const app of apps) app.dir = join(dir.path, 'apps', app.name);
    for (const name of ['alpha', 'beta']) {
      const title = name[0]?.toUpperCase() + name.slice(1);
      write(name, 'Dockerfile', `# The ${title} image\nFROM node\nCOPY apps/${name}/ ./\n`);
      write(
        name,
        'package.json',
        JSON.stringify({
          name: `@x/${name}`,
          type: 'module',
          scripts: { dev: 'node ../../scripts/dev.mjs' },
          dependencies: { [name]: '1.0.0' },
        }),
      );
    }
  });
  afterEach(() => dir.remove());

  it('passes copies that differ only in the app name, and in package.json only outside the shared fields', () => {
    expect(checkDrift(apps, dir.path)).toEqual([]);
  });

  it('names the file, the two apps and the first differing line with both versions', () => {
    write('beta', 'Dockerfile', '# The Beta image\nFROM node:24\nCOPY apps/beta/ ./\n');
    expect(checkDrift(apps, dir.path)).toEqual([
      {
        app: 'beta',
        reference: 'alpha',
        file: 'Dockerfile',
        line: 2,
        message: [
          'Dockerfile: apps/beta differs from apps/alpha at line 2 (after replacing the app name)',
          '  alpha: FROM node',
          '  beta: FROM node:24',
        ].join('\n'),
      },
    ]);
  });

  it('reports a copy cut short, and a missing copy', () => {
    write('beta', 'Dockerfile', '# The Beta image\nFROM node\n');
    write('alpha', '.env-local', 'STAGE=local\n');
    const messages = checkDrift(apps, dir.path).map((f) => f.message);
    expect(messages).toEqual([
      expect.stringMatching(/^Dockerfile: .* at line 3 .*\n {2}alpha: COPY .*\n {2}beta: $/),
      'apps/beta/.env-local is missing (apps/alpha/.env-local exists): every app keeps its own copy',
    ]);
  });

  it('compares the scripts of package.json', () => {
    write(
      'beta',
      'package.json',
      JSON.stringify({ type: 'module', scripts: { dev: 'node scripts/dev.mjs' } }),
    );
    const [finding] = checkDrift(apps, dir.path);
    expect(finding?.message).toBe(
      [
        'package.json: apps/beta differs from apps/alpha in type, main, engines, scripts (after replacing the app name)',
        '    "dev": "node ../../scripts/dev.mjs"',
        '    "dev": "node scripts/dev.mjs"',
      ]
        .map((line, i) => (i === 0 ? line : `  ${i === 1 ? 'alpha' : 'beta'}: ${line}`))
        .join('\n'),
    );
  });

  describe('declared differences', () => {
    const declared = [
      {
        app: 'beta',
        files: ['Dockerfile'],
        find: ['FROM node'],
        replace: ['FROM node', 'RUN build <app>'],
        why: 'beta builds',
      },
    ];

    it('lets the app have its declared lines instead, and compares the rest', () => {
      write(
        'beta',
        'Dockerfile',
        '# The Beta image\nFROM node\nRUN build beta\nCOPY apps/beta/ ./\n',
      );
      expect(checkDrift(apps, dir.path, COPIED_FILES, declared)).toEqual([]);
      // Without the declaration it is a drift...
      expect(checkDrift(apps, dir.path, COPIED_FILES, [])).toHaveLength(1);
      // ...and with it, a change elsewhere still is one.
      write('beta', 'Dockerfile', '# The Beta image\nFROM node\nRUN build beta\nCOPY apps/ ./\n');
      const [finding] = checkDrift(apps, dir.path, COPIED_FILES, declared);
      expect(finding?.message).toBe(
        [
          'Dockerfile: apps/beta differs from apps/alpha at line 4 (after replacing the app name and applying its declared differences)',
          '  alpha: COPY apps/alpha/ ./',
          '  beta: COPY apps/ ./',
        ].join('\n'),
      );
    });

    it('holds the app to the declared lines themselves', () => {
      write('beta', 'Dockerfile', '# The Beta image\nFROM node\nCOPY apps/beta/ ./\n');
      const [finding] = checkDrift(apps, dir.path, COPIED_FILES, declared);
      expect(finding?.line).toBe(3);
    });

    it('reports a declaration whose lines the reference no longer has', () => {
      write('alpha', 'Dockerfile', '# The Alpha image\nFROM node:24\nCOPY apps/alpha/ ./\n');
      write('beta', 'Dockerfile', '# The Beta image\nFROM node:24\nCOPY apps/beta/ ./\n');
      const [finding] = checkDrift(apps, dir.path, COPIED_FILES, declared);
      expect(finding?.message).toMatch(
        /^Dockerfile: the difference declared for apps\/beta \(beta builds\) no longer applies:\n {2}apps\/alpha\/Dockerfile has no line "FROM node"/,
      );
    });

    it('compares with an app that declares nothing in the file, even when it sorts later', () => {
      const onAlpha = [{ ...declared[0], app: 'alpha' } as (typeof declared)[number]];
      write(
        'alpha',
        'Dockerfile',
        '# The Alpha image\nFROM node\nRUN build alpha\nCOPY apps/alpha/ ./\n',
      );
      expect(checkDrift(apps, dir.path, COPIED_FILES, onAlpha)).toEqual([]);
    });

    it('are each given a reason, for files the check compares', () => {
      for (const difference of DECLARED_DIFFERENCES) {
        expect(difference.why).not.toBe('');
        for (const path of difference.files) {
          expect(COPIED_FILES.map((f) => f.path)).toContain(path);
        }
      }
    });
  });

  it('holds the files the issue names (and the dev entry) to it', () => {
    expect(COPIED_FILES.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'Dockerfile',
        'docker-compose.yml',
        'docker-compose.override.yml',
        'docker-compose.mysql.yml',
        '.env-local',
        'package.json',
      ]),
    );
  });

  it('skips a file an app declares its own (ownFiles), for that app only', () => {
    write('beta', 'Dockerfile', '# The Beta image\nFROM node:24\nRUN next build\n');
    const owning = apps.map((app) =>
      app.name === 'beta'
        ? { ...app, ownFiles: { Dockerfile: 'next build makes its own output' } }
        : app,
    );
    expect(checkDrift(owning, dir.path)).toEqual([]);
    // Every other copied file of that app is still compared.
    write('beta', '.env-local', 'STAGE=live\n');
    write('alpha', '.env-local', 'STAGE=local\n');
    expect(checkDrift(owning, dir.path).map((f) => f.file)).toEqual(['.env-local']);
  });

  it('reports an exception whose file is equal after all', () => {
    const owning = apps.map((app) =>
      app.name === 'beta'
        ? { ...app, ownFiles: { Dockerfile: 'next build makes its own output' } }
        : app,
    );
    expect(checkDrift(owning, dir.path).map((f) => f.message)).toEqual([
      'Dockerfile: apps/beta declares it its own (sample.json ownFiles) but it equals apps/alpha/Dockerfile: remove the exception',
    ]);
  });

  it('compares sample.json without its ownFiles', () => {
    write('alpha', 'sample.json', JSON.stringify({ name: 'alpha', port: 80 }));
    write(
      'beta',
      'sample.json',
      JSON.stringify({ name: 'beta', port: 80, ownFiles: { Dockerfile: 'x' } }),
    );
    expect(checkDrift(apps, dir.path)).toEqual([]);
    write('beta', 'sample.json', JSON.stringify({ name: 'beta', port: 8080 }));
    expect(checkDrift(apps, dir.path).map((f) => f.file)).toEqual(['sample.json']);
  });

  it('lets the manifest schema name exactly the copied files an app may own', () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', 'sample.schema.json'), 'utf8'),
    ) as { properties: { ownFiles: { propertyNames: { enum: string[] } } } };
    expect(schema.properties.ownFiles.propertyNames.enum).toEqual(
      COPIED_FILES.map((f) => f.path).filter((path) => path !== 'sample.json'),
    );
  });
});
