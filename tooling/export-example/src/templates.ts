// The files written for the exported repository itself (not copied from the monorepo).
// Plain template strings: each file is short, and reading it here is reading the result.

export interface AppFacts {
  /** `express`, `koa`, ... (the directory under apps/). */
  app: string;
  /** `Express`, `Koa`, ... for prose. */
  title: string;
  /** The `web` service's command for local development. */
  devCommand: string[];
  /** Why devCommand is what it is, for the compose file's comment. */
  devCommandWhy: string;
  /** Where the routes live, for the README. */
  routes: string;
  /** Next.js: `next build` standalone output and a custom server. */
  next: boolean;
  /** Whether the build also writes dist/static (app-core's assets). */
  assets: boolean;
  /** The environment variables the copied code reads, sorted. */
  envVars: string[];
  /** The npm packages the app runs on, `name@version`, for the README. */
  runtimeDeps: string[];
}

const NODE_DEFAULT = 'node:24-bookworm-slim';

export function dockerfile(facts: AppFacts): string {
  return facts.next ? nextDockerfile(facts) : nodeDockerfile(facts);
}

const HEALTHCHECK = `# Liveness without curl: Node's own fetch against /healthz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||80)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`;

function nextDockerfile(facts: AppFacts): string {
  return `# The production image of this ${facts.title} app. Divio builds the Dockerfile at the root of the
# repository with the repository as build context; so does \`docker build .\`.
# Works with the classic builder and BuildKit alike (no RUN --mount, no heredocs).
#
# \`build\` installs every dependency from package-lock.json (npm ci) and runs \`npm run build\`:
# the static assets, \`next build\` (the pages and route handlers, traced with only the files
# the server needs into .next/standalone) and tsc for the custom server and the release
# command (dist/). The final stage is that standalone output on a clean Node image, run as
# the unprivileged \`node\` user. Nothing here reaches a database, storage or the network.

# The base image is a build argument with the official default, so a machine that cannot
# pull it can pass a local one (--build-arg NODE_IMAGE=...).
ARG NODE_IMAGE=${NODE_DEFAULT}

FROM \${NODE_IMAGE} AS build
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
# Next's client chunks and the compiled server join the traced output; the SQLite driver
# (optional, for tests) and the image optimiser's sharp (unused: images are unoptimized)
# are left out.
# (\`/.\` copies the contents: the traced output already holds dist/static.)
RUN mkdir -p .next/standalone/.next/static .next/standalone/dist \\
 && cp -r .next/static/. .next/standalone/.next/static/ \\
 && cp -r dist/. .next/standalone/dist/ \\
 && rm -rf .next/standalone/node_modules/better-sqlite3 .next/standalone/node_modules/sharp \\
      .next/standalone/node_modules/@img

FROM \${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \\
    NEXT_TELEMETRY_DISABLED=1 \\
    HOSTNAME=0.0.0.0
WORKDIR /app
COPY --from=build /app/.next/standalone/ ./
# Local file storage (DEFAULT_STORAGE_DSN=file:///data/media/...) for development only;
# cloud environments use S3 or Azure. The app's own files stay root-owned and read-only.
RUN mkdir -p /data/media && chown -R node:node /data
USER node
# Divio sends traffic to port 80 (PORT overrides it). A non-root process may bind it
# because container runtimes set net.ipv4.ip_unprivileged_port_start=0 (Docker 20.10+).
EXPOSE 80
${HEALTHCHECK}
# CMD, not ENTRYPOINT: Divio and \`docker compose run\` replace it (release command, shells).
CMD ["node", "dist/server.js"]
`;
}

function nodeDockerfile(facts: AppFacts): string {
  return `# The production image of this ${facts.title} app. Divio builds the Dockerfile at the root of the
# repository with the repository as build context; so does \`docker build .\`.
# Works with the classic builder and BuildKit alike (no RUN --mount, no heredocs).
#
# Stages: \`build\` installs every dependency from package-lock.json (npm ci) and compiles
# TypeScript${facts.assets ? ' and the static assets' : ''}; \`deps\` installs the production dependencies only; the final
# stage copies both onto a clean Node image and runs as the unprivileged \`node\` user.
# The SQLite driver (better-sqlite3, an optional dependency for tests and local runs) is
# left out: a cloud environment has PostgreSQL or MySQL.
# Nothing here reaches a database or storage: migrations are the release command
# (\`node dist/migrate.js\`), run later from this same image.

# The base image is a build argument with the official default, so a machine that cannot
# pull it can pass a local one (--build-arg NODE_IMAGE=...).
ARG NODE_IMAGE=${NODE_DEFAULT}

FROM \${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is rebuilt only when they change. No install
# scripts run (.npmrc): nothing the build needs compiles anything.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM \${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM \${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Local file storage (DEFAULT_STORAGE_DSN=file:///data/media/...) for development only;
# cloud environments use S3 or Azure. The app's own files stay root-owned and read-only.
RUN mkdir -p /data/media && chown -R node:node /data
USER node
# Divio sends traffic to port 80 (PORT overrides it). A non-root process may bind it
# because container runtimes set net.ipv4.ip_unprivileged_port_start=0 (Docker 20.10+).
EXPOSE 80
# Liveness without curl: Node's own fetch against /healthz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||80)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# CMD, not ENTRYPOINT: Divio and \`docker compose run\` replace it (release command, shells).
# Node runs directly (not through npm) so it receives SIGTERM.
CMD ["node", "dist/server.js"]
`;
}

const healthTcp = (port: number) => `      test:
        [
          "CMD",
          "node",
          "-e",
          "require('node:net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))",
        ]
      interval: 2s
      timeout: 5s
      retries: 30`;

export function composeFile(facts: AppFacts): string {
  const command = `[${facts.devCommand.map((part) => JSON.stringify(part)).join(', ')}]`;
  const development =
    facts.devCommand.length === 0
      ? `      # Local media storage (DEFAULT_STORAGE_DSN=file:///data/media/...).
      - "./data:/data:rw"
    # The image's own command (\`node dist/server.js\`): the app is \`next build\`'s output, so
    # the sources are not mounted. Rebuild to see a change (\`up --build\`), or use
    # \`npx next dev\` on the host for Next's development server.`
      : `      # The app directory, so edits on the host reach the container...
      - ".:/app:rw"
      # ...except what the image built: production dependencies and compiled output stay
      # as built (after a rebuild, \`up -V\` refreshes them).
      - /app/node_modules
      - /app/dist
      # Local media storage (DEFAULT_STORAGE_DSN=file:///data/media/...).
      - "./data:/data:rw"
    # ${facts.devCommandWhy}
    command: ${command}`;
  return `# Local development in the shape Divio's CLI expects: it runs \`docker compose -f
# docker-compose.yml\` (this file alone, never an override file) and finds the app with
# \`port web 80\`. Divio's cloud environments never read this file.
#
#   docker compose up                 # PostgreSQL, files under ./data, http://127.0.0.1:8000
#   docker compose run --rm web node dist/migrate.js     # the release command (migrations)
#
# Compose v2 (\`docker compose\`) and v1.29 (\`docker-compose\`) both read it.
# - Host port: WEB_PORT (default 8000), so several stacks can run side by side; loopback
#   only, as the development settings (DEBUG) are not for the network.
# - Storage emulators: \`--profile s3\` (s3rver, bucket \`media\`) or \`--profile azure\`
#   (Azurite, container \`media\`); .env-local has the DEFAULT_STORAGE_DSN line for each.
# - Images: NODE_IMAGE, POSTGRES_IMAGE, AZURITE_IMAGE and S3_IMAGE override the defaults.

services:
  web:
    build:
      context: .
      args:
        NODE_IMAGE: \${NODE_IMAGE:-${NODE_DEFAULT}}
    # An init process as PID 1 forwards SIGTERM to node and reaps children.
    init: true
    env_file: .env-local
    ports:
      - "127.0.0.1:\${WEB_PORT:-8000}:80"
    volumes:
${development}
    depends_on:
      database_default:
        condition: service_healthy
      media_init:
        condition: service_completed_successfully

  # ./data on the host is created by Docker as root; the app runs as \`node\`. This one-off
  # makes /data/media writable for it, then exits (no root wrapper around the app itself).
  media_init:
    image: \${NODE_IMAGE:-${NODE_DEFAULT}}
    user: root
    volumes:
      - "./data:/data:rw"
    command: ["sh", "-c", "mkdir -p /data/media && chown node:node /data /data/media"]

  database_default:
    image: \${POSTGRES_IMAGE:-postgres:15-alpine}
    environment:
      # Divio's CLI recognises the database service by this variable.
      SERVICE_MANAGER: fsm-postgres
      POSTGRES_DB: db
      POSTGRES_HOST_AUTH_METHOD: trust
    volumes:
      # Divio's CLI reads and writes database dumps through /app.
      - ".:/app:rw"
      - database_default:/var/lib/postgresql/data
    healthcheck:
      # Over TCP: during first-run initialisation the server listens on its socket only.
      test: ["CMD", "pg_isready", "--host=127.0.0.1", "--username=postgres", "--dbname=db"]
      interval: 2s
      timeout: 5s
      retries: 30

  # S3 emulator: s3rver with the bucket \`media\` (credentials S3RVER / S3RVER).
  s3:
    profiles: ["s3"]
    image: \${S3_IMAGE:-local/s3rver:3.7.1}
    build:
      context: emulators/s3rver
      args:
        NODE_IMAGE: \${NODE_IMAGE:-${NODE_DEFAULT}}
    init: true
    volumes:
      - s3:/data
    healthcheck:
${healthTcp(4568)}

  # Azure Blob Storage emulator (Microsoft's Azurite), account devstoreaccount1.
  azurite:
    profiles: ["azure"]
    image: \${AZURITE_IMAGE:-mcr.microsoft.com/azure-storage/azurite:3.37.0}
    command:
      ["azurite-blob", "--blobHost", "0.0.0.0", "--blobPort", "10000", "--location", "/data", "--loose", "--skipApiVersionCheck"]
    init: true
    volumes:
      - azurite:/data
    healthcheck:
${healthTcp(10000)}

  # Azurite starts empty: this one-off creates the container \`media\`, then exits.
  azurite_init:
    profiles: ["azure"]
    image: \${NODE_IMAGE:-${NODE_DEFAULT}}
    environment:
      AZURITE_URL: http://azurite:10000/devstoreaccount1
      AZURITE_CONTAINERS: media
    volumes:
      - "./emulators/azurite/create-containers.mjs:/usr/local/lib/create-containers.mjs:ro"
    command: ["node", "/usr/local/lib/create-containers.mjs"]
    depends_on:
      azurite:
        condition: service_healthy

volumes:
  database_default:
  s3:
  azurite:
`;
}

export function gitignore(facts: AppFacts): string {
  return `# Dependencies and build output
node_modules/
dist/
${facts.next ? '.next/\nnext-env.d.ts\n' : ''}*.tsbuildinfo
.reports/
# Local media and database files (docker-compose.yml mounts ./data)
/data
# Divio's CLI keeps its local state here
.divio/
.env
*.log
`;
}

export function dockerignore(facts: AppFacts): string {
  return `# The build context is this directory: keep it small and free of host builds and data.
.git
.divio
node_modules
dist
*.tsbuildinfo
${facts.next ? '.next\nnext-env.d.ts\n' : ''}data
test
.reports
*.log
.env
.env-local
docker-compose*.yml
`;
}

export const npmrc = `# No install scripts: the one native addon (better-sqlite3, optional, for tests and local
# SQLite) ships prebuilt binaries, and without this npm would compile it from source.
ignore-scripts=true
# package.json pins exact versions; keep it so when adding dependencies.
save-exact=true
`;

export function vitestConfig(): string {
  return `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests boot the server and a database: more than the 5 s default on small machines.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
`;
}

/** A standalone smoke test: SQLite and local files in a temporary directory, no services. */
export function smokeTest(facts: AppFacts): string {
  return facts.next ? nextSmokeTest(facts) : nodeSmokeTest(facts);
}

const CHECKS = `  it('is alive and ready', async () => {
    expect((await fetch(\`\${base}/healthz\`)).status).toBe(200);
    expect((await fetch(\`\${base}/readyz\`)).status).toBe(200);
  });

  it('stores an upload, lists it and serves its content', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const created = await fetch(\`\${base}/api/media\`, { method: 'POST', body: form });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string };

    const list = (await (await fetch(\`\${base}/api/media\`)).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((entry) => entry.id)).toContain(item.id);

    const content = await fetch(\`\${base}/api/media/\${item.id}/content\`);
    expect(content.status).toBe(200);
    expect(await content.text()).toBe('hello');
  });

  it('answers an unknown path with the JSON error shape', async () => {
    const response = await fetch(\`\${base}/no-such-page\`);
    expect(response.status).toBe(404);
    expect(await response.json()).toHaveProperty('error.code');
  });`;

function nextSmokeTest(facts: AppFacts): string {
  return `// The built app end to end (run \`npm run build\` first): \`node dist/server.js\` on SQLite and
// local files in a temporary directory, no database server, no Docker. Migrations, the
// health endpoints, an upload, the list, the content.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let scratch: string;
let child: ChildProcess;
let base: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), '${facts.app}-test-'));
  const port = await freePort();
  base = \`http://127.0.0.1:\${port}\`;
  child = spawn(process.execPath, ['dist/server.js'], {
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: String(port),
      STAGE: 'local',
      SECRET_KEY: 'test-key-not-a-secret',
      DATABASE_URL: \`sqlite:///\${join(scratch, 'db.sqlite3')}\`,
      DEFAULT_STORAGE_DSN: \`file://\${join(scratch, 'media')}/?url=%2Fmedia%2F\`,
      DOMAIN: 'localhost',
      DOMAIN_ALIASES: '127.0.0.1',
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(\`\${base}/healthz\`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

afterAll(async () => {
  child?.kill('SIGTERM');
  await rm(scratch, { recursive: true, force: true });
});

describe('${facts.title} app', () => {
  it('reports what it runs on', async () => {
    const info = await (await fetch(\`\${base}/api/info\`)).json();
    expect(info).toMatchObject({ database: 'better-sqlite3', storage: 'file' });
  });

${CHECKS}
});
`;
}

function nodeSmokeTest(facts: AppFacts): string {
  return `// The app end to end on SQLite and local files in a temporary directory: no database
// server, no Docker. Migrations, the health endpoints, an upload, the list, the content.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '../src/server.ts';

let scratch: string;
let started: StartedServer;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), '${facts.app}-test-'));
  started = await startServer(
    {
      STAGE: 'local',
      SECRET_KEY: 'test-key-not-a-secret',
      DATABASE_URL: \`sqlite:///\${join(scratch, 'db.sqlite3')}\`,
      DEFAULT_STORAGE_DSN: \`file://\${join(scratch, 'media')}/?url=%2Fmedia%2F\`,
      DOMAIN: 'localhost',
      DOMAIN_ALIASES: '127.0.0.1',
    },
    // Request log lines are dropped: the assertions say what matters.
    { port: 0, host: '127.0.0.1', logDestination: { write: () => {} } },
  );
});

afterAll(async () => {
  await started?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('${facts.title} app', () => {
  it('is alive and ready', async () => {
    expect((await fetch(\`\${started.url}/healthz\`)).status).toBe(200);
    expect((await fetch(\`\${started.url}/readyz\`)).status).toBe(200);
  });

  it('reports what it runs on', async () => {
    const info = await (await fetch(\`\${started.url}/api/info\`)).json();
    expect(info).toMatchObject({ framework: '${facts.app}', database: 'better-sqlite3', storage: 'file' });
  });

  it('stores an upload, lists it and serves its content', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const created = await fetch(\`\${started.url}/api/media\`, { method: 'POST', body: form });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string };

    const list = (await (await fetch(\`\${started.url}/api/media\`)).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((entry) => entry.id)).toContain(item.id);

    const content = await fetch(\`\${started.url}/api/media/\${item.id}/content\`);
    expect(content.status).toBe(200);
    expect(await content.text()).toBe('hello');
  });

  it('answers an unknown path with the JSON error shape', async () => {
    const response = await fetch(\`\${started.url}/no-such-page\`);
    expect(response.status).toBe(404);
    expect(await response.json()).toHaveProperty('error.code');
  });
});
`;
}
