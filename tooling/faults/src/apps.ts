// The apps under test: every `apps/<name>/` with a `sample.json` manifest and a built
// `dist/server.js`, so an app added later is held to the fault suite without touching it
// (apart from this package's devDependency on it, which makes turbo build it first).
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppDir {
  /** The directory name under apps/ (`express`). */
  name: string;
  /** Absolute directory holding `dist/server.js`. */
  dir: string;
}

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every app with a manifest, sorted by name; throws when one is not built. */
export async function discoverApps(root = repoRoot): Promise<AppDir[]> {
  const appsDir = join(root, 'apps');
  const apps: AppDir[] = [];
  for (const entry of await readdir(appsDir, { withFileTypes: true })) {
    const dir = join(appsDir, entry.name);
    if (!entry.isDirectory() || !existsSync(join(dir, 'sample.json'))) continue;
    if (!existsSync(join(dir, 'dist', 'server.js'))) {
      throw new Error(`apps/${entry.name} is not built (no dist/server.js): run the build first`);
    }
    apps.push({ name: entry.name, dir });
  }
  return apps.sort((a, b) => a.name.localeCompare(b.name));
}

/** The apps, optionally narrowed by FAULT_APPS=express,koa (for a quick local run). */
export async function appsUnderTest(): Promise<AppDir[]> {
  const all = await discoverApps();
  const only = process.env.FAULT_APPS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return only?.length ? all.filter((a) => only.includes(a.name)) : all;
}
