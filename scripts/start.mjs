#!/usr/bin/env node
// `npm start`: the Express sample on http://localhost:8000 with nothing but Node and npm.
//
//   1. install the workspace from the frozen lockfile (first run only);
//   2. build the Express app and the packages it depends on (turbo, cached);
//   3. run `node apps/express/dist/server.js` in the `local` stage: SQLite in
//      apps/express/data/db.sqlite3 and uploads in apps/express/data/media (both
//      git-ignored), migrations applied at startup, no HTTPS redirect
//      (the defaults: scripts/lib/local-app.mjs, shared with `npm run dev`).
//
// Any variable already set in the environment wins (PORT=9000 npm start, DATABASE_URL=...).
import { appDir, buildApp, localEnv, runUntilExit } from './lib/local-app.mjs';
import { ensureInstalled } from './lib/workspace.mjs';

const dir = appDir('express');
ensureInstalled();
buildApp('express');
const env = localEnv(dir);
console.log(`> starting on http://localhost:${env.PORT} (Ctrl+C to stop)`);
runUntilExit([[process.execPath, ['dist/server.js'], { cwd: dir, env }]]);
