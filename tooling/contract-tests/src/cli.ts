// `contract-tests run --base-url URL --framework NAME --database DB --storage STORAGE`:
// runs the contract suite (the same one `defineContractSuite` registers) through vitest's
// Node API against a server that is already running; exits 1 when any test fails.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ContractTarget, DATABASES, STORAGES, validateTarget } from './target.js';

export const USAGE = `Usage: contract-tests run --base-url URL --framework NAME --database DB --storage STORAGE [options]

Runs the sample app contract (docs/contract.md) against a server that is already running
with the contract environment (contractEnv) and exits non-zero when any check fails.

Required:
  --base-url URL        where the app listens, e.g. http://127.0.0.1:8000 (no path)
  --framework NAME      the framework /api/info must report (express, koa, fastify, ...)
  --database DB         the database the app uses: ${DATABASES.join(' | ')}
  --storage STORAGE     the storage backend the app uses: ${STORAGES.join(' | ')}

Options:
  --media-root DIR      file backend: the directory it writes to, when visible from here
                        (adds the "a refused upload leaves no file" disk check)
  --json-report FILE    also write vitest's JSON report to FILE
  --log-file FILE       a file that receives the app's stdout (e.g. from \`docker logs -f\`):
                        adds the log checks (one JSON line per request, no credentials)
  --browser             also run the browser test (Chromium at CHROMIUM_PATH or /usr/bin/chromium)
  --filter PATTERN      only tests whose full name matches PATTERN (a regular expression, as vitest -t)
  -h, --help            this text
`;

export interface RunOptions {
  target: ContractTarget;
  logFile?: string;
  jsonReport?: string;
  browser: boolean;
  filter?: string;
}

export class UsageError extends Error {}

/** Parses `run ...` arguments; throws UsageError naming the bad or missing flag. */
export function parseRunArgs(argv: readonly string[]): RunOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'base-url': { type: 'string' },
      framework: { type: 'string' },
      database: { type: 'string' },
      storage: { type: 'string' },
      'media-root': { type: 'string' },
      'json-report': { type: 'string' },
      'log-file': { type: 'string' },
      browser: { type: 'boolean', default: false },
      filter: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1 || positionals[0] !== 'run') {
    throw new UsageError(
      positionals.length === 0
        ? 'missing command: run'
        : `unknown command: ${positionals.join(' ')} (expected: run)`,
    );
  }
  for (const flag of ['base-url', 'framework', 'database', 'storage'] as const) {
    if (!values[flag]) throw new UsageError(`--${flag} is required`);
  }
  const target: ContractTarget = {
    baseUrl: (values['base-url'] ?? '').replace(/\/+$/, ''),
    framework: values.framework ?? '',
    database: values.database as ContractTarget['database'],
    storage: values.storage as ContractTarget['storage'],
    ...(values['media-root'] ? { mediaRoot: resolve(values['media-root']) } : {}),
  };
  try {
    validateTarget(target);
  } catch (error) {
    throw new UsageError(`--${(error as Error).message.replace(/^baseUrl/, 'base-url')}`);
  }
  return {
    target,
    browser: values.browser ?? false,
    ...(values['json-report'] ? { jsonReport: resolve(values['json-report']) } : {}),
    ...(values['log-file'] ? { logFile: resolve(values['log-file']) } : {}),
    ...(values.filter ? { filter: values.filter } : {}),
  };
}

/** Runs the suite; resolves to the process exit code. */
export async function run(options: RunOptions): Promise<number> {
  const { target } = options;
  console.log(
    `contract-tests: ${target.framework} at ${target.baseUrl} (database ${target.database}, storage ${target.storage})`,
  );
  const { startVitest } = await import('vitest/node');
  const runnerDir = join(dirname(fileURLToPath(import.meta.url)), 'runner');
  const include = ['contract.spec.js', ...(options.browser ? ['browser.spec.js'] : [])];
  const reporters: Array<string | [string, Record<string, unknown>]> = ['default'];
  if (options.jsonReport) reporters.push(['json', { outputFile: options.jsonReport }]);
  const vitest = await startVitest('test', [], {
    config: false,
    root: runnerDir,
    watch: false,
    run: true,
    include,
    reporters,
    provide: {
      contractTarget: options.target,
      contractLogFile: options.logFile ?? '',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One server, one suite at a time: the tests share the app's state.
    fileParallelism: false,
    ...(options.filter ? { testNamePattern: options.filter } : {}),
  });
  const failed = vitest.state.getCountOfFailedTests();
  const errors = vitest.state.getUnhandledErrors().length;
  const files = vitest.state.getFiles();
  await vitest.close();
  if (files.length === 0) {
    console.error('contract-tests: no test file ran');
    return 1;
  }
  if (failed > 0 || errors > 0 || (process.exitCode !== undefined && process.exitCode !== 0)) {
    return 1;
  }
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseRunArgs(argv);
  } catch (error) {
    console.error(`contract-tests: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  return run(options);
}
