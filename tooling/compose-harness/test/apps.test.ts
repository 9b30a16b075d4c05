// Static checks of the real apps under apps/: each Dockerfile passes the lint, and
// Compose accepts each docker-compose.yml and it follows the harness's conventions.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompose, checkDockerfile } from '../src/check.js';
import { detectCompose } from '../src/compose.js';
import { DATABASES, loadManifests, MANIFEST_SCHEMA_PATH, STORAGES } from '../src/manifest.js';

const root = join(import.meta.dirname, '..', '..', '..');
const manifests = loadManifests(root);
const composeInstalled =
  spawnSync('docker', ['compose', 'version']).status === 0 ||
  spawnSync('docker-compose', ['version']).status === 0;

const COMPOSE_CHECK_TIMEOUT_MS = 180_000;

describe('the apps', () => {
  it('there is at least one app, and each has a Dockerfile and a docker-compose.yml', () => {
    expect(manifests.length).toBeGreaterThan(0);
    for (const app of manifests) {
      expect(existsSync(join(app.dir, 'Dockerfile')), `${app.name}/Dockerfile`).toBe(true);
      expect(
        existsSync(join(app.dir, 'docker-compose.yml')),
        `${app.name}/docker-compose.yml`,
      ).toBe(true);
    }
  });

  it('the manifest schema allows exactly the databases and storages the harness knows', () => {
    const schema = JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8'));
    expect(schema.properties.databases.items.enum).toEqual([...DATABASES]);
    expect(schema.properties.storage.items.enum).toEqual([...STORAGES]);
  });

  for (const app of manifests) {
    it(`${app.name}: sample.json names the manifest schema by a path that exists`, () => {
      const json = JSON.parse(readFileSync(join(app.dir, 'sample.json'), 'utf8'));
      expect(resolve(app.dir, String(json.$schema))).toBe(MANIFEST_SCHEMA_PATH);
    });

    it(`${app.name}: the Dockerfile passes the lint`, () => {
      const result = checkDockerfile(app, root);
      expect(result.problems).toEqual([]);
    });

    // Needs the Compose CLI, not an engine. `npm test` fails on this skip under CI=true.
    it.skipIf(!composeInstalled)(
      `${app.name}: Compose accepts docker-compose.yml and it follows the conventions${composeInstalled ? '' : ' (skipped: neither `docker compose` nor `docker-compose` is installed)'}`,
      async () => {
        const result = await checkCompose(app, root, await detectCompose());
        expect(result.problems).toEqual([]);
      },
      // A bound against a hang, not a speed target: the check runs `compose config` several
      // times, and Compose v1 (Python) takes seconds per start on a busy 2-core machine (30 s
      // was exceeded once in CI with other work running).
      COMPOSE_CHECK_TIMEOUT_MS,
    );
  }
});
