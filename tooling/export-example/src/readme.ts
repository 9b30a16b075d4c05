// The README of an exported repository: written for the person who now owns it.
import type { AppFacts } from './templates.ts';

/** "An Express app", "A Koa app": the framework names here are all read as spelled. */
export function indefiniteArticle(word: string): 'A' | 'An' {
  return /^[aeiou]/i.test(word) ? 'An' : 'A';
}

const ENV_HELP: Readonly<Record<string, string>> = {
  DATABASE_URL:
    'the database (`postgres://...`, `mysql://...`; Divio sets it when a database service is added). Unset locally: an in-memory SQLite database.',
  DEFAULT_STORAGE_DSN:
    "where uploads go: `s3://...` (Divio's object storage), `az://...` (Azure Blob) or `file:///path/?url=/media/` (local only).",
  SECRET_KEY: 'a secret for signing; Divio sets it.',
  DOMAIN: 'the primary domain (Divio sets it); requests for other hosts are refused.',
  DOMAIN_ALIASES: 'further allowed hosts, comma-separated.',
  DOMAIN_REDIRECTS: 'hosts redirected to DOMAIN.',
  SECURE_SSL_REDIRECT: 'redirect HTTP to HTTPS: on unless it is exactly `False`.',
  STAGE: '`local`, `test` or `live` (Divio sets it).',
  DEBUG: 'detailed error messages (`True`/`False`); never on live.',
  PORT: 'the port to listen on (default 80, what Divio expects).',
  SITE_NAME: 'shown on the page.',
  MAX_UPLOAD_BYTES: 'the largest accepted upload (default 500 MB).',
  LOG_LEVEL: 'pino log level (`info` by default, `debug` when DEBUG is on).',
  TRUST_PROXY:
    "whether to believe the proxy's X-Forwarded-* headers (`True`/`False`; Divio's containers sit behind its proxy).",
  SHUTDOWN_TIMEOUT_MS: 'how long requests in flight may finish after SIGTERM.',
  DATABASE_TIMEOUT_MS:
    'the longest a database step (taking a connection, connecting, a query) may take before the request gets a 503 (default 5000).',
  HEADERS_TIMEOUT_MS: "how long a client may take to send a request's headers (default 10000).",
  IDLE_TIMEOUT_MS:
    'how long a request body may stall before the request gets a 408 (default 30000); a slow upload that keeps moving is never cut.',
  GIT_BRANCH: 'shown in `/api/info` (Divio sets it).',
  GIT_COMMIT: 'shown in `/api/info` (Divio sets it).',
};

export function readme(facts: AppFacts, paths: string[]): string {
  const env = facts.envVars.map((name) => `- \`${name}\`: ${ENV_HELP[name] ?? ''}`).join('\n');
  const tree = paths
    .filter((path) => !path.startsWith('src/lib/') || path.split('/').length === 4)
    .map((path) =>
      path.startsWith('src/lib/') ? `${path.split('/').slice(0, 3).join('/')}/` : path,
    )
    .filter((path, index, all) => all.indexOf(path) === index)
    .sort()
    .map((path) => `    ${path}`)
    .join('\n');
  return `# ${facts.title} on Divio

${indefiniteArticle(facts.title)} ${facts.title} web app that stores uploaded files (local disk, S3-compatible object storage or
Azure Blob Storage) and their metadata (PostgreSQL, MySQL/MariaDB, or SQLite locally), configured
entirely by environment variables, packaged as a container that runs on Divio as it is.

It started as an export of a reference sample; everything here is now yours: the code under
\`src/lib/\` is ordinary source of this repository, not a dependency.

## Requirements and package manager

Node.js 24 (or 22.14+) and **npm**, which comes with Node. The lockfile is
\`package-lock.json\`, so \`npm ci\` installs exactly what was tested, on your machine, in the
Dockerfile and in CI, with no other tool to install. \`.npmrc\` turns install scripts off:
the only native addon (better-sqlite3, optional, for SQLite in tests) ships prebuilt binaries.

## Run it on your machine

    npm ci
    npm run build
    npm test                     # starts the app on SQLite and local files, no services needed
    DATABASE_URL=sqlite:///$PWD/data/db.sqlite3 DEFAULT_STORAGE_DSN="file://$PWD/data/media/?url=%2Fmedia%2F" PORT=8000 sh -c 'node dist/migrate.js && node dist/server.js'

Then open http://127.0.0.1:8000.

## Run it with Docker Compose (and Divio's CLI)

    docker compose up --build                      # or docker-compose (v1.29)
    docker compose run --rm web node dist/migrate.js

The app is on http://127.0.0.1:8000 (\`WEB_PORT\` changes the host port), with PostgreSQL
as \`database_default\` and uploads under \`./data/media\`. Settings for the \`web\` service are
in \`.env-local\`. The emulators for the cloud storage backends start with
\`--profile s3\` or \`--profile azure\` (see \`.env-local\` for the matching
\`DEFAULT_STORAGE_DSN\`).

With Divio's CLI, after linking this repository to a Divio application
(\`divio app setup\` or \`divio app configure\`), \`divio app up\` runs the same
\`docker-compose.yml\`: it uses this file alone and finds the app on the \`web\` service's port 80.

## Deploy on Divio

1. Push this repository to the Git remote of your Divio application (or connect it).
   Divio builds the \`Dockerfile\` at the repository root.
2. Add a database service (PostgreSQL or MySQL) and an object storage service in the Divio
   Control Panel; Divio then sets \`DATABASE_URL\` and \`DEFAULT_STORAGE_DSN\` itself.
3. Set the **release command** to \`node dist/migrate.js\`: it runs the migrations in a fresh
   container of the new image before traffic moves to it; if it fails, the deploy stops.
4. Deploy the test environment, check \`/readyz\`, then live.

The container listens on port 80, answers \`/healthz\` (alive) and \`/readyz\` (database,
migrations and storage reachable), logs JSON lines to stdout, and shuts down gracefully on
SIGTERM.

### Environment variables it reads

${env}

### Object storage

Add an object storage service to the application on Divio: it sets \`DEFAULT_STORAGE_DSN\`
(S3-compatible, \`s3://KEY:SECRET@BUCKET.HOST/?...\`), and the app stores uploads there from the
next deploy; nothing in the code changes. Locally, try the same path with the s3rver emulator:
\`docker compose --profile s3 up\` and the S3 line in \`.env-local\`. Azure Blob Storage works
the same way with \`az://\` and \`--profile azure\`.

## What to change first

- \`package.json\`: the name, version and description; \`README.md\`: this text.
- \`.env-local\`: \`SECRET_KEY\` for local use (never reuse it anywhere else).
- ${facts.routes}. The rules every route follows (upload limits, headers, error
  shape, host check) live in \`src/lib/app-core/\`; change them there.
- The base image: \`ARG NODE_IMAGE\` in the Dockerfile (default the official Node 24 image).
- The storage backends you do not use can go: \`src/lib/media-storage/backends/\` and their
  SDKs in \`package.json\` (then \`npm install\` to refresh the lockfile).

## Files

${tree}
`;
}
