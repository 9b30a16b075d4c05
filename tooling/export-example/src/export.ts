// `pnpm export-example <app> <dir>`: one sample app as a standalone repository.
// planExport() computes every file (path -> content) without touching the target; writeExport()
// writes them. Deterministic: the same monorepo commit gives the same bytes (sorted file
// lists, no timestamps, a lockfile resolved as of a fixed date).
import { execFileSync } from 'node:child_process';
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
import { dirname, join, resolve } from 'node:path';
import { indefiniteArticle, readme } from './readme.ts';
import { collectSources } from './sources.ts';
import {
  type AppFacts,
  composeFile,
  dockerfile,
  dockerignore,
  gitignore,
  npmrc,
  smokeTest,
  vitestConfig,
} from './templates.ts';

/** The apps this tool can export, with what differs between them. */
export const EXPORTABLE: Readonly<
  Record<
    string,
    { title: string; routes: string; devCommand?: string[]; why?: string; next?: boolean }
  >
> = {
  express: { title: 'Express', routes: '`src/app.ts`: the routes' },
  koa: { title: 'Koa', routes: '`src/app.ts`: the routes' },
  fastify: { title: 'Fastify', routes: '`src/plugins/`: the routes, as Fastify plugins' },
  hono: { title: 'Hono', routes: '`src/app.ts`: the routes' },
  nestjs: {
    title: 'NestJS',
    routes: '`src/*.controller.ts`: the routes, as Nest controllers',
    devCommand: ['node', 'dist/server.js'],
    why: "NestJS's decorators need the compiled build (Node's type stripping cannot run them): the image's dist/, rebuilt with `docker compose build`.",
  },
  // `next build` (standalone output) plus the custom server: its own Dockerfile stages, no
  // development server in compose (the image's own command; `npx next dev` on the host).
  nextjs: {
    title: 'Next.js',
    routes: '`src/app/`: the page and the route handlers',
    devCommand: [],
    next: true,
  },
};

const WATCH_WHY =
  'Development server: Node runs the TypeScript sources directly (type stripping) and restarts on every change under src/; the image itself runs the compiled dist/.';

/** Edits a copied file needs because it moved; each must apply, or the export stops. */
const PATCHES: Readonly<Record<string, { from: string; to: string }[]>> = {
  // The bridge's global key named the monorepo's package.
  'src/bridge.ts': [
    {
      from: "Symbol.for('@divio-samples/nextjs.bridge')",
      to: "Symbol.for('nextjs-on-divio.bridge')",
    },
  ],
  // The repository root is the app: tracing starts here, and app-core's built assets are
  // this repository's dist/static.
  'next.config.ts': [
    {
      from: "  // The workspace root, so tracing follows the workspace packages (app-core, divio-env,\n  // media-storage) and the pnpm store they link to.\n  outputFileTracingRoot: fileURLToPath(new URL('../..', import.meta.url)),",
      to: "  // This repository is the root of the traced server.\n  outputFileTracingRoot: fileURLToPath(new URL('.', import.meta.url)),",
    },
    {
      from: "  // The contract's stylesheet and icon, built by app-core into its dist/static and served\n  // by the custom server under /static/.\n  outputFileTracingIncludes: { '/*': ['../../packages/app-core/dist/static/**'] },",
      to: "  // The contract's stylesheet and icon, built into dist/static (scripts/build-assets.mjs)\n  // and served by the custom server under /static/.\n  outputFileTracingIncludes: { '/*': ['./dist/static/**'] },",
    },
  ],

  // <app-core>/src/http -> <repo>/src/lib/app-core/http: the built assets are the repository's
  // dist/static, four levels up from src/lib/app-core/http (and from dist/lib/app-core/http).
  'src/lib/app-core/http/static.ts': [
    {
      from: "  dirname(fileURLToPath(import.meta.url)),\n  '..',\n  '..',\n  'dist',",
      to: "  dirname(fileURLToPath(import.meta.url)),\n  '..',\n  '..',\n  '..',\n  '..',\n  'dist',",
    },
    {
      from: '`<app-core>/dist/static` (from `src/http` and `dist/http`',
      to: '`<repository>/dist/static` (from `src/lib/app-core/http` and `dist/lib/app-core/http`',
    },
  ],
};

/** The environment variables the README documents, in the order it lists them. */
const ENV_VARS = [
  'DATABASE_URL',
  'DEFAULT_STORAGE_DSN',
  'SECRET_KEY',
  'DOMAIN',
  'DOMAIN_ALIASES',
  'DOMAIN_REDIRECTS',
  'SECURE_SSL_REDIRECT',
  'STAGE',
  'DEBUG',
  'PORT',
  'SITE_NAME',
  'MAX_UPLOAD_BYTES',
  'LOG_LEVEL',
  'TRUST_PROXY',
  'SHUTDOWN_TIMEOUT_MS',
  'DATABASE_TIMEOUT_MS',
  'HEADERS_TIMEOUT_MS',
  'IDLE_TIMEOUT_MS',
  'GIT_BRANCH',
  'GIT_COMMIT',
];

interface Manifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function sortedObject(entries: Iterable<[string, string]>): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const isWorkspace = (version: string) => version.startsWith('workspace:');

export interface ExportPlan {
  app: string;
  /** Repository-relative path -> content, sorted by path. */
  files: Map<string, string>;
}

export interface PlanOptions {
  /** Resolves package-lock.json for a package.json (tests may stub it; default: npm). */
  lockfile?: (packageJson: string, npmrcText: string) => string;
}

/** Every file of the exported repository, computed in memory. */
export function planExport(root: string, app: string, options: PlanOptions = {}): ExportPlan {
  const spec = EXPORTABLE[app];
  if (!spec) {
    throw new Error(
      `unknown or unsupported app "${app}"; exportable: ${Object.keys(EXPORTABLE).join(', ')}`,
    );
  }
  const appDir = join(root, 'apps', app);
  const appManifest = readJson<Manifest>(join(appDir, 'package.json'));
  const closure = collectSources(root, appDir);
  const files = new Map<string, string>();

  // 1. Sources: the app's own and the shared modules it reaches, patched where they moved.
  for (const file of closure.files) {
    let content = file.content;
    for (const patch of PATCHES[file.target] ?? []) {
      if (!content.includes(patch.from))
        throw new Error(`${file.origin}: expected text for the export patch not found`);
      content = content.replace(patch.from, patch.to);
    }
    files.set(file.target, content);
  }
  if (spec.next) {
    files.set('next.config.ts', readFileSync(join(appDir, 'next.config.ts'), 'utf8'));
    files.set('scripts/build.mjs', readFileSync(join(appDir, 'scripts', 'build.mjs'), 'utf8'));
  }
  for (const [path, patches] of Object.entries(PATCHES)) {
    const content = files.get(path);
    if (content === undefined || path.startsWith('src/')) continue;
    let patched = content;
    for (const patch of patches) {
      if (!patched.includes(patch.from))
        throw new Error(`${path}: expected text for the export patch not found`);
      patched = patched.replace(patch.from, patch.to);
    }
    files.set(path, patched);
  }
  const assets = files.has('src/lib/app-core/http/static.ts');
  if (assets) {
    const assetDir = join(root, 'packages', 'app-core', 'assets');
    for (const name of readdirSync(assetDir).sort())
      files.set(`assets/${name}`, readFileSync(join(assetDir, name), 'utf8'));
    files.set(
      'scripts/build-assets.mjs',
      readFileSync(join(root, 'packages', 'app-core', 'scripts', 'build-assets.mjs'), 'utf8'),
    );
  }
  const images = join(root, 'tooling', 'compose-harness', 'images');
  for (const name of ['Dockerfile', 'package.json', 'package-lock.json', 'start.mjs']) {
    files.set(`emulators/s3rver/${name}`, readFileSync(join(images, 's3rver', name), 'utf8'));
  }
  files.set(
    'emulators/azurite/create-containers.mjs',
    readFileSync(join(images, 'azurite', 'create-containers.mjs'), 'utf8'),
  );

  // 2. package.json: the app's dependencies and those of every package it copied from.
  const sourceManifests = [
    appManifest,
    ...closure.packages.map((pkg) =>
      readJson<Manifest>(join(root, 'packages', pkg, 'package.json')),
    ),
  ];
  const dependencies = new Map<string, string>();
  const optional = new Map<string, string>();
  const devPool = new Map<string, string>();
  for (const manifest of sourceManifests) {
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
      if (!isWorkspace(version)) dependencies.set(name, version);
    }
    for (const [name, version] of Object.entries(manifest.optionalDependencies ?? {}))
      optional.set(name, version);
    for (const [name, version] of Object.entries(manifest.devDependencies ?? {})) {
      if (!isWorkspace(version)) devPool.set(name, version);
    }
  }
  for (const external of closure.externals) {
    if (!dependencies.has(external) && !optional.has(external)) {
      throw new Error(
        `the copied sources import "${external}", which no copied package depends on`,
      );
    }
  }
  const devDependencies = new Map<string, string>();
  for (const name of ['typescript', '@types/node', 'vitest']) {
    const version = devPool.get(name);
    if (!version) throw new Error(`apps/${app}/package.json: devDependency ${name} missing`);
    devDependencies.set(name, version);
  }
  // Type packages for the runtime dependencies (e.g. @types/express, @types/fresh).
  for (const [name, version] of devPool) {
    if (!name.startsWith('@types/')) continue;
    const typed = name.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2');
    if (dependencies.has(typed)) devDependencies.set(name, version);
  }
  const packageJson = {
    name: `${app}-on-divio`,
    version: '1.0.0',
    private: true,
    description: `${indefiniteArticle(spec.title)} ${spec.title} web app ready for Divio: media uploads to S3, Azure Blob or local files, PostgreSQL or MySQL, configured by the environment.`,
    license: appManifest.license ?? 'MIT',
    type: 'module',
    main: 'dist/server.js',
    engines: appManifest.engines ?? { node: '>=22.14' },
    scripts: {
      build: spec.next
        ? 'node scripts/build-assets.mjs && node scripts/build.mjs'
        : assets
          ? 'tsc -p tsconfig.build.json && node scripts/build-assets.mjs'
          : 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'vitest run',
      start: 'node dist/server.js',
      migrate: 'node dist/migrate.js',
    },
    dependencies: sortedObject(dependencies),
    ...(optional.size > 0 ? { optionalDependencies: sortedObject(optional) } : {}),
    devDependencies: sortedObject(devDependencies),
  };
  const packageText = `${JSON.stringify(packageJson, null, 2)}\n`;
  files.set('package.json', packageText);
  files.set('.npmrc', npmrc);
  files.set('package-lock.json', (options.lockfile ?? npmLockfile(root))(packageText, npmrc));

  // 3. TypeScript: the monorepo's base options and the app's own, in one file.
  const base = readJson<{ compilerOptions: Record<string, unknown> }>(
    join(root, 'tsconfig.base.json'),
  );
  const appTs = readJson<{ compilerOptions?: Record<string, unknown>; include?: string[] }>(
    join(appDir, 'tsconfig.json'),
  );
  const appBuildTs = readJson<{ include?: string[] }>(join(appDir, 'tsconfig.build.json'));
  const compilerOptions = {
    ...base.compilerOptions,
    ...appTs.compilerOptions,
    declaration: false,
    declarationMap: false,
    // What `next build` would otherwise write into this file on every fresh build.
    ...(spec.next ? { allowJs: true, incremental: true, plugins: [{ name: 'next' }] } : {}),
  };
  files.set(
    'tsconfig.json',
    `${JSON.stringify(
      spec.next
        ? {
            compilerOptions,
            include: [
              'src',
              'test',
              'vitest.config.ts',
              'next.config.ts',
              '.next/types/**/*.ts',
              '.next/dev/types/**/*.ts',
            ],
            exclude: ['node_modules'],
          }
        : { compilerOptions, include: ['src', 'test', 'vitest.config.ts'] },
      null,
      2,
    )}\n`,
  );
  files.set(
    'tsconfig.build.json',
    `${JSON.stringify(
      {
        extends: './tsconfig.json',
        // Not incremental: a build info file that outlives dist/ would make tsc skip emitting.
        compilerOptions: { rootDir: 'src', outDir: 'dist', noEmit: false, incremental: false },
        // Next.js compiles its pages itself: tsc builds what the app's own build file names.
        include: spec.next ? (appBuildTs.include ?? ['src']) : ['src'],
        exclude: ['src/**/*.test.ts'],
      },
      null,
      2,
    )}\n`,
  );
  files.set('vitest.config.ts', vitestConfig());

  // 4. The repository around it.
  const allSource = closure.files.map((file) => file.content).join('\n');
  const facts: AppFacts = {
    app,
    title: spec.title,
    routes: spec.routes,
    devCommand: spec.devCommand ?? ['node', '--watch', 'src/server.ts'],
    next: spec.next === true,
    devCommandWhy: spec.why ?? WATCH_WHY,
    assets,
    envVars: ENV_VARS.filter((name) => allSource.includes(`'${name}'`)),
    runtimeDeps: Object.entries(packageJson.dependencies).map(
      ([name, version]) => `${name}@${version}`,
    ),
  };
  files.set('test/app.test.ts', smokeTest(facts));
  files.set('Dockerfile', dockerfile(facts));
  files.set('docker-compose.yml', composeFile(facts));
  files.set('.env-local', readFileSync(join(appDir, '.env-local'), 'utf8'));
  files.set('.gitignore', gitignore(facts));
  files.set('.dockerignore', dockerignore(facts));
  files.set('README.md', readme(facts, [...files.keys(), 'README.md']));

  return { app, files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

/**
 * package-lock.json from npm itself (`npm install --package-lock-only`, no node_modules, in a
 * scratch directory), resolving ranges of transitive dependencies as the registry stood when
 * the monorepo's pnpm-lock.yaml was last committed: the same commit gives the same lockfile.
 */
export function npmLockfile(root: string): (packageJson: string, npmrcText: string) => string {
  return (packageJson, npmrcText) => {
    const before = execFileSync('git', ['log', '-1', '--format=%cI', '--', 'pnpm-lock.yaml'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    if (!before) throw new Error('pnpm-lock.yaml has no commit: cannot pin the lockfile date');
    const scratch = mkdtempSync(join(tmpdir(), 'export-lock-'));
    try {
      writeFileSync(join(scratch, 'package.json'), packageJson);
      writeFileSync(join(scratch, '.npmrc'), npmrcText);
      execFileSync(
        'npm',
        // No `resolved` URLs (--omit-lockfile-registry-resolved): npm ci then fetches from
        // whichever registry the person's npm is set up for (a mirror, a proxy), and the file
        // is the same on every machine.
        [
          'install',
          '--package-lock-only',
          '--omit-lockfile-registry-resolved',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          `--before=${before}`,
        ],
        { cwd: scratch, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      return readFileSync(join(scratch, 'package-lock.json'), 'utf8');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
}

export interface WriteOptions {
  /** Write into a non-empty directory, replacing the files this export writes. */
  force?: boolean;
}

/**
 * Writes the plan into `dir`. A non-empty `dir` is refused unless `force`; even then only the
 * plan's own paths are written, and nothing is ever deleted.
 */
export function writeExport(plan: ExportPlan, dir: string, options: WriteOptions = {}): string[] {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0 && !options.force) {
    throw new Error(
      `${target} is not empty; pass --force to write the export's files into it (nothing else is touched)`,
    );
  }
  const written: string[] = [];
  for (const [path, content] of plan.files) {
    const file = join(target, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    written.push(path);
  }
  return written;
}
