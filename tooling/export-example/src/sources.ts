// Which source files an exported app needs, and how their imports read once copied.
//
// The app's own src/ is the starting set; every `@divio-samples/<package>` import leads into
// packages/<package>/src/index.ts, and relative imports are followed from there, so only the
// modules the app reaches (statically or through `import()`) are copied. A copied package
// lands under src/lib/<package>/ and becomes ordinary source of the exported repository.
//
// Imports are found with a regular expression, not a parser: TypeScript 7's compiler has no
// JavaScript API to ask, and es-module-lexer reads JavaScript only (it cannot see `import
// type`, which the copy needs as much as any other import). The sources are formatted by
// Biome, so every specifier is a single-quoted string right after `from`, `import` or
// `import(`; an import this misses fails the export's own typecheck, never silently.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

/** `from '...'`, `import '...'` (side effects) and `import('...')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm;

const SCOPE = '@divio-samples/';

export interface SourceFile {
  /** Path in the exported repository, POSIX separators (e.g. `src/lib/app-core/index.ts`). */
  target: string;
  /** Absolute path in the monorepo. */
  origin: string;
  /** The workspace package it comes from (`app-core`), or undefined for the app's own files. */
  pkg: string | undefined;
  /** The content with imports rewritten for the exported layout. */
  content: string;
}

export interface Closure {
  files: SourceFile[];
  /** Workspace packages with at least one copied module (their dependencies are needed). */
  packages: string[];
  /** Bare (npm) specifiers' package names imported by the copied files. */
  externals: string[];
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** Every .ts file under `dir` except tests, sorted (the export must not depend on readdir order). */
export function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** `pg`, `@aws-sdk/client-s3` from `pg/lib/x`, `@aws-sdk/client-s3/dist`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function relativeSpecifier(fromTarget: string, toTarget: string): string {
  const rel = posix.relative(posix.dirname(fromTarget), toTarget);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * Follows the app's imports through the workspace packages and returns the files to copy,
 * with `@divio-samples/*` imports turned into relative ones and the packages' `./x.js`
 * imports into `./x.ts` (the app's own style: Node runs the sources directly in the compose
 * development server, and tsc's rewriteRelativeImportExtensions writes `.js` into dist/).
 */
export function collectSources(root: string, appDir: string): Closure {
  const queue: { origin: string; pkg: string | undefined }[] = listSources(join(appDir, 'src')).map(
    (origin) => ({ origin, pkg: undefined }),
  );
  const seen = new Map<string, SourceFile>();
  const packages = new Set<string>();
  const externals = new Set<string>();

  const targetOf = (origin: string, pkg: string | undefined): string =>
    pkg === undefined
      ? toPosix(relative(appDir, origin))
      : posix.join('src/lib', pkg, toPosix(relative(join(root, 'packages', pkg, 'src'), origin)));

  while (queue.length > 0) {
    const next = queue.shift();
    if (!next || seen.has(next.origin)) continue;
    const { origin, pkg } = next;
    if (pkg) packages.add(pkg);
    const target = targetOf(origin, pkg);
    const text = readFileSync(origin, 'utf8');
    const content = text.replace(SPECIFIER, (match, specifier: string) => {
      let replacement = specifier;
      if (specifier.startsWith(SCOPE)) {
        const dep = specifier.slice(SCOPE.length);
        if (dep.includes('/'))
          throw new Error(`${origin}: deep import ${specifier} is not supported`);
        const index = join(root, 'packages', dep, 'src', 'index.ts');
        queue.push({ origin: index, pkg: dep });
        replacement = relativeSpecifier(target, targetOf(index, dep));
      } else if (specifier.startsWith('.') && !/\.(ts|tsx|js)$/.test(specifier)) {
        // A data file next to the sources (`../package.json`): the export writes its own.
      } else if (specifier.startsWith('.')) {
        const resolved = join(dirname(origin), specifier.replace(/\.js$/, '.ts'));
        queue.push({ origin: resolved, pkg });
        replacement = specifier.replace(/\.js$/, '.ts');
      } else if (!specifier.startsWith('node:')) {
        externals.add(packageName(specifier));
      }
      return match.replace(`'${specifier}'`, `'${replacement}'`);
    });
    // Comments that name a package by its workspace name now mean the copied folder.
    const prose = content.replace(
      /@divio-samples\/(app-core|media-storage|divio-env)\b/g,
      'src/lib/$1',
    );
    seen.set(origin, { target, origin, pkg, content: prose });
  }

  const files = [...seen.values()].sort((a, b) => (a.target < b.target ? -1 : 1));
  return { files, packages: [...packages].sort(), externals: [...externals].sort() };
}
