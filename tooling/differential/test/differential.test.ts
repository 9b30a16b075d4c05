// The differential test: every app under apps/ (found by its sample.json) is built,
// migrated and started as `node dist/server.js`; the default corpus goes to each; any
// difference in the answers fails and is named (also written to .reports/differential.txt;
// every observation, agreed or not, goes to .reports/differential.json).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultCorpus,
  discoverApps,
  formatReport,
  runDifferential,
  type StartedApp,
  startApp,
} from '../src/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const apps = await discoverApps(root);

describe('differential: the same requests to every app', () => {
  const started: StartedApp[] = [];

  beforeAll(async () => {
    const results = await Promise.allSettled(apps.map((app) => startApp(app)));
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) throw (failed[0] as PromiseRejectedResult).reason;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
  });

  it('finds at least two apps to compare', () => {
    expect(apps.length).toBeGreaterThanOrEqual(2);
  });

  it('lists every app as a devDependency, so turbo builds the apps before this test', async () => {
    const pkg = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
    };
    const missing: string[] = [];
    for (const app of apps) {
      const name = (
        JSON.parse(await readFile(join(app.dir, 'package.json'), 'utf8')) as { name: string }
      ).name;
      if (pkg.devDependencies?.[name] !== 'workspace:*') missing.push(`"${name}": "workspace:*"`);
    }
    expect(missing, 'add to tooling/differential/package.json devDependencies').toEqual([]);
  });

  it('every app answers the corpus the same way', async () => {
    const timings: Array<[ms: number, what: string]> = [];
    const started_ = performance.now();
    const result = await runDifferential(
      started.map((app) => app.target),
      defaultCorpus,
      { onEntry: (app, entry, _o, ms) => timings.push([ms, `${app}: ${entry.name}`]) },
    );
    const seconds = ((performance.now() - started_) / 1000).toFixed(1);
    const report = formatReport(result.differences, defaultCorpus.length);
    const slowest = timings
      .sort((a, b) => b[0] - a[0])
      .slice(0, 8)
      .map(([ms, what]) => `  ${ms.toFixed(0).padStart(5)} ms  ${what}`);
    await mkdir(join(packageDir, '.reports'), { recursive: true });
    // Every observation, to look at what the apps agreed on too.
    await writeFile(
      join(packageDir, '.reports', 'differential.json'),
      `${JSON.stringify(result.rows, null, 1)}\n`,
    );
    await writeFile(
      join(packageDir, '.reports', 'differential.txt'),
      [
        report || `no difference in ${defaultCorpus.length} requests (${result.apps.join(', ')})`,
        '',
        `${defaultCorpus.length} requests to ${result.apps.length} apps in ${seconds} s; slowest:`,
        ...slowest,
        '',
      ].join('\n'),
    );
    if (report) expect.fail(`apps ${result.apps.join(', ')} differ.\n${report}`);
  }, 180_000);
});
