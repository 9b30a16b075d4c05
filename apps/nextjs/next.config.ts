// Next.js's build settings. Read by `next build` only: the server (dist/server.js) runs
// with the configuration the build serialised into .next/required-server-files.json.
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // A traced server with only the files it needs (.next/standalone), for a small image.
  output: 'standalone',
  // The workspace root, so tracing follows the workspace packages (app-core, divio-env,
  // media-storage) and the pnpm store they link to.
  outputFileTracingRoot: fileURLToPath(new URL('../..', import.meta.url)),
  // The contract's stylesheet and icon, built by app-core into its dist/static and served
  // by the custom server under /static/.
  outputFileTracingIncludes: { '/*': ['../../packages/app-core/dist/static/**'] },
  // knex loads its database driver by name at run time (pg, mysql2, better-sqlite3): a
  // bundler cannot follow that, so knex stays a Node package, traced with its drivers.
  serverExternalPackages: ['knex'],
  // TypeScript 7 (the workspace's tsc) has no JavaScript API for Next's own check: the
  // types are checked by `tsc` in `npm run typecheck` instead.
  typescript: { ignoreBuildErrors: true },
  // The contract's rules, not Next's: no X-Powered-By, paths match exactly (no redirect of
  // `/api/info/` to `/api/info`), no image optimiser (and so no sharp in the image).
  poweredByHeader: false,
  // No gzip in the app: like the other apps, it leaves compression to the platform's proxy.
  compress: false,
  skipTrailingSlashRedirect: true,
  images: { unoptimized: true },
};

export default config;
