// One sample app run on this machine, without Docker: what `npm start` (scripts/start.mjs)
// and `npm run dev` (scripts/dev.mjs) share. The local defaults live here and only here.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pnpm, root } from './workspace.mjs';

/** The sample apps: the directories under apps/ with a sample.json manifest. */
export function appNames() {
  const apps = join(root, 'apps');
  return readdirSync(apps)
    .filter((name) => existsSync(join(apps, name, 'sample.json')))
    .sort();
}

/** The app's directory, or exit 2 naming the apps there are. */
export function appDir(name) {
  const names = appNames();
  if (!names.includes(name)) {
    console.error(`unknown app "${name}"; the apps are: ${names.join(', ')}`);
    process.exit(2);
  }
  return join(root, 'apps', name);
}

/**
 * The `local` stage on http://localhost:8000: SQLite in <app>/data/db.sqlite3 and uploads
 * in <app>/data/media (both git-ignored), migrations applied at startup (STAGE=local),
 * no HTTPS redirect. Any variable already set in `env` wins (PORT=9000, DATABASE_URL=...).
 */
export function localEnv(dir, env = process.env) {
  const data = join(dir, 'data');
  return {
    STAGE: 'local',
    PORT: '8000',
    DATABASE_URL: `sqlite:///${join(data, 'db.sqlite3')}`,
    DEFAULT_STORAGE_DSN: `file://${join(data, 'media')}/?url=%2Fmedia%2F`,
    DOMAIN_ALIASES: 'localhost, 127.0.0.1, 0.0.0.0',
    SECURE_SSL_REDIRECT: 'False',
    ...env,
  };
}

/** Builds the app and the workspace packages it depends on (turbo, cached); exits on failure. */
export function buildApp(name) {
  const filter = `--filter=@divio-samples/${name}...`;
  console.log(`> building ${name} (turbo run build ${filter})`);
  const status = pnpm(['exec', 'turbo', 'run', 'build', filter, '--output-logs=errors-only']);
  if (status !== 0) process.exit(status);
}

/**
 * Runs these processes (spawn arguments) until one exits; SIGINT and SIGTERM are passed on
 * to all of them. The exit status is the first child's (0 when it stopped on a signal).
 */
export function runUntilExit(commands) {
  const children = commands.map(([command, args, options]) =>
    spawn(command, args, { stdio: 'inherit', ...options }),
  );
  const stop = (signal) => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
  for (const child of children) {
    child.on('exit', (code, signal) => {
      stop('SIGTERM');
      process.exitCode ||= code ?? (signal ? 0 : 1);
    });
  }
}
