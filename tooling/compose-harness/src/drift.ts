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
 * `express` (`@divio-samples/express`, `apps/express`), `Express` (prose, `createExpressApp`)
 * and `EXPRESS`. Only where the name is not part of a longer word (`expressions` stays).
 * App names are lower-case letters, digits and `-` (sample.schema.json): nothing a regular
 * expression would read as syntax.
 */
export function withoutAppName(text: string, name: string): string {
  const lower = name.toLowerCase();
  const capital = lower.charAt(0).toUpperCase() + lower.slice(1);
  return text
    .replace(new RegExp(`(?<![a-z])${lower}(?![a-z])`, 'g'), '<app>')
    .replace(new RegExp(`${capital}(?![a-z])`, 'g'), '<App>')
    .replace(new RegExp(`(?<![A-Z])${lower.toUpperCase()}(?![A-Z])`, 'g'), '<APP>');
}

/** 0-based index of the first line that differs, or undefined when the lines are equal. */
function firstDifference(a: string[], b: string[]): number | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return i;
  }
  return undefined;
}

const show = (line: string | undefined) => (line === undefined ? '(end of file)' : line);

/**
 * Every copied file that is missing from an app while another has it, or that differs
 * from the first app's copy (by app name) once the names are replaced.
 */
export function checkDrift(
  apps: readonly DriftApp[],
  root: string,
  files: readonly CopiedFile[] = COPIED_FILES,
): DriftFinding[] {
  const sorted = [...apps].sort((a, b) => a.name.localeCompare(b.name));
  const findings: DriftFinding[] = [];
  const where = (app: DriftApp, path = '') => relative(root, join(app.dir, path)) || '.';
  for (const file of files) {
    const owns = (app: DriftApp) => app.ownFiles?.[file.path] !== undefined;
    const present = sorted.filter((app) => existsSync(join(app.dir, file.path)));
    const [reference] = present.filter((app) => !owns(app));
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
      const actual = read(app);
      const index = firstDifference(
        expectedWithoutName,
        actual.map((line) => withoutAppName(line, app.name)),
      );
      if (index === undefined) continue;
      // A view's line numbers are not the file's: name the part compared instead.
      const at = file.view ? `in ${file.part ?? 'the compared part'}` : `at line ${index + 1}`;
      findings.push({
        app: app.name,
        reference: reference.name,
        file: file.path,
        line: index + 1,
        message: [
          `${file.path}: ${where(app)} differs from ${where(reference)} ${at} (after replacing the app name)`,
          `  ${reference.name}: ${show(expected[index])}`,
          `  ${app.name}: ${show(actual[index])}`,
        ].join('\n'),
      });
    }
  }
  return findings;
}
