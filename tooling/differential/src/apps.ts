// The apps under test: every `apps/<name>/sample.json`, so an app added later is compared
// without touching this package (apart from its devDependency, which orders the build).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AppDir {
  /** The manifest's `name` (`express`). */
  name: string;
  /** The manifest's `framework`. */
  framework: string;
  /** Absolute directory holding `dist/server.js` and `dist/migrate.js`. */
  dir: string;
  /** The release command from the manifest (`["node", "dist/migrate.js"]`). */
  release: readonly string[];
}

/** Every app with a `sample.json` under `<root>/apps`, sorted by name. */
export async function discoverApps(root: string): Promise<AppDir[]> {
  const appsDir = join(root, 'apps');
  const apps: AppDir[] = [];
  for (const entry of await readdir(appsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(appsDir, entry.name);
    let text: string;
    try {
      text = await readFile(join(dir, 'sample.json'), 'utf8');
    } catch {
      continue;
    }
    const manifest = JSON.parse(text) as { name?: unknown; framework?: unknown; release?: unknown };
    const name = typeof manifest.name === 'string' ? manifest.name : entry.name;
    const framework = typeof manifest.framework === 'string' ? manifest.framework : name;
    const release = Array.isArray(manifest.release)
      ? manifest.release.map(String)
      : ['node', 'dist/migrate.js'];
    apps.push({ name, framework, dir, release });
  }
  return apps.sort((a, b) => a.name.localeCompare(b.name));
}
