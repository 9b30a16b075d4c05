// The files every sample app keeps its own copy of (the platform builds one app directory,
// so its Dockerfile, compose files and settings cannot be shared) must stay copies: equal
// in every app once the app's name is replaced. Each app is compared with the first app
// (by name), and a difference names the file, the two apps and the first line that differs.
// The apps come from the manifests (apps/*/sample.json), so a new app is held to it too.
// An app whose copy must differ (Next.js: `next build` and its standalone output make its
// own Dockerfile, compose files, tsconfig and build script) declares it in its sample.json
// (`ownFiles`, each with the reason); everything else it copies stays checked.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CopiedFile {
  /** Path inside the app directory. */
  path: string;
  /** What is compared, when not the whole file (e.g. some fields of package.json). */
  view?: (text: string) => string;
  /** What the view shows, for messages. */
  part?: string;
}

/**
 * sample.json but what is each app's own: `ownFiles` (its exceptions), and the framework's
 * name (`next.js` for the app `nextjs`; elsewhere it is the app's name). The rest of the
 * manifest (port, health, release command, databases, storage) is the same in every app.
 */
function sharedManifestFields(text: string): string {
  const {
    ownFiles: _ownFiles,
    framework,
    ...manifest
  } = JSON.parse(text) as Record<string, unknown>;
  return `${JSON.stringify({ ...manifest, framework: framework === undefined ? undefined : '<framework>' }, null, 2)}\n`;
}

/** The fields of package.json that are the same in every app (dependencies are not). */
function sharedPackageFields(text: string): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const { type, main, engines, scripts } = pkg;
  return `${JSON.stringify({ type, main, engines, scripts }, null, 2)}\n`;
}

export const COPIED_FILES: readonly CopiedFile[] = [
  { path: 'Dockerfile' },
  { path: 'docker-compose.yml' },
  { path: 'docker-compose.override.yml' },
  { path: 'docker-compose.mysql.yml' },
  { path: '.env-local' },
  { path: '.gitignore' },
  {
    path: 'sample.json',
    view: sharedManifestFields,
    part: 'everything but framework and ownFiles',
  },
  { path: 'tsconfig.json' },
  { path: 'tsconfig.build.json' },
  { path: 'vitest.config.ts' },
  { path: 'bench/upload.mjs' },
  // The scripts, the dev runner's entry (`npm run dev`) among them.
  { path: 'package.json', view: sharedPackageFields, part: 'type, main, engines, scripts' },
];

/**
 * A difference an app declares in its copy of a file because its framework needs it. The
 * check puts `replace` in place of `find` in the reference app's copy (both with the app
 * names replaced) before comparing, so everything else must still be an exact copy; and a
 * declaration that no longer applies (the reference's lines changed) is reported, not
 * ignored. Each one says why, and the app's README says it too.
 */
export interface DeclaredDifference {
  app: string;
  /** The copied files it applies to (paths as in COPIED_FILES). */
  files: readonly string[];
  /** Consecutive lines of the reference app's copy, names replaced (`<app>`, `<App>`). */
  find: readonly string[];
  /** The app's lines in their place. */
  replace: readonly string[];
  why: string;
}

export const DECLARED_DIFFERENCES: readonly DeclaredDifference[] = [
  {
    app: 'nestjs',
    files: ['tsconfig.json', 'tsconfig.build.json'],
    find: ['    "erasableSyntaxOnly": true'],
    replace: [
      '    "erasableSyntaxOnly": true,',
      '    "experimentalDecorators": true,',
      '    "emitDecoratorMetadata": true',
    ],
    why: "Nest's decorators, and the constructor types its dependency injection reads from their metadata",
  },
  {
    app: 'nestjs',
    files: ['docker-compose.yml'],
    find: [
      '    # Development server: Node 24 runs the TypeScript sources directly (type stripping) and',
      '    # restarts on every change under src/. The sources import each other as `./x.ts`, which',
      '    # tsc rewrites to `./x.js` when it builds dist/ (rewriteRelativeImportExtensions), so no',
      "    # loader is needed. The image's own CMD runs the compiled build instead",
      '    # (`node dist/server.js`), as in the cloud.',
      '    command: ["node", "--watch", "src/server.ts"]',
    ],
    replace: [
      "    # Development server: the compiled build, as the image's CMD runs it. Node's type",
      '    # stripping cannot run these sources: decorators are not erasable syntax, they need',
      '    # tsc, and the image holds production dependencies only. After a change under src/,',
      '    # `docker-compose up --build -V`; `npm run dev` on the host restarts on every change.',
      '    command: ["node", "dist/server.js"]',
    ],
    why: "Node's type stripping cannot run decorators: the container runs the compiled build",
  },
];

export interface DriftApp {
  name: string;
  dir: string;
  /**
   * Copied files this app keeps its own way, each with the reason (sample.json `ownFiles`):
   * not compared, for this app only. One that is equal after all is reported, so an
   * exception never outlives its reason.
   */
  ownFiles?: Readonly<Record<string, string>>;
}

export interface DriftFinding {
  /** The app that differs from the reference app. */
  app: string;
  /** The first app by name, the one every other app is compared with. */
  reference: string;
  file: string;
  /** 1-based line of the first difference (of the view, if any); undefined when missing. */
  line?: number;
  message: string;
}

/**
 * The text with the app's name replaced by a placeholder, in the spellings a copy uses:
 * `express` (`@divio-samples/express`, `apps/express`), `Express` (prose, `createExpressApp`;
 * also a product name such as `NestJS`) and `EXPRESS`. Only where the name is not part of a longer word (`expressions` stays).
 * App names are lower-case letters, digits and `-` (sample.schema.json): nothing a regular
 * expression would read as syntax.
 */
export function withoutAppName(text: string, name: string): string {
  const lower = name.toLowerCase();
  // The capitalised name, whatever the case of its other letters (`Express`, `NestJS`).
  const capital = [...lower]
    .map((c, i) => (i === 0 ? c.toUpperCase() : `[${c}${c.toUpperCase()}]`))
    .join('');
  return (
    text
      .replace(new RegExp(`(?<![a-z])${lower}(?![a-z])`, 'g'), '<app>')
      .replace(new RegExp(`(?<![A-Z])${lower.toUpperCase()}(?![A-Z])`, 'g'), '<APP>')
      // (An all-capitals run it matches, `EXPRESS` in `EXPRESSLY`, is part of a longer word.)
      .replace(new RegExp(`${capital}(?![a-z])`, 'g'), (m) => (m === m.toUpperCase() ? m : '<App>'))
  );
}

/** 0-based index of the first line that differs, or undefined when the lines are equal. */
function firstDifference(a: string[], b: string[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return i;
  }
  return undefined;
}

const show = (line: string | undefined) => (line === undefined ? '(end of file)' : line);

/** Index of `lines` where `block` starts, or -1. */
function indexOfBlock(lines: readonly string[], block: readonly string[]): number {
  for (let i = 0; i + block.length <= lines.length; i++) {
    if (block.every((line, j) => lines[i + j] === line)) return i;
  }
  return -1;
}

/**
 * Every copied file that is missing from an app while another has it, or that differs
 * from the first app's copy (by app name, among the apps that declare no difference in
 * it) once the names are replaced and the app's declared differences applied.
 */
export function checkDrift(
  apps: readonly DriftApp[],
  root: string,
  files: readonly CopiedFile[] = COPIED_FILES,
  declared: readonly DeclaredDifference[] = DECLARED_DIFFERENCES,
): DriftFinding[] {
  const sorted = [...apps].sort((a, b) => a.name.localeCompare(b.name));
  const findings: DriftFinding[] = [];
  const where = (app: DriftApp, path = '') => relative(root, join(app.dir, path)) || '.';
  const declaredFor = (app: DriftApp, path: string) =>
    declared.filter((d) => d.app === app.name && d.files.includes(path));
  for (const file of files) {
    const owns = (app: DriftApp) => app.ownFiles?.[file.path] !== undefined;
    const present = sorted.filter((app) => existsSync(join(app.dir, file.path)));
    // The reference: an app that neither owns the file nor declares lines of its own in it.
    const candidates = present.filter((app) => !owns(app));
    const reference =
      candidates.find((app) => declaredFor(app, file.path).length === 0) ?? candidates[0];
    if (!reference) continue;
    const read = (app: DriftApp) => {
      const text = readFileSync(join(app.dir, file.path), 'utf8');
      return (file.view ? file.view(text) : text).split(/\r?\n/);
    };
    const expected = read(reference);
    const expectedWithoutName = expected.map((line) => withoutAppName(line, reference.name));
    for (const app of sorted) {
      if (app === reference) continue;
      if (owns(app)) {
        const equal =
          present.includes(app) &&
          firstDifference(
            expectedWithoutName,
            read(app).map((line) => withoutAppName(line, app.name)),
          ) === undefined;
        if (equal) {
          findings.push({
            app: app.name,
            reference: reference.name,
            file: file.path,
            message: `${file.path}: ${where(app)} declares it its own (sample.json ownFiles) but it equals ${where(reference, file.path)}: remove the exception`,
          });
        }
        continue;
      }
      if (!present.includes(app)) {
        findings.push({
          app: app.name,
          reference: reference.name,
          file: file.path,
          message: `${where(app, file.path)} is missing (${where(reference, file.path)} exists): every app keeps its own copy`,
        });
        continue;
      }
      // The reference's lines as this app should have them: its declared differences in.
      let wanted = expected;
      let wantedWithoutName = expectedWithoutName;
      const differences = declaredFor(app, file.path);
      const stale = differences.find((d) => indexOfBlock(wantedWithoutName, d.find) < 0);
      if (stale) {
        findings.push({
          app: app.name,
          reference: reference.name,
          file: file.path,
          message: [
            `${file.path}: the difference declared for ${where(app)} (${stale.why}) no longer applies:`,
            `  ${where(reference, file.path)} has no line ${JSON.stringify(stale.find[0])} (and the ones after it);`,
            '  copy the file again and update the declaration (DECLARED_DIFFERENCES in tooling/compose-harness/src/drift.ts)',
          ].join('\n'),
        });
        continue;
      }
      for (const difference of differences) {
        const at = indexOfBlock(wantedWithoutName, difference.find);
        const splice = (lines: string[]) => [
          ...lines.slice(0, at),
          ...difference.replace,
          ...lines.slice(at + difference.find.length),
        ];
        wantedWithoutName = splice(wantedWithoutName);
        // The declared lines are shown as declared (with the names replaced).
        wanted = splice(wanted);
      }
      const actual = read(app);
      const index = firstDifference(
        wantedWithoutName,
        actual.map((line) => withoutAppName(line, app.name)),
      );
      if (index === undefined) continue;
      // A view's line numbers are not the file's: name the part compared instead.
      const at = file.view ? `in ${file.part ?? 'the compared part'}` : `at line ${index + 1}`;
      const declaredNote = differences.length > 0 ? ' and applying its declared differences' : '';
      findings.push({
        app: app.name,
        reference: reference.name,
        file: file.path,
        line: index + 1,
        message: [
          `${file.path}: ${where(app)} differs from ${where(reference)} ${at} (after replacing the app name${declaredNote})`,
          `  ${reference.name}: ${show(wanted[index])}`,
          `  ${app.name}: ${show(actual[index])}`,
        ].join('\n'),
      });
    }
  }
  return findings;
}
