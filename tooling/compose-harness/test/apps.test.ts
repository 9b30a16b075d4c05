// Static checks of the real apps under apps/: each Dockerfile passes the lint, and
// Compose accepts each docker-compose.yml and it follows the harness's conventions.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompose, checkDockerfile } from '../src/check.js';
import { detectCompose } from '../src/compose.js';
import { loadManifests } from '../src/manifest.js';

const root = join(import.meta.dirname, '..', '..', '..');
const manifests = loadManifests(root);
const composeInstalled =
  spawnSync('docker', ['compose', 'version']).status === 0 ||
  spawnSync('docker-compose', ['version']).status === 0;

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

  for (const app of manifests) {
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
    );
  }
});
